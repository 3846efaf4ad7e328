#pragma once
// Max-activating patches: for each shown channel of a layer, the sample images whose
// receptive-field crop excites it most (one crop per image, at its strongest position).
// Fed batch by batch so the sample's feature maps are never all held at once. Internal to
// core/insight (torch).
#include <torch/torch.h>

#include <vector>

#include "insight/FeatureSnapshot.h"
#include "insight/ReceptiveField.h"
#include "insight/SampleSet.h"

namespace strata {

class PatchCollector {
public:
    // `shown`: the layer and channels to collect for (e.g. its activations for the probe image).
    // `firstPatch` >= 0: a token layer whose channels are its width, as layerActivations numbers
    // them with a TokenGrid (an image counts with its strongest patch token); -1: flat units.
    PatchCollector(const LayerActivations& shown, const ReceptiveField& field, int perChannel, int firstPatch = -1);

    // The layer's output for samples [first, first + B): [B, C, H, W], [B, T, D] or [B, F].
    void add(const torch::Tensor& output, int64_t first);
    // The crops, best first, cut from `sample`'s pixels.
    LayerPatches finish(const SampleSet& sample) const;

private:
    struct Hit {
        float value;
        int64_t sample;
        int row, col;
    };
    LayerPatches meta_;
    ReceptiveField field_;
    int perChannel_;
    int firstPatch_;
    std::vector<std::vector<Hit>> best_;  // per channel, strongest first
};

}  // namespace strata
