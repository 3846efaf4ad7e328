#pragma once
// Turns decoded uint8 images into normalized float batches: the tensor half of the
// preprocessing contract (scale to [0, 1], normalize per channel), plus augmentation.
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "data/Augmentation.h"
#include "data/CachedPixels.h"
#include "data/ImageFolder.h"

namespace strata {


class BatchSource {
public:
    // Keeps a uint8 [N, C, H, W] view of `images` (copied: `images` may die first).
    BatchSource(const DecodedImages& images, std::vector<double> mean, std::vector<double> std);
    // The same, taking over images.pixels (left empty) instead of copying them, so a large
    // data set is never held twice.
    static BatchSource takingPixels(DecodedImages& images, std::vector<double> mean, std::vector<double> std);
    // The images of `images` (labels only, no pixels) read from `pixels` a batch at a time
    // (a folder larger than the data memory, data/BoundedFolder.h). Every batch equals the
    // in-memory source's bit for bit.
    static BatchSource streaming(const DecodedImages& images, std::shared_ptr<const CachedPixels> pixels,
                                 std::vector<double> mean, std::vector<double> std);

    int64_t size() const { return labels_.size(0); }
    const torch::Tensor& labels() const { return labels_; }
    const torch::Tensor& pixels() const { return pixels_; }  // uint8 [N, C, H, W]; undefined when streamed
    const std::shared_ptr<const CachedPixels>& streamed() const { return streamed_; }  // null in memory
    const ImageSpec& spec() const { return spec_; }
    // The uint8 [n, C, H, W] images of `indices`, from memory or from the cache file.
    torch::Tensor gather(const std::vector<int64_t>& indices) const;

    // Normalized float batch of the given sample indices; augmentation draws from `rng`
    // so a seeded epoch is reproducible. Flip and crop are torch ops here (the reference
    // BatchAssembler is checked against); the other augmentations go through BatchAssembler.
    torch::Tensor images(const std::vector<int64_t>& indices, const Augment& augment = Augment(),
                         std::mt19937_64* rng = nullptr) const;
    torch::Tensor labelsOf(const std::vector<int64_t>& indices) const;

    // Normalizes a single decoded image (C*H*W uint8) into a [1, C, H, W] batch.
    torch::Tensor single(const std::vector<uint8_t>& pixels) const;

private:
    BatchSource(const ImageSpec& spec, torch::Tensor pixels, const std::vector<int64_t>& labels,
                const std::vector<double>& mean, const std::vector<double>& std);
    torch::Tensor normalize(torch::Tensor uint8Batch) const;

    torch::Tensor pixels_;  // uint8 [N, C, H, W]; undefined when streamed
    std::shared_ptr<const CachedPixels> streamed_;
    torch::Tensor labels_;  // int64 [N]
    torch::Tensor mean_, std_;  // float [1, C, 1, 1]
    ImageSpec spec_;
};

// Seeded permutation of [0, n): the order of one epoch.
std::vector<int64_t> shuffledIndices(int64_t n, uint64_t seed);

}  // namespace strata
