#include <algorithm>
#include <cmath>

#include "train/LrFinder.h"

namespace strata {

std::vector<double> rampLearningRates(const LrRamp& ramp) {
    std::vector<double> lrs;
    const int n = std::max(2, ramp.steps);
    for (int i = 0; i < n; ++i) lrs.push_back(ramp.start * std::pow(ramp.end / ramp.start, double(i) / double(n - 1)));
    return lrs;
}

std::vector<double> smoothLosses(const std::vector<double>& losses, double smoothing) {
    std::vector<double> out;
    double average = 0, weight = 1;
    for (double loss : losses) {
        average = smoothing * average + (1 - smoothing) * loss;
        weight *= smoothing;
        out.push_back(average / (1 - weight));
    }
    return out;
}

bool lossDiverged(const std::vector<double>& smoothed, double factor) {
    if (smoothed.empty()) return false;
    const double lowest = *std::min_element(smoothed.begin(), smoothed.end());
    return !std::isfinite(smoothed.back()) || smoothed.back() > factor * lowest;
}

double suggestLearningRate(const std::vector<double>& lrs, const std::vector<double>& losses) {
    const size_t n = std::min(lrs.size(), losses.size());
    if (n < 3) return 0;
    const std::vector<double> smoothed = smoothLosses({losses.begin(), losses.begin() + long(n)}, LrRamp().smoothing);
    size_t lowest = 0;
    for (size_t i = 1; i < n; ++i)
        if (std::isfinite(smoothed[i]) && smoothed[i] < smoothed[lowest]) lowest = i;
    // Central differences in log(lr), up to the minimum (beyond it the loss only rises).
    size_t steepest = 0;
    double steepestSlope = 0;
    for (size_t i = 1; i + 1 < n && i < lowest; ++i) {
        const double slope = (smoothed[i + 1] - smoothed[i - 1]) / std::log(lrs[i + 1] / lrs[i - 1]);
        if (std::isfinite(slope) && slope < steepestSlope) {
            steepest = i;
            steepestSlope = slope;
        }
    }
    return steepest > 0 ? lrs[steepest] : lrs[lowest] / 10;
}

}  // namespace strata
