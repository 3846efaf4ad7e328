// The layer emitter table, the checkpoint lookup, and the layers that map to one ONNX op or
// a short fixed chain: convolution, dense, activations, merge, reshape, dropout.
#include "export/OnnxLayers.h"

#include <cmath>
#include <map>

namespace strata::onnxexport {

std::string Weights::add(OnnxGraph& graph, const std::string& node, const std::string& param,
                         const Shape& shape) const {
    const std::string name = node + "." + param;
    const NamedArray* a = findArray(checkpoint_, name);
    if (!a) throw RunFileError(runPath_ + ": /checkpoint lacks \"" + name + "\" (node \"" + node + "\")");
    if (a->type != NamedArray::Type::Float32 || a->shape != shape)
        throw RunFileError(runPath_ + ": /checkpoint \"" + name + "\" is not a float32 array of shape " +
                           dimsToString(shape) + " as node \"" + node + "\" needs");
    return graph.floats(name, shape, a->f32);
}

namespace {

int64_t inChannels(const LayerContext& c) { return c.node.inputs.at(0).at(0); }

// A one-op layer: the op applied to the layer's single input.
LayerEmitter unary(const std::string& op) {
    return [op](LayerContext& c) { c.graph.node(op, {c.inputs.at(0)}, {c.output}, c.node.id); };
}

void conv2d(LayerContext& c) {
    const ResolvedParams& p = c.node.params;
    const int64_t k = p.i("kernel_size"), s = p.i("stride"), pad = p.i("padding"), out = p.i("out_channels");
    std::vector<std::string> in{c.inputs.at(0), c.weights.add(c.graph, c.node.id, "weight", {out, inChannels(c), k, k})};
    if (p.b("bias")) in.push_back(c.weights.add(c.graph, c.node.id, "bias", {out}));
    onnx::NodeProto& n = c.graph.node("Conv", in, {c.output}, c.node.id);
    setAttr(n, "kernel_shape", std::vector<int64_t>{k, k});
    setAttr(n, "strides", std::vector<int64_t>{s, s});
    setAttr(n, "pads", std::vector<int64_t>{pad, pad, pad, pad});
}

// torch Linear: y = x W^T + b, W of [out, in]: Gemm with transB on features [N, F].
void linear(LayerContext& c) {
    if (c.node.inputs.at(0).size() == 2) return linearOnTokens(c);
    const int64_t out = c.node.params.i("out_features");
    std::vector<std::string> in{c.inputs.at(0), c.weights.add(c.graph, c.node.id, "weight", {out, inChannels(c)})};
    if (c.node.params.b("bias")) in.push_back(c.weights.add(c.graph, c.node.id, "bias", {out}));
    setAttr(c.graph.node("Gemm", in, {c.output}, c.node.id), "transB", int64_t{1});
}

void leakyRelu(LayerContext& c) {
    onnx::NodeProto& n = c.graph.node("LeakyRelu", {c.inputs.at(0)}, {c.output}, c.node.id);
    setAttr(n, "alpha", float(c.node.params.f("negative_slope")));
}

// torch's default GELU is the exact one: x * 0.5 * (1 + erf(x / sqrt(2))). Opset 13 has no
// Gelu op, so it is spelled out with Erf (standard since opset 9; OpenCV 4.6 runs it).
void gelu(LayerContext& c) {
    const std::string& x = c.inputs.at(0);
    const std::string root2 = c.graph.scalar(c.sub("sqrt2"), float(std::sqrt(2.0)));
    const std::string one = c.graph.scalar(c.sub("one"), 1.0f);
    const std::string half = c.graph.scalar(c.sub("half"), 0.5f);
    c.graph.node("Div", {x, root2}, {c.sub("scaled")}, c.sub("div"));
    c.graph.node("Erf", {c.sub("scaled")}, {c.sub("erf")}, c.sub("erf"));
    c.graph.node("Add", {c.sub("erf"), one}, {c.sub("erf1")}, c.sub("add"));
    c.graph.node("Mul", {x, c.sub("erf1")}, {c.sub("xerf1")}, c.sub("mul"));
    c.graph.node("Mul", {c.sub("xerf1"), half}, {c.output}, c.node.id);
}

// Add takes two inputs in ONNX: more than two are summed left to right, as GraphModule does.
void add(LayerContext& c) {
    std::string sum = c.inputs.at(0);
    for (size_t k = 1; k < c.inputs.size(); ++k) {
        const bool last = k + 1 == c.inputs.size();
        const std::string out = last ? c.output : c.sub("sum" + std::to_string(k));
        c.graph.node("Add", {sum, c.inputs[k]}, {out}, last ? c.node.id : c.sub("add" + std::to_string(k)));
        sum = out;
    }
}

// Channels of images [N, C, H, W] or features of flat inputs [N, F]: axis 1 either way.
void concat(LayerContext& c) { setAttr(c.graph.node("Concat", c.inputs, {c.output}, c.node.id), "axis", int64_t{1}); }

// torch Flatten (start_dim 1) is ONNX Flatten with axis 1: [N, C, H, W] -> [N, C*H*W].
void flatten(LayerContext& c) {
    setAttr(c.graph.node("Flatten", {c.inputs.at(0)}, {c.output}, c.node.id), "axis", int64_t{1});
}

}  // namespace

void addBasicEmitters(std::map<std::string, LayerEmitter>& table) {
    table["Conv2d"] = conv2d;
    table["Linear"] = linear;
    table["ReLU"] = unary("Relu");
    table["LeakyReLU"] = leakyRelu;
    table["GELU"] = gelu;
    table["Sigmoid"] = unary("Sigmoid");
    table["Tanh"] = unary("Tanh");
    // Dropout is the identity at inference; an Identity node keeps the layer visible by name.
    table["Dropout"] = unary("Identity");
    table["Dropout2d"] = unary("Identity");
    table["Add"] = add;
    table["Concat"] = concat;
    table["Flatten"] = flatten;
}

const LayerEmitter* findLayerEmitter(const std::string& type) {
    static const std::map<std::string, LayerEmitter> table = [] {
        std::map<std::string, LayerEmitter> t;
        addBasicEmitters(t);
        addPoolEmitters(t);
        addNormEmitters(t);
        addTokenEmitters(t);
        return t;
    }();
    auto it = table.find(type);
    return it == table.end() ? nullptr : &it->second;
}

}  // namespace strata::onnxexport
