#include "experiments/GradientStrips.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

#include "insight/GradientHeatmap.h"
#include "widgets/Labels.h"

namespace strata {

namespace {
constexpr int kScaleWidth = 78;
constexpr int kMapMinimumHeight = 180;
}  // namespace

GradientStrips::GradientStrips(QWidget* parent) : QWidget(parent) {
    setObjectName("gradientStrips");
    auto* inner = new QWidget;
    grid_ = new QGridLayout(inner);
    grid_->setContentsMargins(0, 0, 0, 0);
    grid_->setHorizontalSpacing(2);
    // Many variants scroll sideways rather than squeezing every map to a sliver.
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(inner);
    hint_ = hintLabel(tr("Each variant's per-layer gradient norms appear here after its first epoch "
                         "(variants trained with feature snapshots: stabilizers always are)."),
                      this);
    scalePlot_ = makeScalePlot();
    auto* row = new QHBoxLayout;
    row->setSpacing(0);
    row->addWidget(scroll, 1);
    row->addWidget(scalePlot_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row, 1);
    layout->addWidget(hint_);
}

// A plot holding nothing but the colour bar, styled as the maps' own (GradientHeatmap): log
// scale, thermal gradient.
QCustomPlot* GradientStrips::makeScalePlot() {
    auto* plot = new QCustomPlot(this);
    plot->setFixedWidth(kScaleWidth);
    plot->plotLayout()->clear();
    scale_ = new QCPColorScale(plot);
    plot->plotLayout()->addElement(0, 0, scale_);
    scale_->setType(QCPAxis::atRight);
    scale_->setDataScaleType(QCPAxis::stLogarithmic);
    scale_->axis()->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    scale_->axis()->setNumberFormat("gb");
    scale_->axis()->setNumberPrecision(2);
    scale_->setLabel(tr("gradient norm (log), all variants"));
    scale_->setGradient(QCPColorGradient::gpThermal);
    scale_->setBarWidth(12);
    QFont small = plot->font();
    small.setPointSize(7);
    scale_->axis()->setTickLabelFont(small);
    scale_->axis()->setLabelFont(small);
    return plot;
}

void GradientStrips::setVariants(const QStringList& names) {
    for (QWidget* w : maps_) delete w;
    for (QWidget* w : titles_) delete w;
    maps_.clear();
    titles_.clear();
    histories_.assign(size_t(names.size()), GradientHistory());
    for (int i = 0; i < names.size(); ++i) {
        QLabel* title = sectionHeader(names[i]);
        title->setAlignment(Qt::AlignCenter);
        auto* map = new GradientHeatmap;
        map->plot()->setMinimumSize(kMapMinimumWidth, kMapMinimumHeight);
        // Narrow maps: the layer names say what the rows are, and fewer step ticks fit.
        map->plot()->yAxis->setLabel(QString());
        map->plot()->xAxis->ticker()->setTickCount(3);
        // The row's one bar replaces the map's own: it would repeat it and take the map's room.
        map->plot()->plotLayout()->take(map->colorScale());
        map->plot()->plotLayout()->simplify();
        map->colorScale()->setVisible(false);
        grid_->addWidget(title, 0, i);
        grid_->addWidget(map, 1, i);
        grid_->setColumnStretch(i, 1);
        titles_.push_back(title);
        maps_.push_back(map);
    }
    applySharedRange();
}

void GradientStrips::setHistory(int index, const GradientHistory& history) {
    if (index < 0 || size_t(index) >= maps_.size() || history.steps.empty()) return;
    histories_[size_t(index)] = history;
    maps_[size_t(index)]->setHistory(history);
    applySharedRange();
}

int GradientStrips::filledCount() const {
    return int(std::count_if(histories_.begin(), histories_.end(), [](const GradientHistory& h) { return !h.steps.empty(); }));
}

QCPRange GradientStrips::sharedRange() const {
    double lo = std::numeric_limits<double>::infinity(), hi = 0;
    for (const GradientHistory& h : histories_)
        for (float v : h.norms)
            if (std::isfinite(v) && v > 0) lo = std::min(lo, double(v)), hi = std::max(hi, double(v));
    if (!(hi > 0)) return QCPRange(1, 10);
    // As the single map does: a range of one value still needs a span on a log scale.
    return QCPRange(lo, hi > lo ? hi : lo * 10);
}

// Each map set its own range from its own norms; all of them take the union instead.
void GradientStrips::applySharedRange() {
    const QCPRange range = sharedRange();
    for (GradientHeatmap* map : maps_) {
        map->colorMap()->setDataRange(range);
        map->plot()->replot(QCustomPlot::rpQueuedReplot);
    }
    scale_->setDataRange(range);
    scalePlot_->setVisible(filledCount() > 0);
    scalePlot_->replot(QCustomPlot::rpQueuedReplot);
    hint_->setVisible(filledCount() == 0);
}

}  // namespace strata
