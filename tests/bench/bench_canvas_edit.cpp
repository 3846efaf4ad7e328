// Benchmark: how long one param edit takes to reach the screen on a 200-node design
// (analysis + scene reconciliation + repaint of the visible canvas), first plain, then with
// the live previews and the cost overlay on (the previews are computed off the UI thread, so
// the edit itself must not wait for them; between edits the bench lets the worker finish, as
// a pause of the user would). Then, on the reference CNN with the previews on, the time from
// an edit until its cards show the new previews, and "Measure speed": the nodes' forward and
// backward times against a whole training step. Prints medians and worsts.
// Run: build/tests/bench_canvas_edit (QT_QPA_PLATFORM=offscreen).
#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

#include "canvas/DesignScene.h"
#include "canvas/DesignView.h"
#include "design/Design.h"
#include "insight/CanvasInsight.h"
#include "insight/NodePreview.h"
#include "insight/NodeTiming.h"
#include "model/DesignDocument.h"
#include "support/TestData.h"
#include "train/MallocTuning.h"

using namespace strata;

namespace {
constexpr int kNodes = 200;
constexpr int kEdits = 50;
constexpr int kPreviewEdits = 30;

struct Figures {
    double median = 0, worst = 0;
};

Figures figuresOf(std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    return {ms[ms.size() / 2], ms.back()};
}

// Processes events until `done` or a minute passed.
void waitFor(const std::function<bool()>& done) {
    QElapsedTimer t;
    t.start();
    // Sleeping until the next event, as the studio's event loop does: a busy loop here would take
    // a core from the worker.
    while (!done() && t.elapsed() < 60000) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
}

// Until the worker has nothing left to do (the user's pause between edits).
void settle(const CanvasInsight* insight) {
    QElapsedTimer t;
    t.start();
    QCoreApplication::processEvents();
    while (insight && insight->isBusy() && t.elapsed() < 60000)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
}

Figures canvasEdits(DesignDocument& doc, DesignView& view, const CanvasInsight* insight) {
    std::vector<double> ms;
    for (int i = 0; i < kEdits; ++i) {
        settle(insight);
        QElapsedTimer t;
        t.start();
        doc.setParam("conv0", "out_channels", 5 + i % 2);
        view.viewport()->repaint();
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    return figuresOf(ms);
}

void benchCanvasEdit(const QString& sample) {
    DesignDocument doc;
    DesignView view(&doc);
    view.resize(1200, 800);
    view.show();
    doc.reset(test::longChainDesign(kNodes));
    view.fitToView();
    QCoreApplication::processEvents();
    const Figures plain = canvasEdits(doc, view, nullptr);
    std::printf("canvas edit, %d-node design: median %.1f ms, worst %.1f ms over %d edits\n", kNodes, plain.median,
                plain.worst, kEdits);

    CanvasInsight insight(&doc, view.designScene());
    insight.setSampleImage(sample);
    view.designScene()->setCostOverlay(CostOverlay::Macs);
    int previews = 0;
    QObject::connect(&insight, &CanvasInsight::previewsUpdated, [&previews] { ++previews; });
    insight.setPreviewsOn(true);
    waitFor([&] { return previews > 0; });
    const Figures on = canvasEdits(doc, view, &insight);
    std::printf("canvas edit, %d-node design, with previews and cost overlay on: median %.1f ms, worst %.1f ms "
                "(%+.0f %% at the median; the previews were updated %d times)\n",
                kNodes, on.median, on.worst, 100 * (on.median / plain.median - 1), previews);
}

void benchPreviewLatency(const QString& sample) {
    DesignDocument doc;
    DesignView view(&doc);
    view.resize(1200, 800);
    view.show();
    doc.reset(loadDesign(STRATA_SOURCE_DIR "/resources/templates/reference-cnn.strata.json"));
    view.fitToView();
    CanvasInsight insight(&doc, view.designScene());
    insight.setSampleImage(sample);
    int previews = 0;
    QObject::connect(&insight, &CanvasInsight::previewsUpdated, [&previews] { ++previews; });
    insight.setPreviewsOn(true);
    waitFor([&] { return previews > 0; });
    std::vector<double> ms;
    for (int i = 0; i < kPreviewEdits; ++i) {
        settle(&insight);  // the previous edit's pre-flight included
        const int before = previews;
        QElapsedTimer t;
        t.start();
        doc.setParam("conv1", "out_channels", i % 2 ? 32 : 24);
        view.viewport()->repaint();
        waitFor([&] { return previews > before; });
        view.viewport()->repaint();
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    const Figures f = figuresOf(ms);
    // The computation alone, on this thread.
    PreviewInputs inputs;
    inputs.imagePath = sample.toStdString();
    std::vector<double> compute;
    for (int i = 0; i < 10; ++i) compute.push_back(1e3 * computeNodePreviews(doc.design(), inputs).seconds);
    std::printf("reference CNN, previews on: edit to updated previews median %.0f ms, worst %.0f ms over %d edits "
                "(%d ms of it the pause before computing; computing alone %.0f ms at the median)\n",
                f.median, f.worst, kPreviewEdits, CanvasInsight::kDebounceMs, figuresOf(compute).median);
}

void benchMeasureSpeed() {
    const Design design = loadDesign(STRATA_SOURCE_DIR "/resources/templates/reference-cnn.strata.json");
    NodeTimingOptions options;  // batch 64, as training
    const NodeTimingReport r = measureNodeTimes(design, options);
    std::printf("reference CNN, Measure speed (batch %d): nodes' forward + backward %.1f ms, training step %.1f ms "
                "(%.0f %%), %.0f images/s; the measurement took %.1f s\n",
                r.batch, r.nodesMs, r.stepMs, 100 * r.nodesMs / r.stepMs, r.imagesPerSecond, r.seconds);
}

}  // namespace

int main(int argc, char** argv) {
    tuneMallocForTraining();  // as strata's main() does
    QApplication app(argc, argv);
    QTemporaryDir tmp;
    benchCanvasEdit(test::writeDiagonalImage(tmp.filePath("chain.png"), 8));
    benchPreviewLatency(test::writeDiagonalImage(tmp.filePath("cnn.png"), 28));
    benchMeasureSpeed();
    return 0;
}
