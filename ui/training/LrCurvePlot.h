#pragma once
// The learning-rate finder's curve: loss per step (raw, faint) and its smoothing (the finder's
// bias-corrected moving average, strong) against the learning rate on a log axis, with the
// suggestion marked by a vertical line and its value. The loss axis stops short of the final
// blow-up (it would squash the part that matters) and of the first steps' noise.
#include <QString>

#include <vector>

#include "widgets/ThrottledPlot.h"

namespace strata {

// A learning rate as the finder shows and sets it, to two significant digits: "7.6e-4",
// "1e-7", 0.012 as "1.2e-2", "0.3".
QString learningRateText(double lr);

class LrCurvePlot : public ThrottledPlot {
    Q_OBJECT
public:
    explicit LrCurvePlot(QWidget* parent = nullptr);

    // The curve so far: one learning rate, loss and smoothed loss per step.
    void setCurve(const std::vector<double>& lrs, const std::vector<double>& losses,
                  const std::vector<double>& smoothed);
    // Marks `lr` (0: no mark).
    void setSuggestion(double lr);
    int pointCount() const;
    double suggestion() const { return suggestion_; }

protected:
    void refit() override;

private:
    QCPGraph* raw_ = nullptr;
    QCPGraph* smooth_ = nullptr;
    QCPItemStraightLine* mark_ = nullptr;
    QCPItemText* markText_ = nullptr;
    std::vector<double> lrs_, losses_, smoothed_;
    double suggestion_ = 0;
};

}  // namespace strata
