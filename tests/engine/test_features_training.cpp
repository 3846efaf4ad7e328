// The trainer with feature snapshots on: a snapshot before training and after each epoch,
// stored in the run file; a layer pinned while training shows up; the weights are exactly
// those of the same run without snapshots.
// moc needs only the test class: skipping torch and the engine headers saves it seconds a file.
#ifndef Q_MOC_RUN
#include <torch/torch.h>
#endif

#include <QTemporaryDir>
#include <QtTest>

#ifndef Q_MOC_RUN
#include "insight/Insight.h"
#include "runs/RunFile.h"
#include "support/TestData.h"
#include "job/TrainingJob.h"
#endif

using namespace strata;

class FeaturesTrainingTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString data_;
    Design design_;

    TrainConfig config(const QString& run, bool features) {
        TrainConfig c;
        c.data = data_.toStdString();
        c.valSplit = 0.2;
        c.epochs = 2;
        c.batchSize = 16;
        c.threads = 1;
        c.lr = 0.01;
        c.run = tmp_.filePath(run).toStdString();
        c.features = features;
        return c;
    }

private slots:
    void initTestCase() {
        data_ = tmp_.filePath("data");
        test::makeImageFolder(data_, {"a", "b", "c"}, 30, 16, 5);
        design_ = parseDesign(test::tinyResidualDesign().toStdString());
    }

    void snapshotsBeforeAndAfterEachEpoch() {
        TrainingJob trainer(design_, config("features.h5", true));
        std::vector<FeatureSnapshot> got;
        std::vector<std::string> logs;
        TrainingJobEvents ev;
        ev.log = [&](const std::string& m) { logs.push_back(m); };
        ev.features = [&](const FeatureSnapshot& s) {
            got.push_back(s);
            trainer.setPinnedLayer("bn1");  // from the "UI" between epochs
        };
        trainer.setEvents(ev);
        QVERIFY(trainer.run().status == TrainResult::Status::Finished);
        QCOMPARE(got.size(), size_t(3));
        QCOMPARE(got[0].epoch, 0);
        QCOMPARE(got[2].epoch, 2);
        QVERIFY(got[0].gradients.steps.empty());   // nothing trained yet
        QVERIFY(!got[2].gradients.steps.empty());
        QCOMPARE(got[2].gradients.layers.size(), size_t(5));  // stem, bn0, conv1, bn1, fc
        for (float v : got[2].gradients.norms) QVERIFY(std::isfinite(v));
        QVERIFY(got[0].pinnedLayer.empty());
        QCOMPARE(got[1].pinnedLayer, std::string("bn1"));
        bool pinnedShown = false;
        for (const auto& a : got[1].activations) pinnedShown = pinnedShown || a.layer == "bn1";
        QVERIFY(pinnedShown);
        QCOMPARE(got[2].sampleImages, 18);  // the held-out fifth of 90 images
        QVERIFY(got[2].projection.hasInitialSilhouette);
        QCOMPARE(got[2].projection.initialSilhouette, got[0].projection.silhouette);
        QVERIFY(!got[1].saliency.heat.empty());

        FeatureSnapshot stored;
        QVERIFY(readSnapshot(readRunFile(tmp_.filePath("features.h5").toStdString()), stored));
        QCOMPARE(stored.epoch, 2);
        QCOMPARE(stored.gradients.steps, got[2].gradients.steps);

        // Unknown pinned layers are ignored with a notice, not an error.
        TrainingJob other(design_, config("badpin.h5", true));
        other.setPinnedLayer("nope");
        logs.clear();
        TrainingJobEvents ev2;
        ev2.log = [&](const std::string& m) { logs.push_back(m); };
        int snapshots = 0;
        ev2.features = [&](const FeatureSnapshot&) { ++snapshots; };
        other.setEvents(ev2);
        QVERIFY(other.run().status == TrainResult::Status::Finished);
        QCOMPARE(snapshots, 3);
        bool noticed = false;
        for (const auto& m : logs) noticed = noticed || m.find("nope") != std::string::npos;
        QVERIFY(noticed);
    }

    void snapshotsDoNotChangeTraining() {
        TrainingJob(design_, config("on.h5", true)).run();
        Trainer(design_, config("off.h5", false)).run();
        const RunData on = readRunFile(tmp_.filePath("on.h5").toStdString());
        const RunData off = readRunFile(tmp_.filePath("off.h5").toStdString());
        QCOMPARE(on.checkpoint.size(), off.checkpoint.size());
        for (size_t i = 0; i < on.checkpoint.size(); ++i) {
            QCOMPARE(on.checkpoint[i].name, off.checkpoint[i].name);
            QVERIFY2(on.checkpoint[i].f32 == off.checkpoint[i].f32 && on.checkpoint[i].i64 == off.checkpoint[i].i64,
                     on.checkpoint[i].name.c_str());
        }
        QVERIFY(!on.features.empty());
        QVERIFY(off.features.empty());
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(FeaturesTrainingTest)
#include "test_features_training.moc"
