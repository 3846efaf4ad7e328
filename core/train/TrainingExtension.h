#pragma once
// What a caller adds to a training without the trainer knowing it: an extension sees the run
// once it is set up and returns observers for its loop (feature snapshots are one, in
// core/insight). The trainer runs them after its own observers, in the order added.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "data/InputSpec.h"
#include "runs/RunFile.h"
#include "train/TrainConfig.h"
#include "train/TrainingData.h"
#include "train/TrainingObserver.h"

namespace strata {

struct TrainingSetup {
    const TrainConfig& config;
    const TrainingData& data;
    const ImageSpec& spec;
    const RunData* resumed;  // the recorded run when resuming, else nullptr
    std::function<void(const std::string&)> log;
};

class TrainingExtension {
public:
    virtual ~TrainingExtension() = default;
    virtual std::vector<std::unique_ptr<TrainingObserver>> observers(const TrainingSetup& setup) = 0;
};

}  // namespace strata
