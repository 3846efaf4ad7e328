#pragma once
// A trained run's network, ready to evaluate: the run read through the one reader
// (runs/RunReader.h), its design compiled, its checkpoint loaded, in evaluation mode. What
// predict, eval (TrainedModel) and the feature computations (insight) all start from.
// Internal to core (torch).
#include <string>

#include "compile/GraphModule.h"
#include "data/ImageFolder.h"
#include "runs/RunReader.h"

namespace strata {

struct RunNetwork {
    ValidRun valid;  // design, classes, mean, std, checkpoint: checked
    ImageSpec spec;  // the Input's preprocessing
    GraphModule model{nullptr};
};

// Throws RunFileError naming the file and the part at fault (`verify` false: --no-verify).
RunNetwork loadRunNetwork(const std::string& runPath, bool verify);

}  // namespace strata
