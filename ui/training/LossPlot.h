#pragma once
// Loss per batch against the optimizer step: the raw values as a faint line and an
// exponential moving average (bias-corrected, so the first points are not pulled to zero)
// as a strong one. Replots are throttled (ThrottledPlot).
#include <cstdint>

#include "widgets/ThrottledPlot.h"

namespace strata {

class LossPlot : public ThrottledPlot {
    Q_OBJECT
public:
    static constexpr double kSmoothing = 0.05;  // EMA weight of the newest batch

    explicit LossPlot(QWidget* parent = nullptr);

    // One batch's loss at optimizer step `step`; non-finite losses are ignored.
    void addBatch(int64_t step, double loss);
    // Forgets every point (a new training).
    void clear();
    // Raw points shown.
    int pointCount() const;
    // The latest smoothed loss (0 before the first point).
    double smoothedLoss() const { return smoothed_; }

protected:
    void refit() override;

private:
    QCPGraph* raw_ = nullptr;
    QCPGraph* smooth_ = nullptr;
    double ema_ = 0, decay_ = 1, smoothed_ = 0;  // decay_ = (1 - alpha)^n for the bias correction
    double xMin_ = 0, xMax_ = 0, yMin_ = 0, yMax_ = 0;
};

}  // namespace strata
