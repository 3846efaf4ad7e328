// Normalization layers. BatchNorm counts its affine weight and bias (2 per channel/feature);
// running mean and variance are buffers, not parameters, as in torch.
#include "design/layers/LayerKit.h"

namespace strata::layers {
namespace {

const std::string kTokenNormHint = "use LayerNorm with normalized_shape \"last\" on tokens";

// LayerNorm's normalized_shape: the whole sample ("all", the input shape) or the last axis
// ("last": each token, or each pixel's channels, on its own, as transformers use it).
Shape normalizedShape(const Shape& in, const ResolvedParams& p) {
    return p.s("normalized_shape") == "last" ? Shape{in.back()} : in;
}

std::vector<ParamSpec> batchNormParams() {
    return {floatParam("eps", 1e-5, above(0), 1, "added to the variance for stability"),
            floatParam("momentum", 0.1, 0, 1, "update rate of the running statistics")};
}

// torch's BatchNorm state: affine weight and bias, running statistics and the batch counter.
std::vector<StateArray> batchNormState(const std::vector<Shape>& in, const ResolvedParams&) {
    const int64_t c = in.at(0).at(0);
    return {{"weight", {c}}, {"bias", {c}}, {"running_mean", {c}}, {"running_var", {c}},
            {"num_batches_tracked", {}, true}};
}

}  // namespace

std::vector<LayerSpec> normLayers() {
    LayerSpec bn2;
    bn2.type = "BatchNorm2d";
    bn2.group = "Normalization";
    bn2.description = "Normalizes each channel over the batch and image, then scales and shifts it";
    bn2.params = batchNormParams();
    bn2.inferShape = [](const std::vector<Shape>& in, const ResolvedParams&) {
        return requireImage(in.at(0), "BatchNorm2d", "use BatchNorm1d on flat inputs", kTokenNormHint);
    };
    bn2.paramCount = [](const std::vector<Shape>& in, const ResolvedParams&) { return mulSat(2, in.at(0).at(0)); };
    bn2.state = batchNormState;

    LayerSpec bn1;
    bn1.type = "BatchNorm1d";
    bn1.group = "Normalization";
    bn1.description = "Normalizes each feature over the batch, then scales and shifts it";
    bn1.params = batchNormParams();
    bn1.inferShape = [](const std::vector<Shape>& in, const ResolvedParams&) {
        return requireFlat(in.at(0), "BatchNorm1d", "use BatchNorm2d on images", kTokenNormHint);
    };
    bn1.paramCount = [](const std::vector<Shape>& in, const ResolvedParams&) { return mulSat(2, in.at(0).at(0)); };
    bn1.state = batchNormState;

    LayerSpec ln;
    ln.type = "LayerNorm";
    ln.group = "Normalization";
    ln.description = "Normalizes each sample over all its values, or each token over its width (normalized_shape)";
    ln.params = {floatParam("eps", 1e-5, above(0), 1, "added to the variance for stability"),
                 boolParam("elementwise_affine", true, "learn a scale and shift per value"),
                 choiceParam("normalized_shape", "all", {"all", "last"},
                             "\"all\": over the whole sample; \"last\": over the last axis (per token)")};
    ln.inferShape = [](const std::vector<Shape>& in, const ResolvedParams&) {
        if (in.at(0).empty()) throw ShapeError{"LayerNorm needs an input with at least one dimension"};
        return in.at(0);
    };
    ln.paramCount = [](const std::vector<Shape>& in, const ResolvedParams& p) -> int64_t {
        return p.b("elementwise_affine") ? mulSat(2, elements(normalizedShape(in.at(0), p))) : 0;
    };
    ln.state = [](const std::vector<Shape>& in, const ResolvedParams& p) {
        if (!p.b("elementwise_affine")) return std::vector<StateArray>{};
        const Shape s = normalizedShape(in.at(0), p);
        return std::vector<StateArray>{{"weight", s}, {"bias", s}};
    };

    return {bn2, bn1, ln};
}

}  // namespace strata::layers
