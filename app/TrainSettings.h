#pragma once
// What `strata train` and `strata experiment` share: the training-setting options and their
// TrainConfig, and the progress shown on stderr while a training runs.
#include <chrono>
#include <string>
#include <vector>

#include "Options.h"
#include "job/TrainingJob.h"

namespace strata::cli {

// --data, --val, --val-split, --test, --epochs, --batch-size, --optimizer, --lr, --momentum,
// --weight-decay, --schedule, --augment, --class-weights, --sampler, --seed, --threads, --precision, --init-from,
// --restat, --freeze, --freeze-through.
std::vector<OptionSpec> trainingSettingOptions();
// Those settings as given (not validated: the caller adds its own and validates).
TrainConfig trainingSettingsFrom(const Options& opts);

// One progress line on stderr: rewritten in place on a terminal, else one line every few
// seconds so logs stay readable.
class ProgressLine {
public:
    ProgressLine();
    void batch(const BatchEvent& e);
    void line(const std::string& text);
    // Shown before every batch line ("k2 3/5  "): which of several trainings this is.
    void setPrefix(std::string prefix) { prefix_ = std::move(prefix); }

private:
    bool tty_;
    std::string prefix_;
    std::chrono::steady_clock::time_point last_{};
};

// Progress lines on stderr: loading, batches (rewritten in place), one line per epoch.
TrainingJobEvents progressEvents(ProgressLine& progress);

}  // namespace strata::cli
