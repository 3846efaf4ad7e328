// Experiments on the command line (docs/ARCHITECTURE.md §3, §7, §9): `strata experiment
// stabilizers` and `scaling` train their variants into a folder with experiment.json and print
// the table (and the fit); a killed experiment resumes to exactly the results of one that was
// never interrupted; --jobs 2 equals --jobs 1 at equal threads per variant; a variant that
// fails leaves the others complete (exit 1); bad input exits 2 with one `error:` line naming
// the field or file; `run SPEC --list` prints train commands whose runs `collect` gathers;
// without --out an experiment goes beside its design file, else under $XDG_DATA_HOME/strata.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include "runs/EpochTable.h"
#include "runs/RunReader.h"
#include "support/JsonFile.h"
#include "support/StrataProcess.h"
#include "support/TestData.h"

using namespace strata::test;

namespace {

// A command line as a POSIX shell splits it, for the quoting trainCommands writes: words
// separated by spaces, '...' quoted, \' outside quotes.
QStringList expShellWords(const QString& line) {
    QStringList words;
    QString word;
    bool inWord = false, quoted = false;
    for (int i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (quoted) {
            if (c == '\'') quoted = false;
            else word += c;
        } else if (c == '\'') {
            quoted = inWord = true;
        } else if (c == '\\' && i + 1 < line.size()) {
            word += line[++i];
            inWord = true;
        } else if (c == ' ') {
            if (inWord) words << word;
            word.clear();
            inWord = false;
        } else {
            word += c;
            inWord = true;
        }
    }
    if (inWord) words << word;
    return words;
}

// name -> variant object of DIR/experiment.json.
QMap<QString, QJsonObject> expVariants(const QString& dir) {
    QMap<QString, QJsonObject> out;
    for (const auto& v : readJson(dir + "/experiment.json")["variants"].toArray())
        out[v.toObject()["name"].toString()] = v.toObject();
    return out;
}

QByteArray expFileBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class ExperimentCliTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString data_, design_;

    QString path(const QString& name) const { return tmp_.filePath(name); }

    // Exit 2 with exactly one error line, which names `what`; nothing at `notWritten`.
    void expectBadInput(const StrataRun& r, const QString& what, const QString& notWritten = {}) {
        QVERIFY2(r.code == 2, qPrintable(QString("exit %1: %2").arg(r.code).arg(r.err)));
        const QStringList errors = errorLines(r.err);
        QVERIFY2(errors.size() == 1, qPrintable(r.err));
        QVERIFY2(errors.first().contains(what), qPrintable(errors.first() + "  (expected: " + what + ")"));
        if (!notWritten.isEmpty()) QVERIFY2(!QFileInfo::exists(notWritten), qPrintable(notWritten));
    }

