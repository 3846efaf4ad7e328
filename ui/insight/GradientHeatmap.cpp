#include "insight/GradientHeatmap.h"

#include <QLabel>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "widgets/Labels.h"
#include "widgets/ThrottledPlot.h"

namespace strata {

namespace {
// Layer names on the vertical axis at most: about what a panel's height fits without overlap.
constexpr int kMostLayerNames = 24;
}  // namespace

QColor GradientHeatmap::emptyHatch() { return QColor(0xc0, 0xc6, 0xcf); }

GradientHeatmap::GradientHeatmap(QWidget* parent) : QWidget(parent) {
    setObjectName("gradientHeatmap");
    plot_ = new QCustomPlot(this);
    plot_->setMinimumSize(300, 180);
    styleAxisRect(plot_->axisRect());
    plot_->xAxis->setLabel(tr("training step"));
    plot_->yAxis->setLabel(tr("layer"));
    plot_->yAxis->setRangeReversed(true);  // the input end on top, as on the canvas
    plot_->yAxis->grid()->setVisible(false);
    plot_->xAxis->grid()->setVisible(false);

    map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
    map_->setInterpolate(false);
    map_->setTightBoundary(false);
    scale_ = new QCPColorScale(plot_);
    scale_->setType(QCPAxis::atRight);
    scale_->setDataScaleType(QCPAxis::stLogarithmic);
    scale_->axis()->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    scale_->axis()->setNumberFormat("gb");  // 0.05, 0.1, 1e-05: readable over any span
    scale_->axis()->setNumberPrecision(2);
    scale_->setLabel(tr("gradient norm (log)"));
    plot_->plotLayout()->addElement(0, 1, scale_);
    map_->setColorScale(scale_);
    map_->setGradient(QCPColorGradient::gpThermal);
    // Keep the colour bar as tall as the map.
    auto* margins = new QCPMarginGroup(plot_);
    plot_->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    scale_->setMarginGroup(QCP::msTop | QCP::msBottom, margins);

    hint_ = hintLabel(tr("Gradient norms appear after the first training steps."), this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(plot_, 1);
    layout->addWidget(hint_);
    clear();
}

void GradientHeatmap::clear() {
    map_->data()->setSize(0, 0);
    plot_->axisRect()->setBackground(QBrush(Qt::NoBrush));
    hint_->show();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void GradientHeatmap::setHistory(const GradientHistory& h) {
    const int rows = int(h.layers.size()), cols = int(h.steps.size());
    if (rows == 0 || cols == 0 || h.norms.size() != size_t(rows) * size_t(cols)) {
        clear();
        return;
    }
    // Zero norms (dead layers) have no logarithm: show them at the smallest positive norm
    // instead, the bottom of the colour scale.
    double lo = std::numeric_limits<double>::infinity(), hi = 0;
    for (float v : h.norms)
        if (std::isfinite(v) && v > 0) {
            lo = std::min(lo, double(v));
            hi = std::max(hi, double(v));
        }
    if (!(hi > 0)) lo = hi = 1;
    if (hi <= lo) hi = lo * 10;

    // Cell centres at the steps (columns) and at 0..rows-1 (layers). A NaN norm is a frozen
    // layer (no gradient at all): its cell stays empty (transparent), not the colour of a
    // small norm.
    const double first = double(h.steps.front()), last = double(h.steps.back());
    QCPColorMapData* data = map_->data();
    data->setSize(cols, rows);
    data->setRange(QCPRange(first, cols > 1 ? last : first + 1), QCPRange(0, std::max(1, rows - 1)));
    data->clearAlpha();
    std::vector<bool> frozen(size_t(rows), true);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            const float v = h.norms[size_t(r) * size_t(cols) + size_t(c)];
            data->setCell(c, r, std::isfinite(v) && v > 0 ? double(v) : lo);
            if (std::isnan(v)) data->setAlpha(c, r, 0);
            else frozen[size_t(r)] = false;
        }
    map_->setDataRange(QCPRange(lo, hi));
    // Through the empty cells shows a light hatch: plain white would read as the top of the
    // thermal scale.
    const bool anyEmpty = std::any_of(h.norms.begin(), h.norms.end(), [](float v) { return std::isnan(v); });
    plot_->axisRect()->setBackground(anyEmpty ? QBrush(emptyHatch(), Qt::BDiagPattern) : QBrush(Qt::NoBrush));

    // A deep stack has 40 and more layers: every k-th name, so that the names never overlap.
    const int every = std::max(1, (rows + kMostLayerNames - 1) / kMostLayerNames);
    auto ticker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
    for (int r = 0; r < rows; r += every) {
        const QString layer = QString::fromStdString(h.layers[size_t(r)]);
        ticker->addTick(r, frozen[size_t(r)] ? tr("%1 (frozen)").arg(layer) : layer);
    }
    plot_->yAxis->setTicker(ticker);
    plot_->yAxis->setRange(-0.5, rows - 0.5);
    const double halfStep = cols > 1 ? (last - first) / (2.0 * (cols - 1)) : 0.5;
    plot_->xAxis->setRange(first - halfStep, (cols > 1 ? last : first) + halfStep);
    hint_->hide();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace strata
