#pragma once
// Stability pre-flight, torch-free interface (docs/ARCHITECTURE.md §3): one forward and one
// backward pass of a design at its seeded initial weights, to tell before any training whether
// its gradients vanish or explode and whether its ReLUs are dead. `strata check --preflight`
// calls this.
#include <cstdint>
#include <string>
#include <vector>

#include "design/Design.h"

namespace strata {

// A finding is reported when the gradient norm of the weights nearest the input differs from
// that of the last weights before the head by this factor or more, either way. At
// initialization on Fashion-MNIST, the 20-block stabilizer stacks that train (BatchNorm,
// residual, both; README) measure 0.23-22; those that stay at chance measure 2.6e-8 (plain
// ReLU), 1.5e-13 (sigmoid with residual connections) and 0 (plain sigmoid: underflow).
constexpr double kPreflightGradientFactor = 100.0;
// ... and when this share or more of a ReLU's outputs are zero on the batch.
constexpr double kPreflightDeadReluShare = 0.9;
// Images in the batch at most (fewer when the folder has fewer).
constexpr int kPreflightBatch = 64;

struct PreflightInputs {
    // An image folder: the batch is its first images of each class in turn, normalized with the
    // folder's mean and std as training computes them, and the classes are its classes. "" = a
    // seeded standard-normal batch of the Input's size with `classes` classes.
    std::string dataDir;
    int classes = 10;
    uint64_t seed = 0;  // initial weights as `strata train --seed` draws them
};

// One node with a module (not Input, Output, Add or Concat). NaN where it does not apply.
struct PreflightNode {
    std::string id, type;
    double outputStd = 0;
    double deadShare = 0;           // zero outputs of a ReLU; NaN for other types
    double outputGradientNorm = 0;  // L2 norm of the loss's gradient at this node's output
    double weightGradientNorm = 0;  // L2 norm of the gradients of its parameters; NaN without any
};

struct PreflightFinding {
    std::string node;  // the node the badge goes on
    std::string text;  // `node "id": ...; <suggestion>`, one line
};

struct PreflightReport {
    std::vector<PreflightNode> nodes;  // execution order
    std::vector<PreflightFinding> findings;
    // The gradient norm of the weights nearest the input over that of the last weights before
    // the head (the last node with weights; NaN with fewer than three nodes with weights), the
    // two nodes, the batch size and the time taken.
    double gradientRatio = 0;
    std::string inputMost, headMost;
    int images = 0;
    double seconds = 0;
};

// Throws DesignError when the design is not valid and DataError naming the folder when its
// images cannot be read or do not fit the design.
PreflightReport preflight(const Design& design, const PreflightInputs& inputs);

}  // namespace strata
