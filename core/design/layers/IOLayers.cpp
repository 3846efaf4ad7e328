// Input and Output: where images enter and where logits leave (docs/ARCHITECTURE.md §5).
#include "design/layers/LayerKit.h"

namespace strata::layers {

std::vector<LayerSpec> ioLayers() {
    LayerSpec input;
    input.type = "Input";
    input.group = "Input/Output";
    input.description = "Images entering the network: channels x height x width (after resizing)";
    input.params = {requiredInt("channels", 1, 64, "1 for grayscale, 3 for RGB"),
                    requiredInt("height", 1, 4096, "images are resized to this height"),
                    requiredInt("width", 1, 4096, "images are resized to this width")};
    input.minInputs = input.maxInputs = 0;
    input.inferShape = [](const std::vector<Shape>&, const ResolvedParams& p) {
        return Shape{p.i("channels"), p.i("height"), p.i("width")};
    };
    input.paramCount = [](const std::vector<Shape>&, const ResolvedParams&) -> int64_t { return 0; };

    LayerSpec output;
    output.type = "Output";
    output.group = "Input/Output";
    output.description = "Class logits leaving the network; softmax gives probabilities, training uses cross-entropy";
    output.hasOutput = false;
    // The analysis puts the class count into the Output's resolved params as "classes"; without
    // it (a caller that does not know the dataset) only the flatness is checked.
    output.inferShape = [](const std::vector<Shape>& in, const ResolvedParams& p) {
        const Shape& s = in.at(0);
        const bool knowsClasses = p.values.contains("classes");
        const std::string want = knowsClasses ? std::to_string(p.i("classes")) : "classes";
        const std::string expects = "Output expects logits [N, " + want + "] (one per class) but receives " +
                                    shapeToString(s) + "; ";
        if (s.size() == 2)
            throw ShapeError{expects + "end the design with a TokenPool and a Linear with out_features \"classes\""};
        if (s.size() != 1) throw ShapeError{expects + "end the design with Flatten and a Linear with out_features \"classes\""};
        if (knowsClasses && s[0] != p.i("classes"))
            throw ShapeError{expects + "set the last Linear's out_features to \"classes\""};
        return s;
    };
    output.paramCount = [](const std::vector<Shape>&, const ResolvedParams&) -> int64_t { return 0; };

    return {input, output};
}

}  // namespace strata::layers
