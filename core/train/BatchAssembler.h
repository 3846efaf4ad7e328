#pragma once
// Builds training batches from a BatchSource's uint8 pixels in plain C++: gather, normalize
// through a per-channel lookup table, augment. The result equals BatchSource::images() and
// labelsOf() bit for bit (the table holds torch's own normalization of each of the 256 byte
// values, and augmentation draws from the generator in the same order), but it calls no
// parallel torch op, so it can run on the prefetch thread without starting a second OpenMP
// team that would fight the training step for the cores.
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "train/Batches.h"

namespace strata {

struct Batch {
    torch::Tensor images;  // float [n, C, H, W], normalized
    torch::Tensor labels;  // int64 [n]
};

class BatchAssembler {
public:
    // Keeps (shares) the source's pixel and label tensors, or its cache file when it streams
    // (then each make() reads just its batch's images); the source may die first.
    explicit BatchAssembler(const BatchSource& source);

    // As source.images(indices, augment, rng) and source.labelsOf(indices). Thread-safe for
    // distinct generators.
    Batch make(const std::vector<int64_t>& indices, const Augment& augment = Augment(),
               std::mt19937_64* rng = nullptr) const;

private:
    torch::Tensor pixels_;    // uint8 [N, C, H, W], contiguous; undefined when streamed
    std::shared_ptr<const CachedPixels> streamed_;
    torch::Tensor labels_;    // int64 [N], contiguous
    int64_t channels_ = 1, height_ = 1, width_ = 1;
    std::vector<float> lut_;  // [C][256]: normalized value of each byte value
};

}  // namespace strata
