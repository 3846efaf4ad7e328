#pragma once
// Where the network looked for its prediction of one image: Grad-CAM on the last convolution
// (its output after the activation/normalization that directly follows it: the
// gradient-weighted sum of those feature maps, rectified, upsampled to the input), or the
// input gradient's magnitude when the design has no convolution. Internal to core/insight.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "compile/GraphModule.h"
#include "insight/FeatureSnapshot.h"

namespace strata {

// `image` is [1, C, H, W] normalized; `picture` the same image as shown (for the overlay).
// Runs the model in eval mode with gradients (restoring its mode); parameters' .grad are left
// untouched. The heat map is scaled so its maximum is 255.
SaliencyView saliencyMap(GraphModuleImpl& model, const torch::Tensor& image, const Picture& picture,
                         const std::vector<std::string>& classes);

}  // namespace strata
