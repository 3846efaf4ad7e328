#pragma once
// Feature maps of one layer for one image, and the first convolution's kernels as a picture.
// Internal to core/insight (torch).
#include <torch/torch.h>

#include "insight/AttentionMaps.h"
#include "insight/FeatureSnapshot.h"

namespace strata {

// `output` is one sample's layer output, [C, H, W], [T, D] or [F]. Keeps the `top` channels with
// the highest mean activation, best first; spatial maps are min-max scaled per channel, and a
// feature vector's units become 1x1 maps scaled against the strongest unit of the layer. Tokens
// with a `grid` (their patches) are maps too: channel d over the patch grid, the class token
// left out; without one, their T·D values count as units.
LayerActivations layerActivations(const torch::Tensor& output, const LayerDepth& layer, int top,
                                  const TokenGrid* grid = nullptr);

// Kernels [O, I, k, k] as a grid of k x k tiles one pixel apart (near-square, row-major):
// RGB when I == 3, else the mean over input channels in gray. Each kernel is scaled on its
// own: gray maps zero to mid gray (symmetric in the kernel's largest magnitude), RGB tiles are
// min-max scaled, so the pattern of small kernels is visible. The separators are black.
Picture filterGrid(const torch::Tensor& weight);

}  // namespace strata
