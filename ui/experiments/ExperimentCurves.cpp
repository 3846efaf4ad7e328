#include "experiments/ExperimentCurves.h"

#include <QHBoxLayout>

#include <algorithm>

#include "widgets/ThrottledPlot.h"

namespace strata {

namespace {
constexpr int kMarkerSize = 5;
constexpr int kLegendColumns = 2;  // the strip spans one plot: wider rows clip the names
constexpr double kLossHeadroom = 1.08;
constexpr double kAccuracyTop = 1.04;  // room for the markers of 100 % accuracy

// Follows the data with whole epochs on x (half an epoch of margin, so one epoch is still a
// visible point); accuracy keeps 0..1, loss starts at 0.
class CurvesPlot : public ThrottledPlot {
public:
    CurvesPlot(bool accuracy, QWidget* parent) : ThrottledPlot(parent), accuracy_(accuracy) {}

protected:
    void refit() override {
        double lastEpoch = 1, top = 0;
        for (int i = 0; i < graphCount(); ++i)
            for (auto it = graph(i)->data()->constBegin(); it != graph(i)->data()->constEnd(); ++it) {
                lastEpoch = std::max(lastEpoch, it->key);
                top = std::max(top, it->value);
            }
        xAxis->setRange(0.5, lastEpoch + 0.5);
        yAxis->setRange(0, accuracy_ ? kAccuracyTop : std::max(top * kLossHeadroom, 1e-3));
    }

private:
    bool accuracy_;
};

// The legend as a strip above the plot, so it never hides a curve.
void legendAbove(QCustomPlot* plot) {
    plot->legend->setVisible(true);
    plot->legend->setFont(QFont(plot->font().family(), 8));
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setBrush(Qt::NoBrush);
    plot->axisRect()->insetLayout()->take(plot->legend);
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, plot->legend);
    plot->plotLayout()->setRowStretchFactor(0, 0.001);
    plot->plotLayout()->setRowSpacing(0);
    plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    plot->legend->setWrap(kLegendColumns);
    plot->legend->setColumnSpacing(6);
    plot->legend->setMargins(QMargins(4, 2, 4, 0));
}

QCPGraph* makeGraph(QCustomPlot* plot, const QString& name, const QColor& color, Qt::PenStyle style, bool inLegend) {
    QCPGraph* g = plot->addGraph();
    g->setName(name);
    g->setPen(plotPen(color, style));
    g->setScatterStyle(QCPScatterStyle(style == Qt::SolidLine ? QCPScatterStyle::ssCircle : QCPScatterStyle::ssSquare,
                                       color, Qt::white, kMarkerSize));
    if (!inLegend) g->removeFromLegend();
    return g;
}
}  // namespace

ExperimentCurves::ExperimentCurves(QWidget* parent) : QWidget(parent) {
    setObjectName("experimentCurves");
    loss_ = makePlot(tr("loss (solid: train, dashed: val)"), false);
    loss_->setObjectName("experimentLossPlot");
    accuracy_ = makePlot(tr("accuracy (solid: train, dashed: val)"), true);
    accuracy_->setObjectName("experimentAccuracyPlot");
    legendAbove(loss_);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(loss_, 1);
    layout->addWidget(accuracy_, 1);
}

ThrottledPlot* ExperimentCurves::makePlot(const QString& yLabel, bool accuracy) {
    auto* plot = new CurvesPlot(accuracy, this);
    plot->setMinimumSize(220, 160);
    styleAxisRect(plot->axisRect());
    plot->xAxis->setLabel(tr("epoch"));
    plot->xAxis->setTicker(integerTicker());
    plot->yAxis->setLabel(yLabel);
    return plot;
}

ExperimentCurves::Lines ExperimentCurves::makeLines(const QString& name, const QColor& color) {
    Lines l;
    l.trainLoss = makeGraph(loss_, name, color, Qt::SolidLine, true);
    l.valLoss = makeGraph(loss_, name + tr(" (val)"), color, Qt::DashLine, false);
    l.trainAcc = makeGraph(accuracy_, name, color, Qt::SolidLine, false);
    l.valAcc = makeGraph(accuracy_, name + tr(" (val)"), color, Qt::DashLine, false);
    return l;
}

void ExperimentCurves::setVariants(const std::vector<VariantView>& variants) {
    loss_->clearGraphs();
    accuracy_->clearGraphs();
    lines_.clear();
    for (size_t i = 0; i < variants.size(); ++i) {
        lines_.push_back(makeLines(QString::fromStdString(variants[i].record.name), variantColor(int(i))));
        setEpochs(int(i), variants[i].epochs);
    }
    flush();
}

void ExperimentCurves::addEpoch(int index, const EpochRecord& r) {
    if (index < 0 || size_t(index) >= lines_.size()) return;
    const Lines& l = lines_[size_t(index)];
    l.trainLoss->addData(r.epoch, r.trainLoss);
    l.trainAcc->addData(r.epoch, r.trainAccuracy);
    if (r.hasVal) {
        l.valLoss->addData(r.epoch, r.valLoss);
        l.valAcc->addData(r.epoch, r.valAccuracy);
    }
    loss_->markDirty();
    accuracy_->markDirty();
}

void ExperimentCurves::setEpochs(int index, const std::vector<EpochRecord>& records) {
    if (index < 0 || size_t(index) >= lines_.size()) return;
    const Lines& l = lines_[size_t(index)];
    for (QCPGraph* g : {l.trainLoss, l.valLoss, l.trainAcc, l.valAcc}) g->data()->clear();
    for (const EpochRecord& r : records) addEpoch(index, r);
    loss_->markDirty();
    accuracy_->markDirty();
}

void ExperimentCurves::flush() {
    loss_->flush();
    accuracy_->flush();
}

}  // namespace strata
