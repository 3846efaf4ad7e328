#pragma once
// The experiment spec file (`strata experiment run SPEC.json`; docs/ARCHITECTURE.md §9): one
// JSON file that says which experiment to run, so it can be kept with a project, rerun, or
// listed as plain `strata train` commands for a scheduler. Torch-free.
#include <string>

#include "experiment/ExperimentRunner.h"

namespace strata {

inline constexpr const char* kExperimentSpecFormat = "strata.experiment-spec/1";

struct ExperimentSpec {
    ExperimentPlan plan;
    std::string out;     // the folder the spec names ("" when it names none)
    std::string design;  // the design file the variants come from ("" for stabilizers)
};

// Reads SPEC.json. Paths in it are relative to its folder. Throws ExperimentError naming the
// file and the field ("SPEC.json: training.epoch: unknown setting") for anything unknown,
// missing or of the wrong type; DesignError / DataError from the designs and folders it names.
ExperimentSpec readExperimentSpec(const std::string& path);

}  // namespace strata
