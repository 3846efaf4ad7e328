#pragma once
// What a run file's /checkpoint must hold for a design (docs/ARCHITECTURE.md §8): every
// parameter and buffer of the compiled network, named and shaped as torch names and shapes
// them. The run reader checks a checkpoint against it without building the network.
#include "design/DesignAnalysis.h"

namespace strata {

struct ExpectedArray {
    std::string name;      // module path: "<node id>.<tensor>" ("c1.weight")
    Shape shape;           // {} for a scalar
    bool integer = false;  // int64 (a counter), else float32
};

// In node order, each node's tensors in torch's order. Requires analysis.valid().
std::vector<ExpectedArray> checkpointLayout(const DesignAnalysis& analysis);

}  // namespace strata
