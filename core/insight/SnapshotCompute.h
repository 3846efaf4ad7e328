#pragma once
// One feature snapshot of a live model: the common core of `strata features`, the studio's
// snapshot of an opened run and the trainer's epoch-end snapshots. Internal to core/insight.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "compile/GraphModule.h"
#include "insight/FeatureSnapshot.h"
#include "insight/SampleSet.h"

namespace strata {

struct SnapshotRequest {
    std::vector<std::string> classes;
    const SampleSet* sample = nullptr;  // patches, probes, projection, confusion
    torch::Tensor probe;                // [1, C, H, W] normalized: activations and saliency
    torch::Tensor probePixels;          // [C, H, W] uint8: the same image as shown
    std::string pinnedLayer;            // "" or a pinnable layer (std::invalid_argument otherwise)
    int topChannels = 8;
    int patchesPerChannel = 6;
    bool probeLayers = true;
    uint64_t seed = 0;                  // the probes' train/held-out split
};

// Everything but the gradient history (the caller's: it comes from training). Runs in eval
// mode without gradients (saliency aside), restoring the model's mode; does not change the
// model's parameters, buffers or the global random state.
FeatureSnapshot computeSnapshotOn(GraphModuleImpl& model, const SnapshotRequest& request, int epoch);

// Linear-probe accuracy of every hierarchy layer on `sample`'s pooled features.
std::vector<ProbePoint> probeAllLayers(GraphModuleImpl& model, const SampleSet& sample, int classes, uint64_t seed = 0);

}  // namespace strata
