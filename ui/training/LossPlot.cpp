#include "training/LossPlot.h"

#include <algorithm>
#include <cmath>

namespace strata {

namespace {
const QColor kRawColor(0x1f, 0x77, 0xb4, 70);
const QColor kSmoothColor(0x1f, 0x5f, 0xa8);
constexpr double kYMargin = 0.05;  // fraction of the range added above and below
}  // namespace

LossPlot::LossPlot(QWidget* parent) : ThrottledPlot(parent) {
    styleAxisRect(axisRect());
    xAxis->setLabel(tr("step"));
    xAxis->setTicker(integerTicker());
    yAxis->setLabel(tr("loss per batch"));
    raw_ = addGraph();
    raw_->setName(tr("raw"));
    raw_->setPen(plotPen(kRawColor));
    raw_->setAdaptiveSampling(true);
    smooth_ = addGraph();
    smooth_->setName(tr("smoothed"));
    QPen strong = plotPen(kSmoothColor);
    strong.setWidthF(1.8);
    smooth_->setPen(strong);
    smooth_->setAdaptiveSampling(true);
    legend->setVisible(true);
    legend->setFont(QFont(font().family(), 8));
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(QColor(255, 255, 255, 200));
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    xAxis->setRange(0, 1);
    yAxis->setRange(0, 1);
}

void LossPlot::addBatch(int64_t step, double loss) {
    if (!std::isfinite(loss)) return;
    const double x = double(step);
    ema_ = kSmoothing * loss + (1 - kSmoothing) * ema_;
    decay_ *= (1 - kSmoothing);
    smoothed_ = ema_ / (1 - decay_);
    const bool first = raw_->dataCount() == 0;
    raw_->addData(x, loss);
    smooth_->addData(x, smoothed_);
    xMin_ = first ? x : std::min(xMin_, x);
    xMax_ = first ? x : std::max(xMax_, x);
    yMin_ = first ? loss : std::min(yMin_, loss);
    yMax_ = first ? loss : std::max(yMax_, loss);
    markDirty();
}

void LossPlot::clear() {
    raw_->data()->clear();
    smooth_->data()->clear();
    ema_ = 0;
    decay_ = 1;
    smoothed_ = 0;
    xMin_ = xMax_ = yMin_ = yMax_ = 0;
    markDirty();
}

int LossPlot::pointCount() const { return raw_->dataCount(); }

void LossPlot::refit() {
    if (pointCount() == 0) {
        xAxis->setRange(0, 1);
        yAxis->setRange(0, 1);
        return;
    }
    xAxis->setRange(xMin_, std::max(xMax_, xMin_ + 1));
    const double span = std::max(yMax_ - yMin_, 1e-6);
    yAxis->setRange(std::max(0.0, yMin_ - kYMargin * span), yMax_ + kYMargin * span);
}

}  // namespace strata
