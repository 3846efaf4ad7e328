// Reshaping layers: Flatten turns an image [C, H, W] into features [C*H*W] for Linear layers.
#include "design/layers/LayerKit.h"

namespace strata::layers {

std::vector<LayerSpec> reshapeLayers() {
    LayerSpec flatten;
    flatten.type = "Flatten";
    flatten.group = "Reshape";
    flatten.description = "Turns each sample into one flat vector, for Linear layers";
    flatten.inferShape = [](const std::vector<Shape>& in, const ResolvedParams&) {
        if (in.at(0).empty()) throw ShapeError{"Flatten needs an input with at least one dimension"};
        return Shape{elements(in.at(0))};
    };
    flatten.paramCount = [](const std::vector<Shape>&, const ResolvedParams&) -> int64_t { return 0; };
    return {flatten};
}

}  // namespace strata::layers
