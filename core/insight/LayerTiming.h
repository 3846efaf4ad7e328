#pragma once
// Per-layer forward and backward time of a compiled network on its real activations, and the
// time of a whole training step: what the studio's "Measure speed" (NodeTiming.h) and the
// layer profile of tests/bench/bench_layers both measure. Internal to core (torch).
#include <torch/torch.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "compile/GraphModule.h"

namespace strata {

// The median wall time of `repetitions` calls of f, in milliseconds.
double medianMs(int repetitions, const std::function<void()>& f);

// A layer with one input and a module of its own: what it runs on in a training step.
struct TimedLayer {
    size_t index = 0;          // into GraphModuleImpl::layers()
    std::string from;          // the node whose output it receives (a deferred ReLU: its pool)
    bool networkInput = false; // it reads the Input: its input needs no gradient
};
std::vector<TimedLayer> timedLayers(GraphModuleImpl& model);

// Every node's output on `images` (no gradients), under bf16 autocast when asked.
std::map<std::string, torch::Tensor> layerActivations(GraphModuleImpl& model, const torch::Tensor& images, bool bf16);

struct LayerTimes {
    double forwardMs = 0, backwardMs = 0;  // medians per batch
    bool backwardTimed = true;             // false when the output needed no gradient
};
LayerTimes timeLayer(GraphModuleImpl& model, const TimedLayer& layer, const torch::Tensor& activation, bool bf16,
                     int repetitions);

// One training step as the trainer runs it: forward (bf16 autocast when asked), cross-entropy,
// backward and the optimizer's step.
void trainStep(GraphModuleImpl& model, torch::optim::Optimizer& optimizer, const torch::Tensor& images,
               const torch::Tensor& labels, bool bf16);
// The median of `steps` training steps with Adam after three to warm up, in milliseconds.
double trainStepMs(GraphModuleImpl& model, const torch::Tensor& images, const torch::Tensor& labels, bool bf16,
                   int steps);

}  // namespace strata
