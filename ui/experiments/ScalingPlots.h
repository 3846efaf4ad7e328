#pragma once
// How accuracy scales (the scaling experiment, docs/ARCHITECTURE.md §3): error against
// parameters (the full-data variants across widths) and against training images (the width-1
// variants across fractions), log-log, each variant a labelled point, with the fitted power
// law error ≈ a·x^(−b) as a line and its b and R² in the legend. The fit is the one
// experiment.json records; while the experiment still trains, the same least-squares fit
// (fitPowerLaw) over the variants done so far stands in for it.
#include <QWidget>

#include "experiment/ExperimentFile.h"

class QCPGraph;
class QCustomPlot;
class QLabel;

namespace strata {

class ScalingPlots : public QWidget {
    Q_OBJECT
public:
    enum Axis { Parameters, Images };

    explicit ScalingPlots(QWidget* parent = nullptr);

    void setExperiment(const Experiment& experiment);
    void clear();

    QCustomPlot* plot(Axis axis) const { return axis == Parameters ? params_.plot : images_.plot; }
    QCPGraph* pointsGraph(Axis axis) const { return axis == Parameters ? params_.points : images_.points; }
    QCPGraph* fitGraph(Axis axis) const { return axis == Parameters ? params_.fit : images_.fit; }

private:
    struct Panel {
        QCustomPlot* plot = nullptr;
        QCPGraph* points = nullptr;
        QCPGraph* fit = nullptr;
    };
    Panel makePanel(const QString& xLabel);
    void showPanel(Panel& panel, const Experiment& experiment, Axis axis);

    Panel params_, images_;
    QLabel* hint_ = nullptr;
};

}  // namespace strata
