// Blocks are editor data only: a design with collapsed and repeated blocks trains exactly like
// its flat graph (same losses and weights for the same seed), its run records the flat graph
// (older Strata versions can read the run), and collapsing a block between runs does not stop
// a resume.
// moc needs only the test class: skipping torch and the engine headers saves it seconds a file.
#ifndef Q_MOC_RUN
#include <torch/torch.h>
#endif

#include <QTemporaryDir>
#include <QtTest>

#ifndef Q_MOC_RUN
#include "design/DesignGroups.h"
#include "runs/RunFile.h"
#include "support/TestData.h"
#include "train/Trainer.h"
#include "support/TrainFixtures.h"
#endif

using namespace strata;

class BlocksTrainingTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString data_;

    TrainConfig config(const QString& run, int epochs = 1) {
        return test::tinyTrainConfig(data_, tmp_.filePath(run), epochs);
    }

    // The tiny residual design with its residual block repeated twice and collapsed.
    static Design withBlocks() {
        Design d = parseDesign(test::tinyResidualDesign().toStdString());
        const std::string block = groupNodes(d, {"conv1", "bn1", "add1"}, "Residual");
        repeatGroup(d, block, 2);
        setGroupCollapsed(d, block, true);
        groupNodes(d, {"gap", "flat"}, "Head");
        return d;
    }

private slots:
    void initTestCase() {
        data_ = tmp_.filePath("data");
        test::makeImageFolder(data_, {"a", "b", "c"}, 20, 16, 7);
    }

    void trainsLikeItsFlatGraph() {
        const Design grouped = withBlocks();
        QCOMPARE(grouped.groups.size(), std::size_t(2));
        const TrainResult a = Trainer(grouped, config("grouped.h5")).run();
        const TrainResult b = Trainer(flatDesign(grouped), config("flat.h5")).run();
        QVERIFY(a.status == TrainResult::Status::Finished);
        QCOMPARE(a.metrics.epochs.back().trainLoss, b.metrics.epochs.back().trainLoss);
        const RunData ra = readRunFile(tmp_.filePath("grouped.h5").toStdString());
        const RunData rb = readRunFile(tmp_.filePath("flat.h5").toStdString());
        QVERIFY(findArray(ra.checkpoint, "conv1_2.weight"));
        QVERIFY(findArray(ra.checkpoint, "fc.weight")->f32 == findArray(rb.checkpoint, "fc.weight")->f32);
        // The run records the graph only: no "groups" for older versions to refuse.
        QCOMPARE(ra.designJson, designToString(flatDesign(grouped)));
        QVERIFY(ra.designJson.find("groups") == std::string::npos);
    }

    void resumesAfterTheBlocksChanged() {
        Design d = withBlocks();
        QVERIFY(Trainer(d, config("resume.h5")).run().status == TrainResult::Status::Finished);
        setGroupCollapsed(d, d.groups[0].id, false);
        ungroup(d, d.groups[1].id);
        TrainConfig more = config("resume.h5", 2);
        more.resume = true;
        const TrainResult r = Trainer(d, more).run();
        QVERIFY2(r.status == TrainResult::Status::Finished, r.error.c_str());
        QCOMPARE(r.metrics.epochs.size(), std::size_t(2));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(BlocksTrainingTest)
#include "test_blocks_training.moc"
