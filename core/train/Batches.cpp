#include "train/Batches.h"

#include "train/BatchAssembler.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace strata {

static torch::Tensor perChannel(const std::vector<double>& v) {
    std::vector<float> f(v.begin(), v.end());
    return torch::tensor(f, torch::kFloat32).view({1, -1, 1, 1});
}

BatchSource::BatchSource(const ImageSpec& spec, torch::Tensor pixels, const std::vector<int64_t>& labels,
                         const std::vector<double>& mean, const std::vector<double>& std)
    : spec_(spec), pixels_(std::move(pixels)) {
    labels_ = torch::tensor(labels, torch::kInt64);
    mean_ = perChannel(mean);
    std_ = perChannel(std);
}

BatchSource::BatchSource(const DecodedImages& images, std::vector<double> mean, std::vector<double> std)
    : BatchSource(images.spec,
                  torch::from_blob(const_cast<uint8_t*>(images.pixels.data()),
                                   {images.count(), images.spec.channels, images.spec.height, images.spec.width},
                                   torch::kUInt8)
                      .clone(),
                  images.labels, mean, std) {}

BatchSource BatchSource::takingPixels(DecodedImages& images, std::vector<double> mean, std::vector<double> std) {
    const ImageSpec& s = images.spec;
    auto* owned = new std::vector<uint8_t>(std::move(images.pixels));
    images.pixels.clear();
    torch::Tensor pixels = torch::from_blob(owned->data(), {images.count(), s.channels, s.height, s.width},
                                            [owned](void*) { delete owned; }, torch::kUInt8);
    return BatchSource(s, std::move(pixels), images.labels, mean, std);
}

BatchSource BatchSource::streaming(const DecodedImages& images, std::shared_ptr<const CachedPixels> pixels,
                                   std::vector<double> mean, std::vector<double> std) {
    if (!pixels || pixels->count() != images.count())
        throw std::invalid_argument("streamed pixels do not match the folder's " + std::to_string(images.count()) + " images");
    BatchSource source(images.spec, torch::Tensor(), images.labels, mean, std);
    source.streamed_ = std::move(pixels);
    return source;
}

torch::Tensor BatchSource::gather(const std::vector<int64_t>& indices) const {
    if (!streamed_) return pixels_.index_select(0, torch::tensor(indices, torch::kInt64));
    torch::Tensor batch = torch::empty({int64_t(indices.size()), spec_.channels, spec_.height, spec_.width}, torch::kUInt8);
    streamed_->read(indices, batch.data_ptr<uint8_t>());
    return batch;
}

torch::Tensor BatchSource::normalize(torch::Tensor uint8Batch) const {
    return uint8Batch.to(torch::kFloat32).div_(255.0f).sub_(mean_).div_(std_);
}

torch::Tensor BatchSource::labelsOf(const std::vector<int64_t>& indices) const {
    return labels_.index_select(0, torch::tensor(indices, torch::kInt64));
}

torch::Tensor BatchSource::images(const std::vector<int64_t>& indices, const Augment& augment,
                                  std::mt19937_64* rng) const {
    if (rng != nullptr && (augment.rotate || augment.jitter || augment.erase))
        return BatchAssembler(*this).make(indices, augment, rng).images.contiguous();
    torch::Tensor batch = gather(indices);
    if (!augment.any() || rng == nullptr) return normalize(batch);

    const bool flip = augment.flip, crop = augment.crop;
    // Random crop after zero padding by 1/8 of the side, as in the usual CIFAR recipe;
    // the padding is applied to normalized values so the border is the dataset mean.
    const int64_t pad = std::max<int64_t>(1, std::min(spec_.height, spec_.width) / 8);
    torch::Tensor x = normalize(batch);
    torch::Tensor padded = crop ? torch::constant_pad_nd(x, {pad, pad, pad, pad}, 0.0) : torch::Tensor();
    // Plain modulo draws, not std distributions: their output is implementation-defined.
    auto offset = [&] { return int64_t((*rng)() % uint64_t(2 * pad + 1)); };
    for (int64_t i = 0; i < x.size(0); ++i) {
        torch::Tensor sample = x[i];
        if (crop) {
            const int64_t dy = offset(), dx = offset();
            sample = padded[i].narrow(1, dy, spec_.height).narrow(2, dx, spec_.width);
        }
        if (flip && ((*rng)() & 1)) sample = sample.flip({2});
        if (crop || flip) x[i].copy_(sample);
    }
    return x;
}

torch::Tensor BatchSource::single(const std::vector<uint8_t>& pixels) const {
    torch::Tensor t = torch::from_blob(const_cast<uint8_t*>(pixels.data()),
                                       {1, spec_.channels, spec_.height, spec_.width}, torch::kUInt8);
    return normalize(t.clone());
}

std::vector<int64_t> shuffledIndices(int64_t n, uint64_t seed) {
    std::vector<int64_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(seed);
    // Fisher-Yates by hand: std::shuffle's draw pattern is implementation-defined, and run
    // files must replay identically wherever Strata is built.
    for (int64_t i = n - 1; i > 0; --i) {
        const int64_t j = int64_t(rng() % uint64_t(i + 1));
        std::swap(order[i], order[j]);
    }
    return order;
}

}  // namespace strata
