#include "experiments/ScalingPlots.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "experiment/ExperimentKinds.h"
#include "experiments/ExperimentView.h"
#include "widgets/Labels.h"
#include "widgets/ThrottledPlot.h"

namespace strata {

namespace {
const QColor kPointColor(0x1f, 0x5f, 0xa8);
const QColor kFitColor(0xd9, 0x6a, 0x00);
constexpr int kPointSize = 7;
constexpr double kMargin = 1.6;  // of the data's span on each log axis, so labels fit

struct Points {
    QVector<double> x, error;
    QStringList names;
    QString errorLabel;  // "test error", "val error", "train error"
};

// The points of one line of the fit, chosen as the engine's fit chooses them
// (experiment/ExperimentKinds.cpp): done variants, on all the data for parameters, at width 1
// for images.
Points scalingPoints(const Experiment& e, ScalingPlots::Axis axis) {
    Points p;
    for (const ExperimentVariant& v : e.variants) {
        double accuracy = 0;
        std::string label;
        if (v.status != "done" || !judgedAccuracy(v, accuracy, &label)) continue;
        const bool params = axis == ScalingPlots::Parameters;
        if (jsonNumber(v.details, params ? "fraction" : "width", 1.0) != 1.0) continue;
        p.x << (params ? double(v.parameters) : jsonNumber(v.details, "images", 0.0));
        p.error << 1.0 - accuracy;
        p.names << QString::fromStdString(v.name);
        if (p.errorLabel.isEmpty()) p.errorLabel = QObject::tr("%1 error").arg(QString::fromStdString(label));
    }
    return p;
}

// The recorded fit when experiment.json has one, else the same fit over the points so far.
PowerLawFit scalingFit(const Experiment& e, ScalingPlots::Axis axis, const Points& p) {
    const char* key = axis == ScalingPlots::Parameters ? "parameters" : "images";
    const nlohmann::json f = e.fit.is_object() && e.fit.contains(key) ? e.fit.at(key) : nlohmann::json();
    if (jsonNumber(f, "points", 0) >= 2) {
        return {jsonNumber(f, "a", 0), jsonNumber(f, "b", 0), jsonNumber(f, "r2", 0), int(jsonNumber(f, "points", 0))};
    }
    return fitPowerLaw(std::vector<double>(p.x.begin(), p.x.end()), std::vector<double>(p.error.begin(), p.error.end()));
}

void logAxis(QCPAxis* axis) {
    axis->setScaleType(QCPAxis::stLogarithmic);
    auto ticker = QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog);
    axis->setTicker(ticker);
    axis->setNumberFormat("gb");
    axis->setNumberPrecision(3);
}

// [min / margin, max * margin] over the positive values; {lo, hi} when there are none.
QCPRange logRange(const QVector<double>& values, double lo, double hi) {
    double a = std::numeric_limits<double>::infinity(), b = 0;
    for (double v : values)
        if (v > 0) a = std::min(a, v), b = std::max(b, v);
    if (!(b > 0)) return QCPRange(lo, hi);
    return QCPRange(a / kMargin, b * kMargin);
}
}  // namespace

ScalingPlots::ScalingPlots(QWidget* parent) : QWidget(parent) {
    setObjectName("scalingPlots");
    params_ = makePanel(tr("parameters"));
    params_.plot->setObjectName("scalingParametersPlot");
    images_ = makePanel(tr("training images"));
    images_.plot->setObjectName("scalingImagesPlot");
    hint_ = hintLabel(tr("A scaling experiment shows its error against parameters and against training images "
                         "here, with the fitted power law."),
                      this);
    auto* plots = new QHBoxLayout;
    plots->addWidget(params_.plot, 1);
    plots->addWidget(images_.plot, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(plots, 1);
    layout->addWidget(hint_);
}

ScalingPlots::Panel ScalingPlots::makePanel(const QString& xLabel) {
    Panel p;
    p.plot = new QCustomPlot(this);
    p.plot->setMinimumSize(220, 160);
    styleAxisRect(p.plot->axisRect());
    p.plot->xAxis->setLabel(xLabel);
    p.plot->yAxis->setLabel(tr("error"));
    logAxis(p.plot->xAxis);
    logAxis(p.plot->yAxis);
    p.points = p.plot->addGraph();
    p.points->setLineStyle(QCPGraph::lsNone);
    p.points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, kPointColor, kPointColor, kPointSize));
    p.fit = p.plot->addGraph();
    p.fit->setPen(plotPen(kFitColor, Qt::DashLine));
    p.plot->legend->setVisible(true);
    p.plot->legend->setFont(QFont(font().family(), 8));
    p.plot->legend->setBrush(QColor(255, 255, 255, 220));
    p.plot->legend->setBorderPen(QPen(QColor(0xd0, 0xd0, 0xd0)));
    // Error falls as x grows: the lower left is where no point lies.
    p.plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
    return p;
}

void ScalingPlots::clear() {
    for (Panel* p : {&params_, &images_}) {
        p->points->data()->clear();
        p->fit->data()->clear();
        p->points->setName(tr("variants"));
        p->fit->setName(tr("fit"));
        p->plot->clearItems();
        p->plot->replot(QCustomPlot::rpQueuedReplot);
    }
    hint_->show();
}

void ScalingPlots::setExperiment(const Experiment& experiment) {
    clear();
    if (experiment.kind != "scaling") return;
    showPanel(params_, experiment, Parameters);
    showPanel(images_, experiment, Images);
    hint_->hide();
}

void ScalingPlots::showPanel(Panel& panel, const Experiment& experiment, Axis axis) {
    const Points p = scalingPoints(experiment, axis);
    panel.points->setData(p.x, p.error);
    panel.points->setName(tr("variants (%1)").arg(p.errorLabel.isEmpty() ? tr("error") : p.errorLabel));
    panel.plot->yAxis->setLabel(p.errorLabel.isEmpty() ? tr("error") : p.errorLabel);
    for (int i = 0; i < p.x.size(); ++i) {
        if (!(p.x[i] > 0 && p.error[i] > 0)) continue;  // no place on a log axis
        auto* label = new QCPItemText(panel.plot);
        label->position->setCoords(p.x[i], p.error[i]);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        label->setText(QStringLiteral(" ") + p.names[i]);
        label->setFont(QFont(font().family(), 7));
    }
    const QCPRange xs = logRange(p.x, 1, 10), ys = logRange(p.error, 0.01, 1);
    const PowerLawFit fit = scalingFit(experiment, axis, p);
    if (fit.points >= 2) {
        // A straight line on log-log axes: its two ends are enough.
        panel.fit->setData({xs.lower, xs.upper}, {fit.a * std::pow(xs.lower, -fit.b), fit.a * std::pow(xs.upper, -fit.b)});
        panel.fit->setName(tr("fit a\u00b7x^\u2212b: b = %1, R\u00b2 = %2")
                               .arg(QString::number(fit.b, 'f', 3), QString::number(fit.r2, 'f', 3)));
    } else {
        panel.fit->setName(tr("fit: needs two variants done"));
    }
    panel.plot->xAxis->setRange(xs);
    panel.plot->yAxis->setRange(ys);
    panel.plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace strata
