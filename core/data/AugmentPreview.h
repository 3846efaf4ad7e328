#pragma once
// Augmented copies of one image under given settings, for the studio's preview: the same
// draws and pixel mapping as training (data/Augmentation.h), on plain bytes. Torch-free.
#include <cstdint>
#include <vector>

#include "data/Augmentation.h"
#include "data/ImageFolder.h"

namespace strata {

// `count` augmented versions of `image` (C*H*W bytes of `spec`), each C*H*W bytes. Filled
// pixels get `fill` (one byte per channel; training fills with the data set's mean).
std::vector<std::vector<uint8_t>> augmentPreview(const std::vector<uint8_t>& image, const ImageSpec& spec,
                                                 const Augment& augment, uint64_t seed, int count,
                                                 const std::vector<uint8_t>& fill);

}  // namespace strata
