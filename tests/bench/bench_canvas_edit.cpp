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
#include "support/TestData.h"

using namespace strata;

namespace {
constexpr int kNodes = 200;
constexpr int kEdits = 50;

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    DesignDocument doc;
    DesignView view(&doc);
    view.resize(1200, 800);
    view.show();
    doc.reset(test::longChainDesign(kNodes));
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
