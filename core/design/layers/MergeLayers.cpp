// Layers that join branches: Add (residual connections) and Concat (channel axis).
// Inputs arrive in port order; messages name the ports so the user can find the branch.
#include "design/layers/LayerKit.h"

namespace strata::layers {
namespace {

std::string portShape(const std::vector<Shape>& in, std::size_t port) {
    return shapeToString(in[port]) + " (port " + std::to_string(port) + ")";
}

}  // namespace

std::vector<LayerSpec> mergeLayers() {
    LayerSpec add;
    add.type = "Add";
    add.group = "Merge";
    add.description = "Sums two or more inputs of equal shape (residual connections)";
    add.minInputs = 2;
    add.maxInputs = -1;
    add.inferShape = [](const std::vector<Shape>& in, const ResolvedParams&) {
        for (std::size_t i = 1; i < in.size(); ++i)
            if (in[i] != in[0])
                throw ShapeError{"Add needs inputs of equal shape but receives " + portShape(in, 0) + " and " +
                                 portShape(in, i) +
                                 "; give the branches the same channels (out_channels) and the same pooling"};
        return in.at(0);
    };
    add.paramCount = [](const std::vector<Shape>&, const ResolvedParams&) -> int64_t { return 0; };

    LayerSpec concat;
    concat.type = "Concat";
    concat.group = "Merge";
    concat.description = "Joins two or more inputs along the channel axis (or the feature axis when flat)";
    concat.minInputs = 2;
    concat.maxInputs = -1;
    concat.inferShape = [](const std::vector<Shape>& in, const ResolvedParams&) {
        Shape out = in.at(0);
        if (out.size() != 1 && out.size() != 3)
            throw ShapeError{"Concat needs image inputs [N, C, H, W] or flat inputs [N, F] but receives " +
                             portShape(in, 0) + (out.size() == 2 ? "; pool the tokens with a TokenPool first" : "")};
        for (std::size_t i = 1; i < in.size(); ++i) {
            if (in[i].size() != out.size())
                throw ShapeError{"Concat needs all inputs images [N, C, H, W] or all flat [N, F] but receives " +
                                 portShape(in, 0) + " and " + portShape(in, i) +
                                 "; flatten both branches or neither"};
            if (out.size() == 3 && (in[i][1] != out[1] || in[i][2] != out[2]))
                throw ShapeError{"Concat joins channels, so its inputs need equal height and width, but receives " +
                                 portShape(in, 0) + " and " + portShape(in, i) +
                                 "; give the branches the same pooling and strides"};
            out[0] = addSat(out[0], in[i][0]);
        }
        return out;
    };
    concat.paramCount = add.paramCount;

    return {add, concat};
}

}  // namespace strata::layers
