// Convolution layers (torch::nn::Conv2d semantics: square kernel, no dilation, groups 1).
#include "design/layers/LayerKit.h"

namespace strata::layers {

std::vector<LayerSpec> convLayers() {
    LayerSpec conv;
    conv.type = "Conv2d";
    conv.group = "Convolution";
    conv.description = "2-D convolution: learns out_channels filters of kernel_size x kernel_size";
    conv.params = {requiredInt("out_channels", 1, 65536, "number of filters (output channels)"),
                   requiredInt("kernel_size", 1, 1024, "filter height and width"),
                   intParam("stride", 1, 1, 1024, "step between filter positions"),
                   intParam("padding", 0, 0, 1024, "zeros added on each border"),
                   boolParam("bias", true, "learn one bias per output channel")};
    conv.inferShape = [](const std::vector<Shape>& in, const ResolvedParams& p) {
        const Shape& s = requireImage(in.at(0), "Conv2d", "move it before the Flatten");
        const int64_t k = p.i("kernel_size"), st = p.i("stride"), pad = p.i("padding");
        const int64_t h = slidingOutput(s[1], k, st, pad), w = slidingOutput(s[2], k, st, pad);
        if (h < 1 || w < 1)
            throw ShapeError{"Conv2d kernel_size " + std::to_string(k) + " (padding " + std::to_string(pad) +
                                 ") does not fit the input " + shapeToString(s) +
                                 "; use a smaller kernel_size, more padding or less pooling before it",
                             "kernel_size"};
        return Shape{p.i("out_channels"), h, w};
    };
    conv.paramCount = [](const std::vector<Shape>& in, const ResolvedParams& p) {
        const int64_t out = p.i("out_channels"), k = p.i("kernel_size");
        const int64_t weights = mulSat(mulSat(out, in.at(0).at(0)), k * k);
        return addSat(weights, p.b("bias") ? out : 0);
    };
    conv.state = [](const std::vector<Shape>& in, const ResolvedParams& p) {
        const int64_t out = p.i("out_channels"), k = p.i("kernel_size");
        std::vector<StateArray> s{{"weight", {out, in.at(0).at(0), k, k}}};
        if (p.b("bias")) s.push_back({"bias", {out}});
        return s;
    };
    return {conv};
}

}  // namespace strata::layers
