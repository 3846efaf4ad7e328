// Pooling layers (torch semantics, ceil_mode off). A pool's stride defaults to its kernel_size;
// the spec stores that default as 0 and `resolve` replaces it, so ResolvedParams is what torch gets.
#include "design/layers/LayerKit.h"

namespace strata::layers {
namespace {

LayerSpec pool(const std::string& type, const std::string& description) {
    LayerSpec s;
    s.type = type;
    s.group = "Pooling";
    s.description = description;
    s.params = {requiredInt("kernel_size", 1, 1024, "window height and width"),
                intParam("stride", 0, 0, 1024, "step between windows; 0 means the same as kernel_size"),
                intParam("padding", 0, 0, 1024, "border added on each side; at most kernel_size / 2")};
    s.resolve = [](ResolvedParams& p) {
        if (p.values.value("stride", int64_t{0}) == 0 && p.values.contains("kernel_size"))
            p.values["stride"] = p.values["kernel_size"];
    };
    s.inferShape = [type](const std::vector<Shape>& in, const ResolvedParams& p) {
        const Shape& x = requireImage(in.at(0), type, "move it before the Flatten");
        const int64_t k = p.i("kernel_size"), st = p.i("stride"), pad = p.i("padding");
        if (pad > k / 2)  // torch refuses this at construction time
            throw ShapeError{type + " padding " + std::to_string(pad) + " is more than half of kernel_size " +
                                 std::to_string(k) + "; use padding <= " + std::to_string(k / 2),
                             "padding"};
        const int64_t h = slidingOutput(x[1], k, st, pad), w = slidingOutput(x[2], k, st, pad);
        if (h < 1 || w < 1)
            throw ShapeError{type + " kernel_size " + std::to_string(k) + " does not fit the input " +
                                 shapeToString(x) + "; use a smaller kernel_size or less pooling before it",
                             "kernel_size"};
        return Shape{x[0], h, w};
    };
    s.paramCount = [](const std::vector<Shape>&, const ResolvedParams&) -> int64_t { return 0; };
    return s;
}

}  // namespace

std::vector<LayerSpec> poolLayers() {
    LayerSpec adaptive;
    adaptive.type = "AdaptiveAvgPool2d";
    adaptive.group = "Pooling";
    adaptive.description = "Averages each channel down to output_size x output_size, whatever the input size";
    adaptive.params = {intParam("output_size", 1, 1, 4096, "output height and width")};
    adaptive.inferShape = [](const std::vector<Shape>& in, const ResolvedParams& p) {
        const Shape& x = requireImage(in.at(0), "AdaptiveAvgPool2d", "move it before the Flatten");
        return Shape{x[0], p.i("output_size"), p.i("output_size")};
    };
    adaptive.paramCount = [](const std::vector<Shape>&, const ResolvedParams&) -> int64_t { return 0; };

    return {pool("MaxPool2d", "Keeps the largest value of each window: halves the size with kernel_size 2"),
            pool("AvgPool2d", "Averages each window: halves the size with kernel_size 2"), adaptive};
}

}  // namespace strata::layers
