// `strata examples`: the rankings of a trained run as a table and as strata.examples/1 JSON,
// the refusal of a run without a per-example record, and bad options named. `strata data move`
// and `strata data undo-moves`: the log outside the folder, a refused move, the exact undo.
#include <QJsonArray>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "support/JsonFile.h"
#include "support/StrataProcess.h"
#include "support/TestData.h"

using namespace strata::test;

class ExamplesCliTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString data_, design_, run_;
    QString path(const QString& name) const { return tmp_.filePath(name); }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        data_ = path("data");
        makeImageFolder(data_, {"diag", "horizontal", "vertical"}, 20, 16, 1);
        design_ = writeText(path("tiny.strata.json"), tinyCnnDesign());
        run_ = path("run.h5");
        const StrataRun r = runStrata({"train", design_, "--data", data_, "--epochs", "3", "--batch-size", "16",
                                       "--threads", "1", "--run", run_});
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }

    void rankingsAsTableAndJson() {
        StrataRun r = runStrata({"examples", run_, "--mislabeled", "5", "--json", path("m.json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("preferred"));
        QCOMPARE(r.out.trimmed().split('\n').size(), 6);  // header + 5
        const QJsonObject j = readJson(path("m.json"));
        QCOMPARE(j["format"].toString(), QString("strata.examples/1"));
        const QJsonArray items = j["items"].toArray();
        QCOMPARE(items.size(), 5);
        double previous = -1;
        for (const auto& v : items) {
            const QJsonObject o = v.toObject();
            for (const char* k : {"path", "label", "preferred", "mean_probability", "variability", "correct_fraction"})
                QVERIFY2(o.contains(k), k);
            QVERIFY(o["path"].toString().contains("/" + o["label"].toString() + "/"));
            const double score = o["mean_probability"].toDouble() + o["variability"].toDouble();
            QVERIFY(score >= previous);  // best candidates first
            previous = score;
        }
        r = runStrata({"examples", run_, "--ambiguous", "3", "--json", path("a.json")});
        QCOMPARE(r.code, 0);
        const QJsonArray ambiguous = readJson(path("a.json"))["items"].toArray();
        QCOMPARE(ambiguous.size(), 3);
        QVERIFY(ambiguous[0].toObject()["variability"].toDouble() >= ambiguous[2].toObject()["variability"].toDouble());
        QCOMPARE(runStrata({"examples", run_, "--hardest", "2"}).code, 0);
    }

    void badOptionsNamed() {
        StrataRun r = runStrata({"examples", run_, "--mislabeled", "0"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--mislabeled"), qPrintable(r.err));
        r = runStrata({"examples", run_, "--hardest", "3", "--ambiguous", "3"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("--hardest") && r.err.contains("--ambiguous"));
        r = runStrata({"examples", run_, "--bogus"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("--bogus"));
        QCOMPARE(errorLines(r.err).size(), 1);
    }

    // A run trained without the record (as every run before it existed) says so and how to get one.
    void runWithoutRecordRefused() {
        QProcess p;
        dieWithTest(p);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("STRATA_NO_EXAMPLE_RECORD", "1");
        p.setProcessEnvironment(env);
        p.start(STRATA_BIN, {"train", design_, "--data", data_, "--epochs", "1", "--threads", "1", "--run", path("old.h5")});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 0);
        const StrataRun r = runStrata({"examples", path("old.h5")});
        QCOMPARE(r.code, 2);
        QCOMPARE(errorLines(r.err).size(), 1);
        QVERIFY2(r.err.contains("no per-example record") && r.err.contains("train it again"), qPrintable(r.err));
    }

    void moveAndUndo() {
        const QString folder = path("movable");
        makeImageFolder(folder, {"a", "b"}, 3, 16, 4);
        QVERIFY(QFile::rename(folder + "/a/000.png", folder + "/a/odd.png"));
        qputenv("XDG_DATA_HOME", path("share").toUtf8());
        StrataRun r = runStrata({"data", "move", folder + "/a/odd.png", "b"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString log = r.out.trimmed();
        QVERIFY2(log.startsWith(path("share/strata/moves/")) && QFile::exists(log), qPrintable(log));
        QVERIFY(QFile::exists(folder + "/b/odd.png") && !QFile::exists(folder + "/a/odd.png"));
        r = runStrata({"data", "move", folder + "/a/001.png", "b"});  // b/001.png exists
        QCOMPARE(r.code, 2);
        QCOMPARE(errorLines(r.err).size(), 1);
        QVERIFY(r.err.contains("exists") && QFile::exists(folder + "/a/001.png"));
        r = runStrata({"data", "undo-moves", log});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(folder + "/a/odd.png") && !QFile::exists(folder + "/b/odd.png"));
        r = runStrata({"data", "undo-moves", log});  // nothing left to undo: refused cleanly
        QCOMPARE(r.code, 2);
        QCOMPARE(errorLines(r.err).size(), 1);
        QCOMPARE(runStrata({"data", "frob"}).code, 2);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(ExamplesCliTest)
#include "test_examples_cli.moc"
