#pragma once
// The training augmentations, torch-free: which are on (`--augment flip+crop+rotate+jitter+erase`,
// any `+`-joined set), each image's random choices, and where each output pixel comes from.
// BatchAssembler applies them to normalized training batches, AugmentPreview to plain images,
// so the studio's preview shows exactly what training sees.
#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace strata {

struct Augment {
    bool flip = false;    // horizontal, with probability 1/2
    bool crop = false;    // random crop after padding by 1/8 of the side
    bool rotate = false;  // uniform angle in [-kMaxRotationDegrees, kMaxRotationDegrees], nearest pixel
    bool jitter = false;  // brightness and contrast factors uniform in [1 - kJitter, 1 + kJitter]
    bool erase = false;   // torchvision RandomErasing defaults: p 0.5, area 2-33 %, aspect 0.3-3.3
    bool any() const { return flip || crop || rotate || jitter || erase; }
    bool operator==(const Augment& o) const {
        return flip == o.flip && crop == o.crop && rotate == o.rotate && jitter == o.jitter && erase == o.erase;
    }
};

inline constexpr double kMaxRotationDegrees = 10.0;
inline constexpr double kJitter = 0.2;

// "none" or `+`-joined names in any order. Throws std::invalid_argument naming an unknown or
// repeated name.
Augment parseAugment(const std::string& text);
// The canonical spelling: "none", or the names in the order flip, crop, rotate, jitter, erase.
std::string augmentName(const Augment& augment);

// One image's random choices. Drawn in a fixed order (crop offsets, flip, angle, jitter,
// erasing), each only when on, so runs with flip/crop replay as they did before the others existed.
struct AugmentDraw {
    int pad = 0, dy = 0, dx = 0;
    bool flip = false;
    double angle = 0;  // degrees
    double brightness = 1, contrast = 1;
    int eraseTop = 0, eraseLeft = 0, eraseHeight = 0, eraseWidth = 0;  // height 0: nothing erased
};
// Plain integer arithmetic on the generator's output (std distributions are implementation-defined).
AugmentDraw drawAugment(const Augment& augment, int height, int width, std::mt19937_64& rng);

// For each output pixel (row-major), its source pixel's index in the image plane, or -1 where
// the output is the fill value (crop padding, corners rotated in, the erased rectangle).
void sourcePixels(const AugmentDraw& draw, int height, int width, std::vector<int32_t>& out);
// Byte-to-byte brightness/contrast table for one image (`count` bytes, all channels): the
// identity unless jittered. Contrast pulls towards the image's mean after brightness, as
// torchvision's ColorJitter (the mean over all channels, not of a grey conversion).
std::array<uint8_t, 256> jitterTable(const AugmentDraw& draw, const uint8_t* image, int64_t count);

}  // namespace strata
