#pragma once
// Builds the torch module of one analyzed node. One entry per layer type with a module;
// Input, Output, Add and Concat are wiring handled by GraphModule and return an empty module.
#include <torch/torch.h>

#include "design/DesignAnalysis.h"

namespace strata {

torch::nn::AnyModule makeLayerModule(const NodeAnalysis& node);

}  // namespace strata
