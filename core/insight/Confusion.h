#pragma once
// The confusion matrix of a sample's predictions, with a few image paths per cell so a click
// on a cell can show its images. Internal to core/insight (torch).
#include <torch/torch.h>

#include <string>
#include <vector>

#include "insight/FeatureSnapshot.h"

namespace strata {

// `predicted` and `labels` are int64 [N]; `paths` has N entries. Keeps the first
// `examplesPerCell` paths of each cell, in sample order.
ConfusionView confusionView(const torch::Tensor& predicted, const torch::Tensor& labels,
                            const std::vector<std::string>& paths, int classes, int examplesPerCell = 4);

}  // namespace strata
