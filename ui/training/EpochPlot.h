#pragma once
// Per-epoch curves: train and validation loss on the left axis, train and validation accuracy
// on the right axis (0..1), with a legend. The current run is drawn solid; other runs can be
// overlaid (the runs panel compares several), dashed in distinct colours.
#include <QString>
#include <vector>

#include "runs/MetricsJson.h"
#include "widgets/ThrottledPlot.h"

namespace strata {

class EpochPlot : public ThrottledPlot {
    Q_OBJECT
public:
    explicit EpochPlot(QWidget* parent = nullptr);

    // Appends one epoch of the current run (validation points only when record.hasVal).
    void addEpoch(const EpochRecord& record);
    // Replaces the current run's curves (a reopened or resumed run).
    void setEpochs(const std::vector<EpochRecord>& records);
    // Adds another run's loss and accuracy (validation when it has any, else training),
    // dashed, in the next overlay colour, named `label` in the legend.
    void addOverlay(const QString& label, const std::vector<EpochRecord>& records);
    void clearOverlays();
    // Clears the current run (overlays stay).
    void clear();
    // Epochs of the current run shown (train points).
    int pointCount() const;
    int overlayCount() const { return int(overlays_.size()); }

protected:
    void refit() override;

private:
    void updateLegend();
    QCPGraph* makeGraph(const QString& name, const QColor& color, Qt::PenStyle style, bool accuracy,
                        QCPScatterStyle::ScatterShape shape);

    QCPGraph* trainLoss_ = nullptr;
    QCPGraph* valLoss_ = nullptr;
    QCPGraph* trainAcc_ = nullptr;
    QCPGraph* valAcc_ = nullptr;
    std::vector<QCPGraph*> overlays_;  // loss and accuracy graph of each overlaid run
};

}  // namespace strata
