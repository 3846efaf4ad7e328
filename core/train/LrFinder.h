#pragma once
// The learning-rate finder (`strata lr-find`, the studio's "Find learning rate…"): a short
// training with the learning rate ramped exponentially, after Smith (2015) and fastai. Its
// weights are thrown away: no run file is written. The rule that picks the suggestion is a
// pure function of the curve, so it is tested on synthetic curves. Torch-free header.
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "design/Design.h"
#include "train/TrainConfig.h"

namespace strata {

struct LrRamp {
    double start = 1e-7, end = 10;
    int steps = 100;
    double divergeFactor = 4;  // stop once the smoothed loss exceeds this multiple of its minimum
    double smoothing = 0.9;    // exponential moving average, bias-corrected
};

struct LrCurve {
    std::vector<double> lrs, losses, smoothed;  // one per step taken
    bool diverged = false;                      // stopped early by divergeFactor (or a non-finite loss)
    double suggestion = 0;                      // suggestLearningRate(lrs, losses); 0 for too short a curve
};

// start * (end/start)^(i/(steps-1)), i = 0..steps-1.
std::vector<double> rampLearningRates(const LrRamp& ramp);
// The bias-corrected exponential moving average of the losses.
std::vector<double> smoothLosses(const std::vector<double>& losses, double smoothing);
// True once smoothed (so far) exceeds factor times its minimum so far.
bool lossDiverged(const std::vector<double>& smoothed, double factor);
// The rule: the learning rate where the smoothed loss (LrRamp's smoothing) falls fastest
// against log(lr), before its minimum (a tenth of the minimum's learning rate when it never
// falls). The minimum itself is no good: the network learns during the ramp, so the loss
// keeps falling until it blows up, about 10x past a good rate. 0 for fewer than 3 points.
double suggestLearningRate(const std::vector<double>& lrs, const std::vector<double>& losses);

struct LrFindEvents {
    std::function<void(const std::string&)> log;
    std::function<void(int64_t, int64_t)> loading;
    std::function<void(int step, double lr, double loss)> step;
};

// Loads `config`'s training data and ramps the learning rate over fresh seeded weights with
// its optimizer, batch size, augmentation and class weights. Throws as training does for bad
// settings, designs or data. `stop` (optional) ends the ramp early.
LrCurve findLearningRate(const Design& design, TrainConfig config, const LrRamp& ramp, const LrFindEvents& events,
                         const std::atomic<bool>* stop = nullptr);

}  // namespace strata
