#pragma once
// The variants' curves overlaid: loss (left) and accuracy (right) per epoch, one colour per
// variant (the queue's and the results table's), training solid and validation dashed. The
// legend names each variant once; the axis titles say which line is which.
#include <QStringList>
#include <QWidget>

#include <vector>

#include "experiments/ExperimentView.h"

class QCPGraph;

namespace strata {

class ThrottledPlot;

class ExperimentCurves : public QWidget {
    Q_OBJECT
public:
    explicit ExperimentCurves(QWidget* parent = nullptr);

    // One train and one validation graph per variant in each plot, filled from the views.
    void setVariants(const std::vector<VariantView>& variants);
    // Appends an epoch of variant `index` (live).
    void addEpoch(int index, const EpochRecord& record);
    // Replaces variant `index`'s curves (its run file read at its end).
    void setEpochs(int index, const std::vector<EpochRecord>& records);
    // Replots now (tests, screenshots).
    void flush();

    ThrottledPlot* lossPlot() const { return loss_; }
    ThrottledPlot* accuracyPlot() const { return accuracy_; }

private:
    struct Lines {
        QCPGraph* trainLoss = nullptr;
        QCPGraph* valLoss = nullptr;
        QCPGraph* trainAcc = nullptr;
        QCPGraph* valAcc = nullptr;
    };
    ThrottledPlot* makePlot(const QString& yLabel, bool accuracy);
    Lines makeLines(const QString& name, const QColor& color);

    ThrottledPlot* loss_ = nullptr;
    ThrottledPlot* accuracy_ = nullptr;
    std::vector<Lines> lines_;
};

}  // namespace strata
