// Benchmark: how long one param edit takes to reach the screen on a 200-node design
// (analysis + scene reconciliation + repaint of the visible canvas). Prints the median and
// the worst of 50 edits. Run: build/tests/bench_canvas_edit (QT_QPA_PLATFORM=offscreen).
#include <QApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "canvas/DesignView.h"
#include "model/DesignDocument.h"

using namespace strata;

namespace {
constexpr int kNodes = 200;
constexpr int kEdits = 50;

Design chainOfNodes() {
    Design d;
    d.name = "big";
    d.nodes.push_back({"in", "Input", {{"channels", 1}, {"height", 8}, {"width", 8}}});
    for (int i = 0; i < kNodes - 4; ++i)
        d.nodes.push_back(i % 2 ? Node{"relu" + std::to_string(i), "ReLU"}
                                : Node{"conv" + std::to_string(i), "Conv2d",
                                       {{"out_channels", 4}, {"kernel_size", 3}, {"padding", 1}}});
    d.nodes.push_back({"flat", "Flatten"});
    d.nodes.push_back({"fc", "Linear", {{"out_features", 10}}});
    d.nodes.push_back({"out", "Output"});
    for (size_t i = 0; i + 1 < d.nodes.size(); ++i) d.edges.push_back({d.nodes[i].id, d.nodes[i + 1].id, 0});
    return d;
}
}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    DesignDocument doc;
    DesignView view(&doc);
    view.resize(1200, 800);
    view.show();
    doc.reset(chainOfNodes());
    view.fitToView();
    QCoreApplication::processEvents();

    std::vector<double> ms;
    for (int i = 0; i < kEdits; ++i) {
        QElapsedTimer t;
        t.start();
        doc.setParam("conv0", "out_channels", 5 + i % 2);
        view.viewport()->repaint();
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    std::printf("canvas edit, %d-node design: median %.1f ms, worst %.1f ms over %d edits\n", kNodes,
                ms[ms.size() / 2], ms.back(), kEdits);
    return 0;
}
