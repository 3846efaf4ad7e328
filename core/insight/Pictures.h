#pragma once
// Tensors to Pictures and small picture operations for the feature views. Internal to
// core/insight (torch).
#include <torch/torch.h>

#include <vector>

#include "insight/FeatureSnapshot.h"
#include "insight/ReceptiveField.h"

namespace strata {

// A [H, W] map, min-max scaled to 0..255 (a constant map: black when zero, else mid gray).
Picture mapPicture(const torch::Tensor& map);
// A uint8 [C, H, W] image (C = 1 or 3) as a Picture.
Picture imagePicture(const torch::Tensor& chw);
// The rectangle `box` of `image`.
Picture cropPicture(const Picture& image, const CropBox& box);
// Gray pictures become RGB; RGB ones are returned as they are.
Picture toRgb(const Picture& image);
// `heat` (gray, same size) blended over `image` in a black-red-yellow-white colour map, strong
// where the heat is high, so the image stays readable where the network did not look.
Picture heatOverlay(const Picture& image, const Picture& heat);
// Nearest-neighbour enlargement by an integer factor.
Picture scaledUp(const Picture& image, int factor);

}  // namespace strata
