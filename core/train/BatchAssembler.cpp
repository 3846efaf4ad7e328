#include "train/BatchAssembler.h"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace strata {

BatchAssembler::BatchAssembler(const BatchSource& source)
    : streamed_(source.streamed()), labels_(source.labels().contiguous()) {
    if (!streamed_) pixels_ = source.pixels().contiguous();
    channels_ = source.spec().channels;
    height_ = source.spec().height;
    width_ = source.spec().width;
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

Batch BatchAssembler::make(const std::vector<int64_t>& indices, const Augment& augment, std::mt19937_64* rng) const {
    const int64_t n = int64_t(indices.size());
    const int64_t plane = height_ * width_, per = channels_ * plane, count = labels_.size(0);
    Batch batch;
    // Channels-last (NHWC in memory), as the training's convolutions take it: see
    // GraphModuleImpl::useChannelsLast. The tensor's logical shape stays [N, C, H, W].
    batch.images = torch::empty({n, channels_, height_, width_},
                                torch::TensorOptions(torch::kFloat32).memory_format(at::MemoryFormat::ChannelsLast));
    batch.labels = torch::empty({n}, torch::kInt64);
    // Streamed: this batch's images, read in one go, stand in for the whole set (image i at i).
    std::vector<uint8_t> read;
    if (streamed_) {
        for (int64_t index : indices)
            if (index < 0 || index >= count) throw std::out_of_range("batch index " + std::to_string(index) + " out of range");
        read.resize(size_t(n * per));
        streamed_->read(indices, read.data());
    }
    const uint8_t* src = streamed_ ? read.data() : pixels_.data_ptr<uint8_t>();
    const int64_t* labels = labels_.data_ptr<int64_t>();
    float* dst = batch.images.data_ptr<float>();
    int64_t* outLabels = batch.labels.data_ptr<int64_t>();

    const bool augmenting = augment.any() && rng != nullptr;
    std::vector<int32_t> source;  // reused: one allocation per batch
    for (int64_t i = 0; i < n; ++i) {
        const int64_t index = indices[size_t(i)];
        if (index < 0 || index >= count) throw std::out_of_range("batch index " + std::to_string(index) + " out of range");
        outLabels[i] = labels[index];
        const uint8_t* image = src + (streamed_ ? i : index) * per;
        float* out = dst + i * per;
        if (!augmenting) {
            for (int64_t k = 0; k < plane; ++k)
                for (int64_t c = 0; c < channels_; ++c) out[k * channels_ + c] = lut_[size_t(c * 256 + image[c * plane + k])];
            continue;
        }
        // Filled pixels (padding, rotated-in corners, erased) are 0 in normalized units: the
        // data set's mean, as torchvision's RandomErasing(value=0) after Normalize.
        const AugmentDraw draw = drawAugment(augment, int(height_), int(width_), *rng);
        sourcePixels(draw, int(height_), int(width_), source);
        const std::array<uint8_t, 256> table = jitterTable(draw, image, per);
        for (int64_t k = 0; k < plane; ++k) {
            const int32_t s = source[size_t(k)];
            float* pixel = out + k * channels_;
            for (int64_t c = 0; c < channels_; ++c)
                pixel[c] = s < 0 ? 0.0f : lut_[size_t(c * 256 + table[image[c * plane + s]])];
        }
    }
    return batch;
}

}  // namespace strata
