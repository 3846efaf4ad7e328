// Normalization layers in ONNX, at inference: BatchNorm uses its running statistics; LayerNorm
// normalizes each sample over its whole shape ("all") or over its last axis ("last", per token;
// see LayerFactory.cpp).
#include "export/OnnxLayers.h"

namespace strata::onnxexport {
namespace {

// BatchNorm1d and BatchNorm2d: ONNX BatchNormalization (opset 9 form: inference only) takes
// [N, C] as well as [N, C, H, W]. momentum only matters in training.
void batchNorm(LayerContext& c) {
    const std::string& id = c.node.id;
    const Shape channels{c.node.inputs.at(0).at(0)};
    onnx::NodeProto& n = c.graph.node("BatchNormalization",
                                      {c.inputs.at(0), c.weights.add(c.graph, id, "weight", channels),
                                       c.weights.add(c.graph, id, "bias", channels),
                                       c.weights.add(c.graph, id, "running_mean", channels),
                                       c.weights.add(c.graph, id, "running_var", channels)},
                                      {c.output}, id);
    setAttr(n, "epsilon", float(c.node.params.f("eps")));
}

// LayerNorm over the whole per-sample shape. Opset 13 has no LayerNormalization, and OpenCV
// 4.6 cannot divide by a computed [N, 1, 1, 1] tensor, so the plain ReduceMean/Sub/Div
// spelling does not load there. Instead: view each sample as one instance of one channel,
// [N, 1, numel], InstanceNormalization (scale 1, shift 0, the same eps, biased variance as
// torch), view back, then the elementwise affine weight and bias.
void layerNormWhole(LayerContext& c) {
    const Shape& shape = c.node.inputs.at(0);
    std::vector<int64_t> back{0};  // 0 keeps the batch dimension
    back.insert(back.end(), shape.begin(), shape.end());
    const std::string flatShape = c.graph.int64s(c.sub("instances_shape"), {3}, {0, 1, -1});
    const std::string backShape = c.graph.int64s(c.sub("sample_shape"), {int64_t(back.size())}, back);
    const std::string one = c.graph.floats(c.sub("unit_scale"), {1}, {1.0f});
    const std::string zero = c.graph.floats(c.sub("zero_shift"), {1}, {0.0f});

    c.graph.node("Reshape", {c.inputs.at(0), flatShape}, {c.sub("instances")}, c.sub("to_instances"));
    onnx::NodeProto& norm = c.graph.node("InstanceNormalization", {c.sub("instances"), one, zero},
                                         {c.sub("normalized")}, c.sub("normalize"));
    setAttr(norm, "epsilon", float(c.node.params.f("eps")));
    if (!c.node.params.b("elementwise_affine")) {
        c.graph.node("Reshape", {c.sub("normalized"), backShape}, {c.output}, c.node.id);
        return;
    }
    c.graph.node("Reshape", {c.sub("normalized"), backShape}, {c.sub("reshaped")}, c.sub("to_samples"));
    const std::string weight = c.weights.add(c.graph, c.node.id, "weight", shape);
    const std::string bias = c.weights.add(c.graph, c.node.id, "bias", shape);
    c.graph.node("Mul", {c.sub("reshaped"), weight}, {c.sub("scaled")}, c.sub("scale"));
    c.graph.node("Add", {c.sub("scaled"), bias}, {c.output}, c.node.id);
}

// LayerNorm over the last axis ("last": per token), spelled out in opset-13 ops (the
// LayerNormalization op is opset 17): (x - mean) / sqrt(var + eps) with the biased variance,
// as torch, then the [D] weight and bias broadcast over the tokens.
void layerNormLast(LayerContext& c) {
    const int64_t width = c.node.inputs.at(0).back();
    const bool affine = c.node.params.b("elementwise_affine");
    auto meanOverLast = [&](const std::string& in, const std::string& out) {
        onnx::NodeProto& n = c.graph.node("ReduceMean", {in}, {out}, out);
        setAttr(n, "axes", std::vector<int64_t>{-1});
        setAttr(n, "keepdims", int64_t{1});
    };
    meanOverLast(c.inputs.at(0), c.sub("mean"));
    c.graph.node("Sub", {c.inputs.at(0), c.sub("mean")}, {c.sub("centered")}, c.sub("center"));
    c.graph.node("Pow", {c.sub("centered"), c.graph.scalar(c.sub("two"), 2.0f)}, {c.sub("squared")}, c.sub("square"));
    meanOverLast(c.sub("squared"), c.sub("variance"));
    const std::string eps = c.graph.scalar(c.sub("eps"), float(c.node.params.f("eps")));
    c.graph.node("Add", {c.sub("variance"), eps}, {c.sub("variance_eps")}, c.sub("add_eps"));
    c.graph.node("Sqrt", {c.sub("variance_eps")}, {c.sub("deviation")}, c.sub("sqrt"));
    const std::string normalized = affine ? c.sub("normalized") : c.output;
    c.graph.node("Div", {c.sub("centered"), c.sub("deviation")}, {normalized}, affine ? c.sub("normalize") : c.node.id);
    if (!affine) return;
    const std::string weight = c.weights.add(c.graph, c.node.id, "weight", {width});
    const std::string bias = c.weights.add(c.graph, c.node.id, "bias", {width});
    c.graph.node("Mul", {normalized, weight}, {c.sub("scaled")}, c.sub("scale"));
    c.graph.node("Add", {c.sub("scaled"), bias}, {c.output}, c.node.id);
}

void layerNorm(LayerContext& c) {
    if (c.node.params.s("normalized_shape") == "last") return layerNormLast(c);
    layerNormWhole(c);
}

}  // namespace

void addNormEmitters(std::map<std::string, LayerEmitter>& table) {
    table["BatchNorm2d"] = batchNorm;
    table["BatchNorm1d"] = batchNorm;
    table["LayerNorm"] = layerNorm;
}

}  // namespace strata::onnxexport
