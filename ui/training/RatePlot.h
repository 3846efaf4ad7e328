#pragma once
// Learning rate (left axis) and throughput in images per second (right axis) against the
// optimizer step. Throttled replots (ThrottledPlot).
#include <cstdint>

#include "train/Trainer.h"
#include "widgets/ThrottledPlot.h"

namespace strata {

class RatePlot : public ThrottledPlot {
    Q_OBJECT
public:
    explicit RatePlot(QWidget* parent = nullptr);

    // Adds the batch's learning rate and images per second at its step.
    void addBatch(const BatchEvent& event);
    void clear();
    int pointCount() const;

protected:
    void refit() override;

private:
    QCPGraph* lr_ = nullptr;
    QCPGraph* speed_ = nullptr;
    double xMin_ = 0, xMax_ = 0, lrMax_ = 0, speedMax_ = 0;
};

}  // namespace strata
