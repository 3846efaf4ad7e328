#include "data/AugmentPreview.h"

#include <stdexcept>

namespace strata {

std::vector<std::vector<uint8_t>> augmentPreview(const std::vector<uint8_t>& image, const ImageSpec& spec,
                                                 const Augment& augment, uint64_t seed, int count,
                                                 const std::vector<uint8_t>& fill) {
    const int64_t plane = int64_t(spec.height) * spec.width, per = spec.channels * plane;
    if (int64_t(image.size()) != per) throw std::invalid_argument("augmentation preview: the image size does not match");
    std::mt19937_64 rng(seed);
    std::vector<int32_t> source;
    std::vector<std::vector<uint8_t>> out;
    for (int n = 0; n < count; ++n) {
        const AugmentDraw d = drawAugment(augment, spec.height, spec.width, rng);
        sourcePixels(d, spec.height, spec.width, source);
        const auto table = jitterTable(d, image.data(), per);
        std::vector<uint8_t> result(static_cast<size_t>(per));
        for (int64_t c = 0; c < spec.channels; ++c) {
            const uint8_t background = c < int64_t(fill.size()) ? fill[size_t(c)] : 0;
            for (int64_t k = 0; k < plane; ++k) {
                const int32_t s = source[size_t(k)];
                result[size_t(c * plane + k)] = s < 0 ? background : table[image[size_t(c * plane + s)]];
            }
        }
        out.push_back(std::move(result));
    }
    return out;
}

}  // namespace strata
