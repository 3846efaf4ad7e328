// Element-wise activations: any input shape, same output shape, no parameters.
#include "design/layers/LayerKit.h"

namespace strata::layers {
namespace {

LayerSpec activation(const std::string& type, const std::string& description) {
    LayerSpec s;
    s.type = type;
    s.group = "Activations";
    s.description = description;
    s.inferShape = [](const std::vector<Shape>& in, const ResolvedParams&) { return in.at(0); };
    s.paramCount = [](const std::vector<Shape>&, const ResolvedParams&) -> int64_t { return 0; };
    return s;
}

}  // namespace

std::vector<LayerSpec> activationLayers() {
    LayerSpec leaky = activation("LeakyReLU", "Like ReLU, but negative inputs keep a small slope");
    leaky.params = {floatParam("negative_slope", 0.01, 0, 1, "slope for negative inputs")};
    return {activation("ReLU", "max(0, x): the default non-linearity"),
            leaky,
            activation("GELU", "Smooth ReLU used in transformers: x * Phi(x)"),
            activation("Sigmoid", "Squashes to (0, 1)"),
            activation("Tanh", "Squashes to (-1, 1)")};
}

}  // namespace strata::layers
