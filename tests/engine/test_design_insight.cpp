// The canvas' live insight in core: node previews (one picture per node, a grid of the first
// channels of a [C, H, W] output and a bar strip for a vector, with the run's weights when a
// run is given) and per-node timing (a positive forward and backward time for each node).
#ifndef Q_MOC_RUN
#include <torch/torch.h>
#endif

#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#ifndef Q_MOC_RUN
#include "data/ImageFolder.h"
#include "insight/NodePreview.h"
#include "insight/NodeTiming.h"
#include "support/RunFixtures.h"
#include "support/TestData.h"
#endif

using namespace strata;

namespace {

const NodePreview* previewOf(const NodePreviews& previews, const std::string& id) {
    for (const NodePreview& n : previews.nodes)
        if (n.id == id) return &n;
    return nullptr;
}

}  // namespace

class DesignInsightTest : public QObject {
    Q_OBJECT

private slots:
    void previewGivesOnePicturePerNodeWithItsGrid() {
        QTemporaryDir dir;
        PreviewInputs inputs;
        inputs.imagePath = test::writeDiagonalImage(dir.filePath("x.png"), 28).toStdString();
        const Design design = loadDesign(test::templateFile("reference-cnn").toStdString());
        const NodePreviews previews = computeNodePreviews(design, inputs);
        QCOMPARE(previews.nodes.size(), design.nodes.size());
        QVERIFY(!previews.runWeights);
        // conv1: [32, 28, 28] -> the first 16 maps in a 4 x 4 grid with 1-pixel gaps.
        const NodePreview* conv1 = previewOf(previews, "conv1");
        QVERIFY(conv1 && conv1->spatial);
        QCOMPARE(conv1->shape, (std::vector<int64_t>{32, 28, 28}));
        QCOMPARE(conv1->shown, kPreviewMaxChannels);
        QCOMPARE(conv1->picture.width, 4 * 28 + 3 * kPreviewGap);
        QCOMPARE(conv1->picture.height, 4 * 28 + 3 * kPreviewGap);
        QCOMPARE(conv1->picture.pixels.size(), size_t(conv1->picture.width * conv1->picture.height));
        // pool2: [64, 7, 7]; fc1: 128 units -> a strip of the first 64 bars; fc2: 10 logits.
        QCOMPARE(previewOf(previews, "pool2")->picture.width, 4 * 7 + 3 * kPreviewGap);
        const NodePreview* fc1 = previewOf(previews, "fc1");
        QVERIFY(!fc1->spatial);
        QCOMPARE(fc1->picture.width, kPreviewMaxUnits * kPreviewBarWidth);
        QCOMPARE(fc1->picture.height, kPreviewStripHeight);
        QCOMPARE(previewOf(previews, "fc2")->picture.width, 10 * kPreviewBarWidth);
        // The maps are not blank: min-max scaling spreads each over 0..255.
        const auto& px = conv1->picture.pixels;
        QVERIFY(*std::max_element(px.begin(), px.end()) > 200);
    }

    void previewAveragesLargeMapsDown() {
        QTemporaryDir dir;
        PreviewInputs inputs;
        inputs.imagePath = test::writeDiagonalImage(dir.filePath("x.png"), 64).toStdString();
        const NodePreviews previews = computeNodePreviews(parseDesign(test::tinyCnnDesign(64).toStdString()), inputs);
        // conv1 [8, 64, 64]: 3 x 3 tiles of 32 x 32; pool1 [8, 32, 32] keeps its size.
        QCOMPARE(previewOf(previews, "conv1")->picture.width, 3 * kPreviewMaxTile + 2 * kPreviewGap);
        QCOMPARE(previewOf(previews, "pool1")->picture.height, 3 * 32 + 2 * kPreviewGap);
        QCOMPARE(previewOf(previews, "in")->picture.width, kPreviewMaxTile);
    }

    void previewGridFollowsTheChannelCount() {
        int w = 0, h = 0;
        previewGridSize(5, 8, 10, w, h);  // 3 columns, 2 rows
        QCOMPARE(w, 3 * 10 + 2);
        QCOMPARE(h, 2 * 8 + 1);
        previewGridSize(1, 8, 10, w, h);
        QCOMPARE(w, 10);
        QCOMPARE(h, 8);
    }

    void previewUsesTheRunsWeights() {
        QTemporaryDir dir;
        const QString run = test::writeValidRun(dir.filePath("tiny.strata-run"));
        PreviewInputs inputs;
        inputs.imagePath = test::writeDiagonalImage(dir.filePath("x.png"), 16).toStdString();
        const Design design = parseDesign(test::tinyCnnDesign().toStdString());
        const NodePreviews initial = computeNodePreviews(design, inputs);
        inputs.runPath = run.toStdString();
        const NodePreviews trained = computeNodePreviews(design, inputs);
        QVERIFY(trained.runWeights);
        QCOMPARE(trained.nodes.size(), initial.nodes.size());
        QVERIFY(previewOf(trained, "conv1")->picture.pixels != previewOf(initial, "conv1")->picture.pixels);
        QCOMPARE(previewOf(trained, "fc")->shown, 3);  // the run's three classes
    }

    void previewWithoutImageNamesWhatIsMissing() {
        const Design design = parseDesign(test::tinyCnnDesign().toStdString());
        PreviewInputs inputs;
        inputs.imagePath = "/nonexistent/sample.png";
        try {
            computeNodePreviews(design, inputs);
            QFAIL("no error for a missing image");
        } catch (const DataError& e) {
            QVERIFY2(std::string(e.what()).find("/nonexistent/sample.png") != std::string::npos, e.what());
        }
        inputs.imagePath.clear();
        QVERIFY_THROWS_EXCEPTION(DataError, computeNodePreviews(design, inputs));
    }

    void measureSpeedGivesAPositiveTimePerNode() {
        const Design design = parseDesign(test::tinyCnnDesign().toStdString());
        NodeTimingOptions options;
        options.batch = 16;
        options.repetitions = 3;
        options.steps = 3;
        const NodeTimingReport r = measureNodeTimes(design, options);
        QStringList ids;
        for (const NodeTime& n : r.nodes) {
            ids << QString::fromStdString(n.id);
            QVERIFY2(n.forwardMs > 0 && n.backwardMs > 0, qPrintable(QString::fromStdString(n.id)));
        }
        QCOMPARE(ids, (QStringList{"conv1", "relu1", "pool1", "flat", "fc"}));
        QVERIFY(r.stepMs > 0 && r.nodesMs > 0);
        QCOMPARE(r.imagesPerSecond, 1e3 * 16 / r.stepMs);
        // Stopped before it starts: nothing is timed.
        QVERIFY(measureNodeTimes(design, options, [] { return true; }).nodes.empty());
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(DesignInsightTest)
#include "test_design_insight.moc"
