#pragma once
// A training as the command line and the studio start it: the trainer (core/train) with the
// extensions its settings ask for — feature snapshots at each epoch end when
// `TrainConfig::features` is set (core/insight), and data-parallel training when
// `TrainConfig::worldSize` > 1 (core/dist). The trainer itself knows neither; this is the one
// place that wires them in (docs/ARCHITECTURE.md §3). Torch-free interface.
#include <functional>
#include <memory>
#include <string>

#include "design/Design.h"
#include "insight/FeatureSnapshot.h"
#include "train/TrainConfig.h"
#include "train/Trainer.h"

namespace strata {

struct TrainingJobEvents : TrainEvents {
    // A feature snapshot: once before the first step of a fresh run, then after each epoch
    // (config.features only).
    std::function<void(const FeatureSnapshot&)> features;
};

class TrainingJob {
public:
    TrainingJob(Design design, TrainConfig config);
    ~TrainingJob();
    void setEvents(TrainingJobEvents events);

    // As Trainer::run: blocks until training ends; throws for bad input found before training.
    TrainResult run();

    // Thread-safe (and async-signal-safe): take effect between batches.
    void pause();
    void resume();
    void stop();
    // Thread-safe: the layer the next feature snapshots show besides early/middle/deep ("" for
    // none); read at each epoch end. An id that names no layer is ignored (and logged).
    void setPinnedLayer(const std::string& layer);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace strata
