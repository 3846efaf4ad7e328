// Fully connected layers (torch::nn::Linear); in_features is inferred from the input (its last axis).
#include "design/layers/LayerKit.h"

namespace strata::layers {

std::vector<LayerSpec> denseLayers() {
    LayerSpec linear;
    linear.type = "Linear";
    linear.group = "Dense";
    linear.description = "Fully connected layer: every input feature feeds every output feature";
    linear.params = {requiredIntOrClasses("out_features", 1, 1e8,
                                          "output features; \"classes\" means the dataset's class count"),
                     boolParam("bias", true, "learn one bias per output feature")};
    // On tokens [T, D] it acts on the last axis, as torch's Linear does: [T, D] -> [T, out].
    linear.inferShape = [](const std::vector<Shape>& in, const ResolvedParams& p) {
        if (in.at(0).size() == 2) return Shape{in[0][0], p.i("out_features")};
        requireFlat(in.at(0), "Linear", "insert a Flatten before it");
        return Shape{p.i("out_features")};
    };
    linear.paramCount = [](const std::vector<Shape>& in, const ResolvedParams& p) {
        const int64_t out = p.i("out_features");
        return addSat(mulSat(out, in.at(0).back()), p.b("bias") ? out : 0);
    };
    linear.state = [](const std::vector<Shape>& in, const ResolvedParams& p) {
        const int64_t out = p.i("out_features");
        std::vector<StateArray> s{{"weight", {out, in.at(0).back()}}};
        if (p.b("bias")) s.push_back({"bias", {out}});
        return s;
    };
    return {linear};
}

}  // namespace strata::layers
