// The per-example record kept by every training: one row per epoch for every training and
// validation image, a resumed run's record equal to an uninterrupted one's, and an eval pass
// (not the augmented forward passes) when augmentation is on.
#ifndef Q_MOC_RUN
#include <torch/torch.h>
#endif

#include <QTemporaryDir>
#include <QtTest>

#ifndef Q_MOC_RUN
#include "runs/RunFile.h"
#include "support/TestData.h"
#include "train/Trainer.h"
#include "support/TrainFixtures.h"
#endif

using namespace strata;

class ExampleRecordTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString data_;
    Design design_;

    TrainConfig config(const QString& run, int epochs) {
        TrainConfig c = test::tinyTrainConfig(data_, tmp_.filePath(run), epochs);
        c.valSplit = 0.2;
        return c;
    }

private slots:
    void initTestCase() {
        data_ = tmp_.filePath("data");
        test::makeImageFolder(data_, {"a", "b", "c"}, 30, 16, 5);
        design_ = parseDesign(test::tinyCnnDesign().toStdString());
    }

    void recordsEveryImageEveryEpoch() {
        QVERIFY(Trainer(design_, config("full.h5", 3)).run().status == TrainResult::Status::Finished);
        const RunData run = readRunFile(tmp_.filePath("full.h5").toStdString());
        const ExampleRecord& ex = run.examples;
        QCOMPARE(ex.train.images(), int64_t(72));  // 90 images, 20 % held out
        QCOMPARE(ex.val.images(), int64_t(18));
        QCOMPARE(ex.epochs(), int64_t(3));
        QCOMPARE(ex.val.epochs(), int64_t(3));
        for (size_t i = 0; i < ex.train.paths.size(); ++i) {
            const std::string folder = run.config["classes"][size_t(ex.train.labels[i])].get<std::string>();
            QVERIFY2(ex.train.paths[i].find("/" + folder + "/") != std::string::npos, ex.train.paths[i].c_str());
        }
        // The network learns: the mean probability of the label rises from the first epoch to the last.
        double first = 0, last = 0;
        for (int64_t i = 0; i < ex.train.images(); ++i) first += ex.train.probabilityAt(0, i), last += ex.train.probabilityAt(2, i);
        QVERIFY2(last > first, qPrintable(QString("%1 -> %2").arg(first).arg(last)));
    }

    void resumedRecordEqualsUninterrupted() {
        QVERIFY(Trainer(design_, config("whole.h5", 3)).run().status == TrainResult::Status::Finished);
        QVERIFY(Trainer(design_, config("parts.h5", 2)).run().status == TrainResult::Status::Finished);
        TrainConfig more = config("parts.h5", 3);
        more.resume = true;
        QVERIFY(Trainer(design_, more).run().status == TrainResult::Status::Finished);
        const ExampleRecord a = readRunFile(tmp_.filePath("whole.h5").toStdString()).examples;
        const ExampleRecord b = readRunFile(tmp_.filePath("parts.h5").toStdString()).examples;
        QCOMPARE(b.epochs(), int64_t(3));
        QCOMPARE(b.train.paths, a.train.paths);
        QCOMPARE(b.train.probability, a.train.probability);
        QCOMPARE(b.train.predicted, a.train.predicted);
        QCOMPARE(b.val.probability, a.val.probability);
    }

    // With augmentation the record comes from an eval pass over the stored images (no training
    // pass is taken for it): every image still gets its row.
    void augmentedRunsUseAnEvalPass() {
        TrainConfig c = config("augmented.h5", 1);
        c.augment = "flip";
        QVERIFY(Trainer(design_, c).run().status == TrainResult::Status::Finished);
        const RunData run = readRunFile(c.run);
        QCOMPARE(run.examples.epochs(), int64_t(1));
        QCOMPARE(run.examples.train.images(), int64_t(72));
        int64_t nonzero = 0;
        for (uint16_t q : run.examples.train.probability) nonzero += q > 0;
        QCOMPARE(nonzero, int64_t(72));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(ExampleRecordTest)
#include "test_example_record.moc"
