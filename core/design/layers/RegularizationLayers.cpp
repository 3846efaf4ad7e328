// Dropout layers: active only in training, identity at inference; no parameters.
#include "design/layers/LayerKit.h"

namespace strata::layers {

std::vector<LayerSpec> regularizationLayers() {
    LayerSpec dropout;
    dropout.type = "Dropout";
    dropout.group = "Regularization";
    dropout.description = "Zeroes each value with probability p while training";
    dropout.params = {floatParam("p", 0.5, 0, below(1), "probability of zeroing a value (below 1)")};
    dropout.inferShape = [](const std::vector<Shape>& in, const ResolvedParams&) { return in.at(0); };
    dropout.paramCount = [](const std::vector<Shape>&, const ResolvedParams&) -> int64_t { return 0; };

    LayerSpec dropout2d = dropout;
    dropout2d.type = "Dropout2d";
    dropout2d.description = "Zeroes whole channels with probability p while training";
    dropout2d.params = {floatParam("p", 0.5, 0, below(1), "probability of zeroing a channel (below 1)")};
    dropout2d.inferShape = [](const std::vector<Shape>& in, const ResolvedParams&) {
        return requireImage(in.at(0), "Dropout2d", "use Dropout on flat inputs", "use Dropout on tokens");
    };

    return {dropout, dropout2d};
}

}  // namespace strata::layers
