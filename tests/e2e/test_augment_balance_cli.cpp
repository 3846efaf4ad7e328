// End to end: the new augmentations, --class-weights and --sampler as recorded in the run and
// replayed by a seed and a resume, bad names (exit 2 naming them), and `strata lr-find`.
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include "runs/RunFile.h"
#include "support/JsonFile.h"
#include "support/StrataProcess.h"
#include "support/TestData.h"

using namespace strata::test;

class AugmentBalanceCliTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString data_, design_;
    QString path(const QString& name) const { return tmp_.filePath(name); }

    StrataRun train(const QString& run, const QStringList& extra) {
        return runStrata(QStringList{"train", design_, "--data", data_, "--batch-size", "16", "--threads", "1", "--seed",
                                     "3", "--run", path(run)} + extra);
    }

    static bool sameWeights(const QString& a, const QString& b) {
        const auto x = strata::readRunFile(a.toStdString()), y = strata::readRunFile(b.toStdString());
        if (x.checkpoint.size() != y.checkpoint.size()) return false;
        for (const auto& t : x.checkpoint) {
            const strata::NamedArray* u = strata::findArray(y.checkpoint, t.name);
            if (!u || t.f32 != u->f32 || t.i64 != u->i64) return false;
        }
        return true;
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        data_ = path("data");
        makeImageFolder(data_, {"diag", "horizontal", "vertical"}, 30, 16, 1);
        // Imbalance: the third class keeps 6 of its 30 images.
        const QStringList files = QDir(data_ + "/vertical").entryList(QDir::Files, QDir::Name);
        for (int i = 6; i < files.size(); ++i) QFile::remove(data_ + "/vertical/" + files[i]);
        design_ = writeText(path("tiny.strata.json"), tinyCnnDesign());
    }

    void recordsSettingsCanonically() {
        const StrataRun r = train("rec.h5", {"--epochs", "1", "--augment", "erase+rotate+flip+jitter+crop",
                                             "--class-weights", "auto", "--sampler", "balanced"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto run = strata::readRunFile(path("rec.h5").toStdString());
        QCOMPARE(run.config.at("augment").get<std::string>(), std::string("flip+crop+rotate+jitter+erase"));
        QCOMPARE(run.config.at("class_weights").get<std::string>(), std::string("auto"));
        QCOMPARE(run.config.at("sampler").get<std::string>(), std::string("balanced"));
        const auto weights = run.config.at("class_weight_values").get<std::vector<double>>();
        QCOMPARE(weights.size(), size_t(3));
        QVERIFY(std::abs(weights[2] / weights[0] - 5) < 1e-9);  // 30 against 6 images
    }

    void seedAndResumeReplayExactly() {
        const QStringList settings = {"--augment", "flip+crop+rotate+jitter+erase", "--class-weights", "auto",
                                      "--sampler", "balanced"};
        QCOMPARE(train("a.h5", QStringList{"--epochs", "2"} + settings).code, 0);
        QCOMPARE(train("b.h5", QStringList{"--epochs", "2"} + settings).code, 0);
        QVERIFY(sameWeights(path("a.h5"), path("b.h5")));
        QCOMPARE(train("c.h5", QStringList{"--epochs", "1"} + settings).code, 0);
        QCOMPARE(train("c.h5", QStringList{"--epochs", "2", "--resume"} + settings).code, 0);
        QVERIFY(sameWeights(path("a.h5"), path("c.h5")));
        // Another augmentation is another training.
        QCOMPARE(train("d.h5", {"--epochs", "2", "--augment", "flip+crop", "--class-weights", "auto", "--sampler",
                                "balanced"})
                     .code,
                 0);
        QVERIFY(!sameWeights(path("a.h5"), path("d.h5")));
        // A resume must keep the sampler.
        const StrataRun r = train("c.h5", QStringList{"--epochs", "3", "--resume", "--augment",
                                                      "flip+crop+rotate+jitter+erase", "--class-weights", "auto"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("sampler"), qPrintable(r.err));
    }

    void badNamesExitTwoNamingThem() {
        const QList<QPair<QStringList, QString>> cases = {{{"--augment", "flip+spin"}, "spin"},
                                                          {{"--augment", "crop+crop"}, "crop"},
                                                          {{"--class-weights", "inverse"}, "--class-weights"},
                                                          {{"--sampler", "random"}, "--sampler"}};
        for (const auto& [args, named] : cases) {
            const StrataRun r = train("bad.h5", QStringList{"--epochs", "1"} + args);
            QCOMPARE(r.code, 2);
            const QStringList errors = errorLines(r.err);
            QCOMPARE(errors.size(), 1);
            QVERIFY2(errors[0].contains(named), qPrintable(r.err));
        }
    }

    void lrFindPrintsCurveAndSuggestion() {
        const int runFiles = QDir(tmp_.path()).entryList({"*.h5"}).size();
        const StrataRun ok = runStrata({"lr-find", design_, "--data", data_, "--threads", "1", "--batch-size", "16",
                                        "--steps", "40"});
        QVERIFY2(ok.code == 0, qPrintable(ok.err));
        const QStringList lines = ok.out.trimmed().split('\n');
        QVERIFY(lines.last().startsWith("suggested learning rate: "));
        const double suggestion = lines.last().mid(QString("suggested learning rate: ").size()).toDouble();
        QVERIFY(suggestion >= 1e-7 && suggestion <= 10);
        QVERIFY(lines.size() >= 5);  // header, at least 3 steps, suggestion
        QCOMPARE(QDir(tmp_.path()).entryList({"*.h5"}).size(), runFiles);  // the finder's weights are not kept
        QVERIFY(lines[1].split(' ', Qt::SkipEmptyParts).first().toDouble() == 1e-7);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(AugmentBalanceCliTest)
#include "test_augment_balance_cli.moc"
