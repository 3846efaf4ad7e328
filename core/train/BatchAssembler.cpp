#include "train/BatchAssembler.h"

#include <algorithm>
#include <stdexcept>

namespace strata {

BatchAssembler::BatchAssembler(const BatchSource& source)
    : pixels_(source.pixels().contiguous()), labels_(source.labels().contiguous()) {
    channels_ = pixels_.size(1);
    height_ = pixels_.size(2);
    width_ = pixels_.size(3);
    // The table comes from the source's own normalization of constant images, so every value
    // is exactly what the torch expression computes (elementwise ops give the same result for
    // an element wherever it sits in the tensor).
    const int64_t plane = height_ * width_;
    lut_.resize(size_t(channels_) * 256);
    std::vector<uint8_t> image(size_t(channels_ * plane));
    for (int v = 0; v < 256; ++v) {
        std::fill(image.begin(), image.end(), uint8_t(v));
        const torch::Tensor t = source.single(image).contiguous();
        const float* p = t.data_ptr<float>();
        for (int64_t c = 0; c < channels_; ++c) lut_[size_t(c * 256 + v)] = p[c * plane];
    }
}

Batch BatchAssembler::make(const std::vector<int64_t>& indices, Augment augment, std::mt19937_64* rng) const {
    const int64_t n = int64_t(indices.size());
    const int64_t plane = height_ * width_, per = channels_ * plane, count = pixels_.size(0);
    Batch batch;
    // Channels-last (NHWC in memory), as the training's convolutions take it: see
    // GraphModuleImpl::useChannelsLast. The tensor's logical shape stays [N, C, H, W].
    batch.images = torch::empty({n, channels_, height_, width_},
                                torch::TensorOptions(torch::kFloat32).memory_format(at::MemoryFormat::ChannelsLast));
    batch.labels = torch::empty({n}, torch::kInt64);
    const uint8_t* src = pixels_.data_ptr<uint8_t>();
    const int64_t* labels = labels_.data_ptr<int64_t>();
    float* dst = batch.images.data_ptr<float>();
    int64_t* outLabels = batch.labels.data_ptr<int64_t>();

    const bool augmenting = augment != Augment::None && rng != nullptr;
    const bool flip = augmenting && (augment == Augment::Flip || augment == Augment::FlipCrop);
    const bool crop = augmenting && (augment == Augment::Crop || augment == Augment::FlipCrop);
    // As BatchSource::images: zero padding (in normalized units) of 1/8 of the side, offsets
    // by plain modulo draws, the crop offsets first, then the flip.
    const int64_t pad = crop ? std::max<int64_t>(1, std::min(height_, width_) / 8) : 0;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t index = indices[size_t(i)];
        if (index < 0 || index >= count) throw std::out_of_range("batch index " + std::to_string(index) + " out of range");
        outLabels[i] = labels[index];
        const uint8_t* image = src + index * per;
        float* out = dst + i * per;
        if (!augmenting) {
            for (int64_t k = 0; k < plane; ++k)
                for (int64_t c = 0; c < channels_; ++c) out[k * channels_ + c] = lut_[size_t(c * 256 + image[c * plane + k])];
            continue;
        }
        int64_t dy = 0, dx = 0;
        if (crop) {
            dy = int64_t((*rng)() % uint64_t(2 * pad + 1));
            dx = int64_t((*rng)() % uint64_t(2 * pad + 1));
        }
        const bool flipThis = flip && ((*rng)() & 1);
        for (int64_t y = 0; y < height_; ++y) {
            const int64_t sy = y + dy - pad;
            for (int64_t x = 0; x < width_; ++x) {
                const int64_t sx = (flipThis ? width_ - 1 - x : x) + dx - pad;
                const bool inside = sy >= 0 && sy < height_ && sx >= 0 && sx < width_;
                float* pixel = out + (y * width_ + x) * channels_;
                for (int64_t c = 0; c < channels_; ++c)
                    pixel[c] = inside ? lut_[size_t(c * 256 + image[c * plane + sy * width_ + sx])] : 0.0f;
            }
        }
    }
    return batch;
}

}  // namespace strata
