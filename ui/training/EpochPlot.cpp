#include "training/EpochPlot.h"

#include <algorithm>
#include <iterator>

namespace strata {

namespace {
const QColor kLossColor(0x1f, 0x5f, 0xa8);
const QColor kValLossColor(0xd9, 0x6a, 0x00);
const QColor kAccColor(0x2c, 0x8c, 0x3c);
const QColor kValAccColor(0xb0, 0x2a, 0x6a);
// Overlay colours: distinct from the current run's and from each other.
const QColor kOverlayColors[] = {{0x6a, 0x3d, 0x9a}, {0x00, 0x8b, 0x8b}, {0x8c, 0x56, 0x4b},
                                 {0xe3, 0x77, 0xc2}, {0x7f, 0x7f, 0x7f}, {0xbc, 0xbd, 0x22}};
constexpr int kMarkerSize = 5;
constexpr int kLegendColumns = 4;
constexpr double kLossHeadroom = 1.08;
constexpr double kAccuracyTop = 1.04;  // room for the markers of 100 % accuracy
}  // namespace

EpochPlot::EpochPlot(QWidget* parent) : ThrottledPlot(parent) {
    styleAxisRect(axisRect());
    xAxis->setLabel(tr("epoch"));
    yAxis->setLabel(tr("loss"));
    yAxis2->setVisible(true);
    yAxis2->setLabel(tr("accuracy"));
    yAxis2->setRange(0, kAccuracyTop);
    xAxis->setTicker(integerTicker());
    trainLoss_ = makeGraph(tr("train loss"), kLossColor, Qt::SolidLine, false, QCPScatterStyle::ssCircle);
    valLoss_ = makeGraph(tr("val loss"), kValLossColor, Qt::SolidLine, false, QCPScatterStyle::ssCircle);
    trainAcc_ = makeGraph(tr("train acc"), kAccColor, Qt::SolidLine, true, QCPScatterStyle::ssSquare);
    valAcc_ = makeGraph(tr("val acc"), kValAccColor, Qt::SolidLine, true, QCPScatterStyle::ssSquare);
    legend->setVisible(true);
    legend->setFont(QFont(font().family(), 8));
    legend->setBorderPen(Qt::NoPen);
    // The legend is a strip above the plot, so it never hides a curve.
    axisRect()->insetLayout()->take(legend);
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0, legend);
    plotLayout()->setRowStretchFactor(0, 0.001);
    plotLayout()->setRowSpacing(0);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setWrap(kLegendColumns);
    legend->setColumnSpacing(6);
    legend->setMargins(QMargins(4, 2, 4, 0));
    legend->setBrush(Qt::NoBrush);
    refit();
}

QCPGraph* EpochPlot::makeGraph(const QString& name, const QColor& color, Qt::PenStyle style, bool accuracy,
                               QCPScatterStyle::ScatterShape shape) {
    QCPGraph* g = addGraph(xAxis, accuracy ? yAxis2 : yAxis);
    g->setName(name);
    g->setPen(plotPen(color, style));
    g->setScatterStyle(QCPScatterStyle(shape, color, Qt::white, kMarkerSize));
    return g;
}

void EpochPlot::addEpoch(const EpochRecord& r) {
    const double x = r.epoch;
    trainLoss_->addData(x, r.trainLoss);
    trainAcc_->addData(x, r.trainAccuracy);
    if (r.hasVal) {
        valLoss_->addData(x, r.valLoss);
        valAcc_->addData(x, r.valAccuracy);
    }
    markDirty();
}

void EpochPlot::setEpochs(const std::vector<EpochRecord>& records) {
    for (QCPGraph* g : {trainLoss_, valLoss_, trainAcc_, valAcc_}) g->data()->clear();
    for (const EpochRecord& r : records) addEpoch(r);
    markDirty();
}

void EpochPlot::addOverlay(const QString& label, const std::vector<EpochRecord>& records) {
    const QColor color = kOverlayColors[(overlays_.size() / 2) % std::size(kOverlayColors)];
    const bool val = std::any_of(records.begin(), records.end(), [](const EpochRecord& r) { return r.hasVal; });
    const QString which = val ? tr("val") : tr("train");
    QCPGraph* loss = makeGraph(tr("%1 %2 loss").arg(label, which), color, Qt::DashLine, false, QCPScatterStyle::ssNone);
    QCPGraph* acc = makeGraph(tr("%1 %2 acc").arg(label, which), color, Qt::DashDotLine, true, QCPScatterStyle::ssNone);
    for (const EpochRecord& r : records) {
        if (val && !r.hasVal) continue;
        loss->addData(r.epoch, val ? r.valLoss : r.trainLoss);
        acc->addData(r.epoch, val ? r.valAccuracy : r.trainAccuracy);
    }
    overlays_.push_back(loss);
    overlays_.push_back(acc);
    markDirty();
}

void EpochPlot::clearOverlays() {
    for (QCPGraph* g : overlays_) removeGraph(g);
    overlays_.clear();
    markDirty();
}

void EpochPlot::clear() {
    for (QCPGraph* g : {trainLoss_, valLoss_, trainAcc_, valAcc_}) g->data()->clear();
    markDirty();
}

int EpochPlot::pointCount() const { return trainLoss_->dataCount(); }

void EpochPlot::refit() {
    // Epochs from 1 to the last one of any curve; loss from 0 up; accuracy always 0..1.
    double lastEpoch = 1, maxLoss = 0;
    bool any = false;
    for (int i = 0; i < graphCount(); ++i) {
        QCPGraph* g = graph(i);
        if (g->dataCount() == 0) continue;
        any = true;
        lastEpoch = std::max(lastEpoch, (g->data()->constEnd() - 1)->key);
        if (g->valueAxis() == yAxis) {
            bool found = false;
            const QCPRange r = g->getValueRange(found);
            if (found) maxLoss = std::max(maxLoss, r.upper);
        }
    }
    xAxis->setRange(0.5, std::max(lastEpoch, 2.0) + 0.5);
    yAxis->setRange(0, any && maxLoss > 0 ? maxLoss * kLossHeadroom : 1);
    yAxis2->setRange(0, kAccuracyTop);
    updateLegend();
}

void EpochPlot::updateLegend() {
    // The current run (validation entries only with validation data), then the overlays.
    std::vector<QCPGraph*> shown = {trainLoss_};
    if (valLoss_->dataCount() > 0) shown.push_back(valLoss_);
    shown.push_back(trainAcc_);
    if (valAcc_->dataCount() > 0) shown.push_back(valAcc_);
    shown.insert(shown.end(), overlays_.begin(), overlays_.end());
    bool same = legend->itemCount() == int(shown.size());
    for (int i = 0; same && i < legend->itemCount(); ++i) {
        auto* item = qobject_cast<QCPPlottableLegendItem*>(legend->item(i));
        same = item && item->plottable() == shown[size_t(i)];
    }
    if (same) return;
    legend->clearItems();
    for (QCPGraph* g : shown) g->addToLegend();
}

}  // namespace strata