    // A scaling spec on the tiny CNN: w0.5, w1 and w1-f0.5, `epochs` epochs, one thread.
    QString writeScalingSpec(const QString& name, int epochs) {
        return writeText(path(name), QString(R"({"format": "strata.experiment-spec/1", "kind": "scaling",
 "training": {"data": "data", "epochs": %1, "batch_size": 4, "threads": 1, "lr": 0.01, "val_split": 0.2,
              "test": "data"},
 "scaling": {"design": "tiny.strata.json", "widths": [0.5, 1], "fractions": [0.5]},
 "out": "never-used"})")
                                         .arg(epochs)
                                         .toUtf8());
    }

    // Every variant done in both folders, with equal metrics, step losses and weights.
    void expectSameResults(const QString& a, const QString& b, int variants) {
        const QMap<QString, QJsonObject> va = expVariants(a), vb = expVariants(b);
        QCOMPARE(va.size(), variants);
        QCOMPARE(vb.keys(), va.keys());
        for (const QString& name : va.keys()) {
            const QJsonObject x = va[name], y = vb[name];
            QVERIFY2(x["status"].toString() == "done", qPrintable(a + " " + name + ": " + x["status"].toString()));
            QVERIFY2(y["status"].toString() == "done", qPrintable(b + " " + name + ": " + y["status"].toString()));
            QVERIFY2(x["metrics"] == y["metrics"], qPrintable(name));
            QVERIFY(!x["metrics"].toObject().isEmpty());
            QCOMPARE(x["parameters"].toInteger(), y["parameters"].toInteger());
            const strata::ValidRun ra = strata::readValidRun((a + "/" + x["run"].toString()).toStdString());
            const strata::ValidRun rb = strata::readValidRun((b + "/" + y["run"].toString()).toStdString());
            QCOMPARE(ra.data.epoch, rb.data.epoch);
            QCOMPARE(ra.data.config.at("threads").get<int>(), 1);
            QCOMPARE(rb.data.config.at("threads").get<int>(), 1);
            QVERIFY2(ra.data.steps == rb.data.steps && ra.data.stepLoss == rb.data.stepLoss, qPrintable(name));
            const std::vector<strata::EpochRecord> ea = strata::loadEpochs(ra.data), eb = strata::loadEpochs(rb.data);
            QCOMPARE(ea.size(), eb.size());
            for (size_t e = 0; e < ea.size(); ++e) {
                QCOMPARE(ea[e].epoch, eb[e].epoch);
                QVERIFY2(ea[e].trainLoss == eb[e].trainLoss && ea[e].trainAccuracy == eb[e].trainAccuracy &&
                             ea[e].valLoss == eb[e].valLoss && ea[e].valAccuracy == eb[e].valAccuracy,
                         qPrintable(QString("%1 epoch %2").arg(name).arg(ea[e].epoch)));
            }
            QCOMPARE(ra.data.hasTest, rb.data.hasTest);
            QVERIFY(ra.data.testAccuracy == rb.data.testAccuracy && ra.data.testLoss == rb.data.testLoss);
            QCOMPARE(ra.data.checkpoint.size(), rb.data.checkpoint.size());
            for (size_t i = 0; i < ra.data.checkpoint.size(); ++i) {
                const strata::NamedArray &p = ra.data.checkpoint[i], &q = rb.data.checkpoint[i];
                QVERIFY2(p.name == q.name && p.f32 == q.f32 && p.i64 == q.i64, qPrintable(name + ": " + QString::fromStdString(p.name)));
            }
        }
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        data_ = path("data");
        makeImageFolder(data_, {"a", "b", "c"}, 20, 8, 5);
        design_ = writeText(path("tiny.strata.json"), tinyCnnDesign(8));
    }

    void stabilizersTrainFourVariants() {
        const QString out = path("stab");
        const StrataRun r = runStrata({"experiment", "stabilizers", "--data", data_, "--depth", "3", "--width", "4",
                                       "--epochs", "1", "--batch-size", "12", "--threads", "1", "--out", out});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("experiment: " + out + "/experiment.json"), qPrintable(r.out));
        const QStringList names{"plain", "batchnorm", "residual", "both"};
        // The table: a header, then one row per variant in order.
        const QStringList rows = r.out.split('\n', Qt::SkipEmptyParts);
        QVERIFY2(rows.size() >= 5, qPrintable(r.out));
        for (const QString& column : {"variant", "batchnorm", "residual", "parameters", "status", "accuracy"})
            QVERIFY2(rows[0].contains(column), qPrintable(rows[0]));
        for (int i = 0; i < 4; ++i)
            QVERIFY2(rows[i + 1].startsWith(names[i] + " ") && rows[i + 1].contains(" done ") && rows[i + 1].contains("(train)"),
                     qPrintable(r.out));
        QVERIFY2(r.err.contains("variant 4/4: both"), qPrintable(r.err));

        const QJsonObject e = readJson(out + "/experiment.json");
        QCOMPARE(e["format"].toString(), QString("strata.experiment/1"));
        QCOMPARE(e["kind"].toString(), QString("stabilizers"));
        QCOMPARE(e["spec"].toObject()["depth"].toInt(), 3);
        const QJsonArray variants = e["variants"].toArray();
        QCOMPARE(variants.size(), 4);
        qint64 plainParameters = 0;
        for (int i = 0; i < 4; ++i) {
            const QJsonObject v = variants[i].toObject();
            QCOMPARE(v["name"].toString(), names[i]);
            QCOMPARE(v["status"].toString(), QString("done"));
            QCOMPARE(v["batchnorm"].toBool(), i == 1 || i == 3);
            QCOMPARE(v["residual"].toBool(), i >= 2);
            QVERIFY(v["metrics"].toObject().contains("train_accuracy"));
            QCOMPARE(v["run"].toString(), names[i] + ".h5");
            // BatchNorm adds parameters; the residual Add does not.
            if (i == 0) plainParameters = v["parameters"].toInteger();
            QCOMPARE(v["parameters"].toInteger() > plainParameters, i == 1 || i == 3);
            const strata::ValidRun run = strata::readValidRun((out + "/" + v["run"].toString()).toStdString());
            QCOMPARE(run.data.epoch, int64_t(1));
            QVERIFY2(!run.data.features.empty(), "the run keeps no feature snapshot (gradient norms)");
            QCOMPARE(run.design.name, "stack-" + names[i].toStdString());
        }

        // `show` prints the same table from the file.
        const StrataRun show = runStrata({"experiment", "show", out});
        QVERIFY2(show.code == 0, qPrintable(show.err));
        QVERIFY2(show.out.startsWith("stabilizers experiment, 4 variants\n"), qPrintable(show.out));
        for (int i = 1; i <= 4; ++i) QVERIFY2(show.out.contains(rows[i]), qPrintable(show.out));
    }

    void scalingFitsBothLines() {
        // The folders given relative to the working directory are kept absolute, for resume.
        const QString out = path("scale"), relativeData = QDir::current().relativeFilePath(data_);
        QVERIFY(QDir::isRelativePath(relativeData));
        const StrataRun r = runStrata({"experiment", "scaling", design_, "--data", relativeData, "--test", relativeData, "--widths",
                                       "0.5,1", "--fractions", "0.5", "--epochs", "1", "--batch-size", "12", "--threads",
                                       "1", "--out", out});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject e = readJson(out + "/experiment.json");
        QCOMPARE(e["kind"].toString(), QString("scaling"));
        const QJsonArray variants = e["variants"].toArray();
        QCOMPARE(variants.size(), 3);
        const QStringList names{"w0.5", "w1", "w1-f0.5"};
        const QList<double> widths{0.5, 1, 1}, fractions{1, 1, 0.5};
        const QList<int> images{60, 60, 30};
        for (int i = 0; i < 3; ++i) {
            const QJsonObject v = variants[i].toObject();
            QCOMPARE(v["name"].toString(), names[i]);
            QCOMPARE(v["status"].toString(), QString("done"));
            QCOMPARE(v["width"].toDouble(), widths[i]);
            QCOMPARE(v["fraction"].toDouble(), fractions[i]);
            QCOMPARE(v["images"].toInt(), images[i]);
            QCOMPARE(v["config"].toObject()["data"].toString(), data_);
            QCOMPARE(v["config"].toObject()["test"].toString(), data_);
            QVERIFY(v["metrics"].toObject().contains("test_accuracy"));
            QVERIFY2(r.out.contains(QRegularExpression("\\n" + QRegularExpression::escape(names[i]) + " .* done .*\\(test\\)")),
                     qPrintable(r.out));
            const strata::ValidRun run = strata::readValidRun((out + "/" + v["run"].toString()).toStdString());
            QCOMPARE(run.data.config.at("data_fraction").get<double>(), fractions[i]);
            QCOMPARE(run.data.config.at("parameters").get<qint64>(), v["parameters"].toInteger());
        }
        QVERIFY(variants[0].toObject()["parameters"].toInteger() < variants[1].toObject()["parameters"].toInteger());
        QCOMPARE(variants[1].toObject()["parameters"].toInteger(), variants[2].toObject()["parameters"].toInteger());
        QVERIFY2(r.err.contains("training on 30 of 60 images"), qPrintable(r.err));

        // The fit: against parameters and against images, in the file and printed.
        const QJsonObject fit = e["fit"].toObject();
        QCOMPARE(fit.keys(), QStringList({"images", "parameters"}));
        for (const QString& axis : fit.keys()) {
            const QJsonObject f = fit[axis].toObject();
            QCOMPARE(f.keys(), QStringList({"a", "b", "points", "r2"}));
            const QString printed = "fit against " + axis + ": ";
            QVERIFY2(r.out.contains(printed), qPrintable(r.out));
            // Two variants on each line; an error of exactly 0 (a perfect accuracy) would leave one out.
            if (f["points"].toInt() == 2) {
                QVERIFY2(r.out.contains(printed + "test error = ") && r.out.contains("(2 points)"), qPrintable(r.out));
                QVERIFY(f["a"].toDouble() > 0);
                QVERIFY(!r.out.contains("x^(--"));
            } else {
                QVERIFY2(r.out.contains(printed + "fewer than two points"), qPrintable(r.out));
            }
        }
    }

    // Killed (SIGKILL) and then stopped (SIGTERM), each time mid-variant, and resumed twice:
    // the same runs as an experiment never interrupted.
    void killedExperimentResumesToTheSameResults() {
        const QString spec = writeScalingSpec("kill-spec.json", 8);
        const QString whole = path("kill-whole"), killed = path("kill-killed");
        const StrataRun once = runStrata({"experiment", "run", spec, "--out", whole});
        QVERIFY2(once.code == 0, qPrintable(once.err));
        QVERIFY(!QFileInfo::exists(path("never-used")));  // --out wins over the spec's out

        // Starts `args`; once variant `index` is running and has its run file, kills it (or
        // sends SIGTERM). Returns "" and the exit code, or what went wrong.
        int exitCode = -1;
        auto killWhileRunning = [this, &killed, &exitCode](const QStringList& args, int index, const QString& log,
                                                           bool terminate = false) {
            QProcess p;
            dieWithTest(p);
            p.setStandardOutputFile(path(log + ".out"));
            p.setStandardErrorFile(path(log + ".err"));
            p.start(STRATA_BIN, args);
            if (!p.waitForStarted()) return QString("did not start");
            QElapsedTimer clock;
            clock.start();
            QString why = "finished before variant " + QString::number(index) + " ran";
            while (clock.elapsed() < 60000 && p.state() != QProcess::NotRunning) {
                const QJsonArray variants = readJson(killed + "/experiment.json")["variants"].toArray();
                if (variants.size() > index) {
                    const QJsonObject v = variants[index].toObject();
                    if (v["status"].toString() == "running" && QFileInfo::exists(killed + "/" + v["run"].toString())) {
                        if (terminate) p.terminate();
                        else p.kill();
                        why.clear();
                        break;
                    }
                }
                QThread::msleep(1);
            }
            if (p.state() != QProcess::NotRunning && !why.isEmpty()) p.kill(), why = "timeout";
            p.waitForFinished(60000);
            exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
            return why;
        };
        auto stateOf = [&killed] {
            QStringList s;
            for (const auto& v : readJson(killed + "/experiment.json")["variants"].toArray())
                s << v.toObject()["status"].toString();
            return s;
        };

        QString why = killWhileRunning({"experiment", "run", spec, "--out", killed}, 1, "kill1");
        QVERIFY2(why.isEmpty(), qPrintable(why));
        const QStringList first = stateOf();
        QVERIFY2(first.size() == 3 && first[0] == "done" && first[2] == "pending", qPrintable(first.join(',')));

        // The first resume is stopped in its turn by SIGTERM once the last variant runs: that
        // variant finishes its batch, keeps its last epoch and stays "running"; exit 1.
        why = killWhileRunning({"experiment", "resume", killed}, 2, "kill2", true);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        const QString log = QString::fromUtf8(expFileBytes(path("kill2.err")));
        QVERIFY2(exitCode == 1, qPrintable(QString("exit %1: %2").arg(exitCode).arg(log)));
        QVERIFY2(log.contains("stopped; `strata experiment resume " + killed + "` continues it"), qPrintable(log));
        const QStringList second = stateOf();
        QVERIFY2(second[0] == "done" && second[1] == "done" && second[2] == "running", qPrintable(second.join(',')));
        if (first[1] == "running")  // it was still training when killed: its run file continued
            QVERIFY2(log.contains("resuming " + killed + "/w1.h5 after epoch"), qPrintable(log));

        const StrataRun resumed = runStrata({"experiment", "resume", killed});
        QVERIFY2(resumed.code == 0, qPrintable(resumed.err));
        QVERIFY2(resumed.err.contains("resuming " + killed + "/w1-f0.5.h5 after epoch"), qPrintable(resumed.err));
        QVERIFY2(!resumed.err.contains("variant 1/3"), qPrintable(resumed.err));  // done variants are not retrained
        QVERIFY2(resumed.out.contains("fit against parameters"), qPrintable(resumed.out));
        expectSameResults(whole, killed, 3);
        QCOMPARE(readJson(killed + "/experiment.json")["fit"], readJson(whole + "/experiment.json")["fit"]);

        // Resuming a finished experiment trains nothing and changes nothing.
        const QByteArray before = expFileBytes(killed + "/w1.h5");
        const StrataRun again = runStrata({"experiment", "resume", killed});
        QVERIFY2(again.code == 0, qPrintable(again.err));
        QVERIFY2(!again.err.contains("variant "), qPrintable(again.err));
        QCOMPARE(expFileBytes(killed + "/w1.h5"), before);
    }

    // Two variants at a time with 2 threads split between them = one at a time with 1 thread.
    void twoJobsEqualOneJob() {
        const QStringList common{"experiment", "stabilizers", "--data", data_, "--depth", "2", "--width", "4",
                                 "--epochs", "2", "--batch-size", "12", "--val-split", "0.2"};
        const StrataRun one = runStrata(common + QStringList{"--threads", "1", "--jobs", "1", "--out", path("jobs1")});
        QVERIFY2(one.code == 0, qPrintable(one.err));
        const StrataRun two = runStrata(common + QStringList{"--threads", "2", "--jobs", "2", "--out", path("jobs2")});
        QVERIFY2(two.code == 0, qPrintable(two.err));
        QVERIFY2(two.err.contains("variant 4/4: both"), qPrintable(two.err));
        expectSameResults(path("jobs1"), path("jobs2"), 4);
    }

    // In a prepared folder: one variant's design file is not JSON, another's is a design that
    // cannot be built. Those two fail with their errors; the third trains; exit 1.
    void failingVariantsLeaveTheOthersComplete() {
        const QString spec = writeScalingSpec("fail-spec.json", 1);
        const QString dir = path("fail");
        const StrataRun listed = runStrata({"experiment", "run", spec, "--list", "--out", dir});
        QVERIFY2(listed.code == 0, qPrintable(listed.err));
        writeText(dir + "/w1.strata.json", "{\"format\": \"strata.design/1\", \"nodes\": [");
        QByteArray impossible = tinyCnnDesign(8);
        impossible.replace("\"kernel_size\": 3", "\"kernel_size\": 30");  // larger than the 8x8 input
        writeText(dir + "/w0.5.strata.json", impossible);

        const StrataRun r = runStrata({"experiment", "resume", dir});
        QVERIFY2(r.code == 1, qPrintable(QString("exit %1: %2").arg(r.code).arg(r.err)));
        const QStringList errors = errorLines(r.err);
        QVERIFY2(errors.size() == 2, qPrintable(r.err));
        QVERIFY2(errors[0].startsWith("error: w0.5: ") && errors[0].contains("conv1"), qPrintable(errors[0]));
        QVERIFY2(errors[1].startsWith("error: w1: ") && errors[1].contains(dir + "/w1.strata.json"), qPrintable(errors[1]));
        QVERIFY2(r.out.contains("fit against parameters: fewer than two points"), qPrintable(r.out));

        const QMap<QString, QJsonObject> v = expVariants(dir);
        QCOMPARE(v["w0.5"]["status"].toString(), QString("failed"));
        QVERIFY2(v["w0.5"]["error"].toString().contains("conv1"), qPrintable(v["w0.5"]["error"].toString()));
        QCOMPARE(v["w1"]["status"].toString(), QString("failed"));
        QVERIFY2(v["w1"]["error"].toString().contains("w1.strata.json"), qPrintable(v["w1"]["error"].toString()));
        QCOMPARE(v["w1-f0.5"]["status"].toString(), QString("done"));
        QVERIFY(v["w1-f0.5"]["metrics"].toObject().contains("test_accuracy"));
        strata::readValidRun((dir + "/w1-f0.5.h5").toStdString());  // complete and readable
        QVERIFY(!QFileInfo::exists(dir + "/w1.h5"));

        // `show` tells the same; a failed variant is not retried by resume.
        const StrataRun show = runStrata({"experiment", "show", dir});
        QVERIFY2(show.code == 0 && show.out.contains(QRegularExpression("\\nw1 .* failed ")), qPrintable(show.out));
        const StrataRun again = runStrata({"experiment", "resume", dir});
        QCOMPARE(again.code, 1);
        QVERIFY2(!again.err.contains("variant "), qPrintable(again.err));
    }

    // Without --out: experiments/<kind>-<time> beside the design file (scaling; a spec's
    // variants, whose design is a file), else under $XDG_DATA_HOME/strata (stabilizers build
    // their stack), as the studio's runs go.
    void defaultFolderBesideTheDesignElseTheDataHome() {
        writeText(path("own/tiny.strata.json"), tinyCnnDesign(8));
        const QString beside = QFileInfo(path("own")).canonicalFilePath(), share = path("share");
        const QString spec = writeText(path("specs/variants.json"), R"({"format": "strata.experiment-spec/1", "kind": "variants",
 "training": {"data": "../data", "epochs": 1, "batch_size": 12, "threads": 1},
 "variants": {"design": "../own/tiny.strata.json", "settings": {"lr": [0.01, 0.001]}}})");
        const QStringList quick{"--epochs", "1", "--batch-size", "12", "--threads", "1"};
        const QByteArray saved = qgetenv("XDG_DATA_HOME");
        qputenv("XDG_DATA_HOME", share.toUtf8());  // the strata started below inherit it
        const StrataRun scaling =
            runStrata(QStringList{"experiment", "scaling", path("own/tiny.strata.json"), "--data", data_, "--widths", "1"} + quick);
        const StrataRun stabilizers =
            runStrata(QStringList{"experiment", "stabilizers", "--data", data_, "--depth", "1", "--width", "2"} + quick);
        const StrataRun variants = runStrata({"experiment", "run", spec});
        if (saved.isEmpty()) qunsetenv("XDG_DATA_HOME");
        else qputenv("XDG_DATA_HOME", saved);

        // The folder each printed, checked against where it should be.
        const auto folderOf = [](const StrataRun& r) {
            const QRegularExpressionMatch m = QRegularExpression("\\nexperiment: (.*)/experiment\\.json\\n").match(r.out);
            return m.hasMatch() ? m.captured(1) : QString();
        };
        const QList<std::pair<const StrataRun*, QString>> expected = {
            {&scaling, beside + "/experiments/scaling-"},
            {&stabilizers, share + "/strata/experiments/stabilizers-"},
            {&variants, beside + "/experiments/variants-"}};
        for (const auto& [r, prefix] : expected) {
            QVERIFY2(r->code == 0, qPrintable(r->err));
            const QString dir = folderOf(*r);
            QVERIFY2(dir.startsWith(prefix) && QRegularExpression("-\\d{8}-\\d{6}$").match(dir).hasMatch(),
                     qPrintable(dir + "  (expected " + prefix + "<time>)\n" + r->out));
            for (const auto& v : expVariants(dir)) QCOMPARE(v["status"].toString(), QString("done"));
        }
        // The variants are an experiment like the others: `show` reads them back.
        const StrataRun show = runStrata({"experiment", "show", folderOf(variants)});
        QVERIFY2(show.code == 0 && show.out.startsWith("variants experiment, 2 variants\n"), qPrintable(show.out + show.err));
        QVERIFY2(show.out.contains(QRegularExpression("\\nlr0\\.001 +0\\.001 +[0-9,]+ +done ")), qPrintable(show.out));
    }

    void badInputExitsTwoNamingIt() {
        const QString notExperiment = path("not-experiment");
        QDir().mkpath(notExperiment);
        expectBadInput(runStrata({"experiment", "sideways"}), "\"sideways\"");
        expectBadInput(runStrata({"experiment", "show", notExperiment}), notExperiment + "/experiment.json");
        expectBadInput(runStrata({"experiment", "resume", notExperiment}), notExperiment + "/experiment.json");
        expectBadInput(runStrata({"experiment", "collect", notExperiment}), notExperiment + "/experiment.json");
        // A damaged experiment file names its field.
        writeText(path("damaged/experiment.json"),
                  R"({"format": "strata.experiment/1", "kind": "scaling", "variants": [{"name": "a", "run": "a.h5", "status": "finished"}]})");
        expectBadInput(runStrata({"experiment", "show", path("damaged")}), "variants[0].status");

        // Spec files: an unknown field, an unknown or mistyped setting, a missing file.
        const QString bogus = writeText(path("bad-spec.json"), R"({"format": "strata.experiment-spec/1", "kind": "scaling",
 "training": {"data": "data"}, "scaling": {"design": "tiny.strata.json", "widths": [1]}, "bogus": 1, "out": "bad-out"})");
        expectBadInput(runStrata({"experiment", "run", bogus}), bogus + ": bogus: unknown field", path("bad-out"));
        const QString epoch = writeText(path("bad-spec2.json"), R"({"format": "strata.experiment-spec/1", "kind": "stabilizers",
 "training": {"data": "data", "epoch": 2}, "out": "bad-out"})");
        expectBadInput(runStrata({"experiment", "run", epoch, "--list"}), "training.epoch: unknown field", path("bad-out"));
        const QString typed = writeText(path("bad-spec3.json"), R"({"format": "strata.experiment-spec/1", "kind": "stabilizers",
 "training": {"data": "data", "epochs": "2"}, "out": "bad-out"})");
        expectBadInput(runStrata({"experiment", "run", typed}), "training.epochs: wrong type", path("bad-out"));
        expectBadInput(runStrata({"experiment", "run", path("missing-spec.json")}), path("missing-spec.json"));

        // Command-line options.
        const QString out = path("bad-cli");
        expectBadInput(runStrata({"experiment", "scaling", design_, "--data", data_, "--out", out}), "--widths", out);
        expectBadInput(runStrata({"experiment", "scaling", design_, "--data", data_, "--widths", "0.5,wide", "--out", out}),
                       "--widths: \"wide\"", out);
        expectBadInput(runStrata({"experiment", "scaling", design_, "--data", data_, "--widths", "1,0.5,1", "--out", out}),
                       "--widths: repeats a value (variant \"w1\")", out);
        expectBadInput(runStrata({"experiment", "scaling", design_, "--data", data_, "--widths", "1", "--fractions", "2",
                                  "--out", out}),
                       "--fractions", out);
        expectBadInput(runStrata({"experiment", "scaling", path("missing.strata.json"), "--data", data_, "--widths", "1",
                                  "--out", out}),
                       path("missing.strata.json"), out);
        expectBadInput(runStrata({"experiment", "stabilizers", "--data", data_, "--depth", "0", "--out", out}), "--depth", out);
        expectBadInput(runStrata({"experiment", "stabilizers", "--data", data_, "--activation", "gelu", "--out", out}),
                       "--activation", out);
        expectBadInput(runStrata({"experiment", "stabilizers", "--data", data_, "--jobs", "0", "--out", out}), "--jobs", out);
        expectBadInput(runStrata({"experiment", "stabilizers", "--depth", "2", "--out", out}), "--data", out);
        expectBadInput(runStrata({"experiment", "stabilizers", "--data", data_, "--lr", "50", "--out", out}), "--lr", out);
        expectBadInput(runStrata({"experiment", "scaling", design_, "--data", data_, "--widths", "1", "--data-fraction",
                                  "0.5", "--out", out}),
                       "--data-fraction", out);

        // An experiment folder is never overwritten.
        const QString taken = path("taken");
        QDir().mkpath(taken);
        writeText(taken + "/experiment.json", "{}");
        expectBadInput(runStrata({"experiment", "stabilizers", "--data", data_, "--depth", "1", "--out", taken}),
                       "already holds an experiment");
        QCOMPARE(expFileBytes(taken + "/experiment.json"), QByteArray("{}"));
    }

    // How `show` prints a fit: a falling error as x^(-b), a rising one without a double minus,
    // and no fit when the points share one x (widths that round to the same layers).
    void showPrintsTheFit() {
        const QString dir = path("fits");
        writeText(dir + "/experiment.json", R"({"format": "strata.experiment/1", "kind": "scaling", "spec": {},
 "variants": [{"name": "w1", "run": "w1.h5", "status": "done", "parameters": 100, "metrics": {"train_accuracy": 0.5},
               "width": 1.0, "fraction": 1.0, "images": 60}],
 "fit": {"parameters": {"a": 0, "b": 0, "r2": 0, "points": 2},
         "images": {"a": 2.5, "b": -0.125, "r2": 0.5, "points": 3}}})");
        StrataRun r = runStrata({"experiment", "show", dir});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("fit against parameters: no fit, the 2 points share one x\n"), qPrintable(r.out));
        QVERIFY2(r.out.contains("fit against images: test error = 2.5 * x^(0.1250), R^2 0.500 (3 points)\n"), qPrintable(r.out));
        writeText(dir + "/experiment.json", R"({"format": "strata.experiment/1", "kind": "scaling", "spec": {}, "variants": [],
 "fit": {"parameters": {"a": 3, "b": 0.4, "r2": 1, "points": 4}, "images": {"a": 0, "b": 0, "r2": 0, "points": 1}}})");
        r = runStrata({"experiment", "show", dir});
        QVERIFY2(r.out.contains("fit against parameters: test error = 3 * x^(-0.4000), R^2 1.000 (4 points)\n"), qPrintable(r.out));
        QVERIFY2(r.out.contains("fit against images: fewer than two points\n"), qPrintable(r.out));
    }

    // --list prepares the folder and prints one train command per variant; a run trained by
    // one of them is gathered by `collect`, and `resume` trains only the rest.
    void listedCommandsAreCollected() {
        const QString spec = writeScalingSpec("list-spec.json", 1);
        const QString dir = path("listed");
        const StrataRun listed = runStrata({"experiment", "run", spec, "--list", "--out", dir});
        QVERIFY2(listed.code == 0, qPrintable(listed.err));
        const QStringList lines = listed.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        for (const QString& line : lines) QVERIFY2(line.startsWith("strata train "), qPrintable(line));
        QVERIFY(QDir(dir).entryList({"*.h5"}, QDir::Files).isEmpty());  // nothing trained
        for (const auto& v : expVariants(dir)) QCOMPARE(v["status"].toString(), QString("pending"));

        // The fraction variant's command, run by hand (with a thread count, as a scheduler would).
        QStringList words = expShellWords(lines[2]);
        QCOMPARE(words.takeFirst(), QString("strata"));
        QVERIFY2(words.contains("--data-fraction") && words.contains(dir + "/w1-f0.5.h5"), qPrintable(lines[2]));
        const StrataRun trained = runStrata(words + QStringList{"--threads", "1"});
        QVERIFY2(trained.code == 0, qPrintable(trained.err));
        QVERIFY2(trained.out.contains("run: " + dir + "/w1-f0.5.h5"), qPrintable(trained.out));

        const StrataRun collected = runStrata({"experiment", "collect", dir});
        QVERIFY2(collected.code == 0, qPrintable(collected.err));
        QVERIFY2(collected.out.contains(QRegularExpression("\\nw1-f0.5 .* done ")), qPrintable(collected.out));
        QMap<QString, QJsonObject> v = expVariants(dir);
        QCOMPARE(v["w1-f0.5"]["status"].toString(), QString("done"));
        QCOMPARE(v["w0.5"]["status"].toString(), QString("pending"));
        QCOMPARE(v["w1"]["status"].toString(), QString("pending"));
        const strata::ValidRun run = strata::readValidRun((dir + "/w1-f0.5.h5").toStdString());
        QCOMPARE(v["w1-f0.5"]["parameters"].toInteger(), run.data.config.at("parameters").get<qint64>());
        QCOMPARE(v["w1-f0.5"]["metrics"].toObject()["train_accuracy"].toDouble(),
                 strata::loadEpochs(run.data).back().trainAccuracy);
        QCOMPARE(v["w1-f0.5"]["metrics"].toObject()["test_accuracy"].toDouble(), run.data.testAccuracy);

        const QByteArray handTrained = expFileBytes(dir + "/w1-f0.5.h5");
        const StrataRun rest = runStrata({"experiment", "resume", dir});
        QVERIFY2(rest.code == 0, qPrintable(rest.err));
        QVERIFY2(!rest.err.contains(": w1-f0.5"), qPrintable(rest.err));
        QCOMPARE(expFileBytes(dir + "/w1-f0.5.h5"), handTrained);
        for (const auto& variant : expVariants(dir)) QCOMPARE(variant["status"].toString(), QString("done"));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(ExperimentCliTest)
#include "test_experiment_cli.moc"
