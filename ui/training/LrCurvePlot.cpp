#include "training/LrCurvePlot.h"

#include <algorithm>
#include <cmath>

namespace strata {

namespace {
const QColor kRawColor(0x1f, 0x77, 0xb4, 90);
const QColor kSmoothColor(0x1f, 0x5f, 0xa8);
const QColor kMarkColor(0xc0, 0x39, 0x2b);
constexpr double kXMargin = 1.5;   // factor beyond the first and last learning rate
constexpr double kYMargin = 0.06;  // fraction of the range added above and below
constexpr double kTopOverStart = 1.25;  // the loss axis ends this far above the smoothed loss's highest before its minimum

QVector<double> toVector(const std::vector<double>& v) { return QVector<double>(v.begin(), v.end()); }
}  // namespace

QString learningRateText(double lr) {
    if (lr >= 0.1) return QString::number(lr, 'g', 2);
    QString text = QString::number(lr, 'e', 1);  // "7.6e-04", "1.0e-07"
    text.replace(QLatin1String("e-0"), QLatin1String("e-")).replace(QLatin1String(".0e"), QLatin1String("e"));
    return text;
}

LrCurvePlot::LrCurvePlot(QWidget* parent) : ThrottledPlot(parent) {
    styleAxisRect(axisRect());
    xAxis->setScaleType(QCPAxis::stLogarithmic);
    xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    xAxis->setNumberFormat("eb");
    xAxis->setNumberPrecision(0);
    xAxis->setLabel(tr("learning rate"));
    yAxis->setLabel(tr("loss"));
    raw_ = addGraph();
    raw_->setName(tr("loss per step"));
    raw_->setPen(plotPen(kRawColor));
    smooth_ = addGraph();
    smooth_->setName(tr("smoothed"));
    QPen strong = plotPen(kSmoothColor);
    strong.setWidthF(1.8);
    smooth_->setPen(strong);
    mark_ = new QCPItemStraightLine(this);
    mark_->setPen(plotPen(kMarkColor, Qt::DashLine));
    markText_ = new QCPItemText(this);
    markText_->setColor(kMarkColor);
    markText_->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    markText_->position->setTypeX(QCPItemPosition::ptPlotCoords);
    markText_->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    markText_->setPadding(QMargins(4, 2, 4, 2));
    setSuggestion(0);
    legend->setVisible(true);
    legend->setFont(QFont(font().family(), 8));
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(QColor(255, 255, 255, 200));
    // Bottom left: the curve starts high and ends high, never low at small learning rates.
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
    xAxis->setRange(1e-7, 10);
    yAxis->setRange(0, 1);
}

void LrCurvePlot::setCurve(const std::vector<double>& lrs, const std::vector<double>& losses,
                           const std::vector<double>& smoothed) {
    lrs_ = lrs;
    losses_ = losses;
    smoothed_ = smoothed;
    raw_->setData(toVector(lrs), toVector(losses), true);
    smooth_->setData(toVector(lrs), toVector(smoothed), true);
    markDirty();
}

void LrCurvePlot::setSuggestion(double lr) {
    suggestion_ = lr;
    mark_->setVisible(lr > 0);
    markText_->setVisible(lr > 0);
    if (lr > 0) {
        mark_->point1->setCoords(lr, 0);
        mark_->point2->setCoords(lr, 1);
        markText_->position->setCoords(lr, 0.02);
        markText_->setText(tr("suggested %1").arg(learningRateText(lr)));
    }
    markDirty();
}

int LrCurvePlot::pointCount() const { return raw_->dataCount(); }

void LrCurvePlot::refit() {
    if (lrs_.empty()) return;
    xAxis->setRange(lrs_.front() / kXMargin, lrs_.back() * kXMargin);
    // Bottom: the lowest loss. Top: a little above the smoothed loss's highest before its
    // minimum, so neither the first steps' noise nor the final blow-up sets the scale.
    const auto finite = [](double v) { return std::isfinite(v); };
    double low = INFINITY, high = -INFINITY;
    for (double v : losses_)
        if (finite(v)) low = std::min(low, v);
    const size_t best = size_t(std::min_element(smoothed_.begin(), smoothed_.end()) - smoothed_.begin());
    for (size_t i = 0; i <= best && i < smoothed_.size(); ++i) high = std::max(high, smoothed_[i]);
    if (!finite(low) || !finite(high)) return;
    high = std::max(high * kTopOverStart, low + 1e-6);
    const double span = high - low;
    yAxis->setRange(std::max(0.0, low - kYMargin * span), high + kYMargin * span);
}

}  // namespace strata
