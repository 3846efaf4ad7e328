#pragma once
// The variants' per-layer gradient norms side by side, one heat map each (the Features dock's
// GradientHeatmap), all on ONE colour scale: a single log range over every variant's norms,
// so the same colour means the same norm in every map and a vanishing stack reads darker than
// a healthy one. The maps give up their own colour bars for one bar at the row's end, so every
// map gets the same room.
#include <QStringList>
#include <QWidget>
#include <qcustomplot.h>

#include <vector>

#include "insight/FeatureSnapshot.h"

class QGridLayout;
class QLabel;

namespace strata {

class GradientHeatmap;

class GradientStrips : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMapMinimumWidth = 140;

    explicit GradientStrips(QWidget* parent = nullptr);

    // One heat map per variant, in order, titled with its name; all empty.
    void setVariants(const QStringList& names);
    // Variant `index`'s norms (ignored when empty); the shared range follows.
    void setHistory(int index, const GradientHistory& history);

    int mapCount() const { return int(maps_.size()); }
    GradientHeatmap* heatmap(int index) const { return maps_[size_t(index)]; }
    // Maps that show norms.
    int filledCount() const;
    // The log colour range all maps share ({1, 10} before any norm arrives).
    QCPRange sharedRange() const;
    // The one colour bar, beside the maps.
    QCPColorScale* colorScale() const { return scale_; }

private:
    void applySharedRange();
    QCustomPlot* makeScalePlot();

    QGridLayout* grid_ = nullptr;
    QLabel* hint_ = nullptr;
    QCustomPlot* scalePlot_ = nullptr;
    QCPColorScale* scale_ = nullptr;
    std::vector<GradientHeatmap*> maps_;
    std::vector<QLabel*> titles_;
    std::vector<GradientHistory> histories_;
};

}  // namespace strata
