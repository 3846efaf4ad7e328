#include "training/RatePlot.h"

#include <algorithm>
#include <cmath>

namespace strata {

namespace {
const QColor kLrColor(0x6a, 0x3d, 0x9a);
const QColor kSpeedColor(0x2c, 0x8c, 0x3c);
constexpr double kHeadroom = 1.1;
}  // namespace

RatePlot::RatePlot(QWidget* parent) : ThrottledPlot(parent) {
    styleAxisRect(axisRect());
    xAxis->setLabel(tr("step"));
    xAxis->setTicker(integerTicker());
    yAxis->setLabel(tr("learning rate"));
    yAxis->setLabelColor(kLrColor);
    yAxis->setTickLabelColor(kLrColor);
    yAxis->setNumberFormat(QStringLiteral("g"));
    yAxis2->setVisible(true);
    yAxis2->setLabel(tr("images / s"));
    yAxis2->setLabelColor(kSpeedColor);
    yAxis2->setTickLabelColor(kSpeedColor);
    lr_ = addGraph(xAxis, yAxis);
    lr_->setName(tr("learning rate"));
    lr_->setPen(plotPen(kLrColor));
    lr_->setAdaptiveSampling(true);
    speed_ = addGraph(xAxis, yAxis2);
    speed_->setName(tr("images/s"));
    speed_->setPen(plotPen(kSpeedColor));
    speed_->setAdaptiveSampling(true);
    refit();
}

void RatePlot::addBatch(const BatchEvent& e) {
    const double x = double(e.step);
    const bool first = lr_->dataCount() == 0;
    lr_->addData(x, e.learningRate);
    if (std::isfinite(e.imagesPerSecond)) speed_->addData(x, e.imagesPerSecond);
    xMin_ = first ? x : std::min(xMin_, x);
    xMax_ = first ? x : std::max(xMax_, x);
    lrMax_ = std::max(lrMax_, e.learningRate);
    if (std::isfinite(e.imagesPerSecond)) speedMax_ = std::max(speedMax_, e.imagesPerSecond);
    markDirty();
}

void RatePlot::clear() {
    lr_->data()->clear();
    speed_->data()->clear();
    xMin_ = xMax_ = lrMax_ = speedMax_ = 0;
    markDirty();
}

int RatePlot::pointCount() const { return lr_->dataCount(); }

void RatePlot::refit() {
    if (pointCount() == 0) {
        xAxis->setRange(0, 1);
        yAxis->setRange(0, 1e-3);
        yAxis2->setRange(0, 1);
        return;
    }
    xAxis->setRange(xMin_, std::max(xMax_, xMin_ + 1));
    yAxis->setRange(0, lrMax_ > 0 ? lrMax_ * kHeadroom : 1e-3);
    yAxis2->setRange(0, speedMax_ > 0 ? speedMax_ * kHeadroom : 1);
}

}  // namespace strata
