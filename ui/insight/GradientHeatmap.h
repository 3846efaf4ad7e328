#pragma once
// Training dynamics: each layer's gradient norm over the sampled training steps as a heat
// map (rows: layers from input to output, columns: steps), on a log colour scale, since norms
// span orders of magnitude — vanishing or exploding gradients show as dark or bright bands.
// A frozen layer (transfer: NaN norms, no gradient) is an empty row labelled "(frozen)".
#include <QColor>
#include <QWidget>

#include "insight/FeatureSnapshot.h"

class QCPColorMap;
class QCPColorScale;
class QCustomPlot;
class QLabel;

namespace strata {

class GradientHeatmap : public QWidget {
    Q_OBJECT
public:
    explicit GradientHeatmap(QWidget* parent = nullptr);

    void setHistory(const GradientHistory& history);
    void clear();

    QCustomPlot* plot() const { return plot_; }
    QCPColorMap* colorMap() const { return map_; }
    QCPColorScale* colorScale() const { return scale_; }
    // The colour of the hatch drawn where a frozen layer has no norms.
    static QColor emptyHatch();

private:
    QCustomPlot* plot_ = nullptr;
    QCPColorMap* map_ = nullptr;
    QCPColorScale* scale_ = nullptr;
    QLabel* hint_ = nullptr;
};

}  // namespace strata
