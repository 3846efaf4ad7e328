// Transformer layers in ONNX, with the semantics of compile/TokenModules.cpp, in opset-13 ops
// only (no Attention or LayerNormalization op: those are opset 17+ or contrib). Tokens are
// [N, T, D] with N dynamic, so every reshape keeps the batch with a 0 in its shape.
#include <cmath>

#include "export/OnnxLayers.h"

namespace strata::onnxexport {
namespace {

int64_t tokenCount(const LayerContext& c) { return c.node.inputs.at(0).at(0); }
int64_t tokenWidth(const LayerContext& c) { return c.node.inputs.at(0).at(1); }

onnx::NodeProto& transpose(LayerContext& c, const std::string& in, const std::string& out, const std::string& name,
                           const std::vector<int64_t>& perm) {
    onnx::NodeProto& n = c.graph.node("Transpose", {in}, {out}, name);
    setAttr(n, "perm", perm);
    return n;
}

// A conv with kernel = stride = patch, then [N, D, H/p, W/p] -> [N, D, T] -> [N, T, D], as
// flatten(2).transpose(1, 2).
void patchEmbed(LayerContext& c) {
    const int64_t p = c.node.params.i("patch_size"), d = c.node.params.i("embed_dim");
    const int64_t channels = c.node.inputs.at(0).at(0);
    onnx::NodeProto& conv = c.graph.node("Conv",
                                         {c.inputs.at(0), c.weights.add(c.graph, c.node.id, "weight", {d, channels, p, p}),
                                          c.weights.add(c.graph, c.node.id, "bias", {d})},
                                         {c.sub("maps")}, c.sub("conv"));
    setAttr(conv, "kernel_shape", std::vector<int64_t>{p, p});
    setAttr(conv, "strides", std::vector<int64_t>{p, p});
    const std::string flat = c.graph.int64s(c.sub("flat_shape"), {3}, {0, d, -1});
    c.graph.node("Reshape", {c.sub("maps"), flat}, {c.sub("flat")}, c.sub("flatten"));
    transpose(c, c.sub("flat"), c.output, c.node.id, {0, 2, 1});
}

// The learned [1, 1, D] token expanded to [N, 1, D] (N read from the input's shape), then put
// in front of the sequence.
void classToken(LayerContext& c) {
    const int64_t d = tokenWidth(c);
    const std::string token = c.weights.add(c.graph, c.node.id, "token", {1, 1, d});
    const std::string first = c.graph.int64s(c.sub("batch_axis"), {1}, {0});
    const std::string rest = c.graph.int64s(c.sub("token_shape"), {2}, {1, d});
    c.graph.node("Shape", {c.inputs.at(0)}, {c.sub("input_shape")}, c.sub("shape"));
    setAttr(c.graph.node("Gather", {c.sub("input_shape"), first}, {c.sub("batch")}, c.sub("batch")), "axis",
            int64_t{0});
    setAttr(c.graph.node("Concat", {c.sub("batch"), rest}, {c.sub("expanded_shape")}, c.sub("expanded_shape")),
            "axis", int64_t{0});
    c.graph.node("Expand", {token, c.sub("expanded_shape")}, {c.sub("tokens")}, c.sub("expand"));
    setAttr(c.graph.node("Concat", {c.sub("tokens"), c.inputs.at(0)}, {c.output}, c.node.id), "axis", int64_t{1});
}

void positionEmbedding(LayerContext& c) {
    const std::string embedding =
        c.weights.add(c.graph, c.node.id, "embedding", {1, tokenCount(c), tokenWidth(c)});
    c.graph.node("Add", {c.inputs.at(0), embedding}, {c.output}, c.node.id);
}

// x [N, T, in] . W^T (+ b) for a torch-layout weight W [out, in] named "<id>.<param>weight".
// The weight stays as in the checkpoint (a Transpose of a constant, folded by runtimes).
std::string projection(LayerContext& c, const std::string& x, const std::string& param, int64_t in, int64_t out,
                       bool bias, const std::string& step, const std::string& result) {
    const std::string weight = c.weights.add(c.graph, c.node.id, param + "weight", {out, in});
    transpose(c, weight, c.sub(step + "_wt"), c.sub(step + "_wt"), {1, 0});
    // The node that makes the layer's output is named by the layer's id.
    const std::string lastName = result == c.output ? c.node.id : c.sub(step);
    const std::string product = bias ? c.sub(step + "_product") : result;
    c.graph.node("MatMul", {x, c.sub(step + "_wt")}, {product}, bias ? c.sub(step + "_matmul") : lastName);
    if (bias) {
        const std::string b = c.weights.add(c.graph, c.node.id, param + "bias", {out});
        c.graph.node("Add", {product, b}, {result}, lastName);
    }
    return result;
}

// SelfAttentionImpl::forward: one in-projection to q, k, v; per head softmax(q k^T / sqrt(hd)) v
// (q scaled first, as torch does); heads merged; out-projection.
void multiheadAttention(LayerContext& c) {
    const int64_t d = tokenWidth(c), heads = c.node.params.i("num_heads"), hd = d / heads;
    const bool bias = c.node.params.b("bias");
    const std::string qkv = projection(c, c.inputs.at(0), "in_proj_", d, 3 * d, bias, "in_proj", c.sub("qkv"));
    // Equal thirds along the width (opset 13: no "split" input means equal parts).
    setAttr(c.graph.node("Split", {qkv}, {c.sub("q"), c.sub("k"), c.sub("v")}, c.sub("split")), "axis", int64_t{-1});
    const std::string scale = c.graph.scalar(c.sub("scale"), float(1.0 / std::sqrt(double(hd))));
    c.graph.node("Mul", {c.sub("q"), scale}, {c.sub("q_scaled")}, c.sub("scale_q"));
    // [N, T, D] -> [N, T, heads, hd] -> [N, heads, T, hd] (keys: [N, heads, hd, T]).
    const std::string split = c.graph.int64s(c.sub("heads_shape"), {4}, {0, 0, heads, hd});
    for (const char* part : {"q_scaled", "k", "v"})
        c.graph.node("Reshape", {c.sub(part), split}, {c.sub(std::string(part) + "_heads")},
                     c.sub(std::string(part) + "_to_heads"));
    transpose(c, c.sub("q_scaled_heads"), c.sub("queries"), c.sub("queries"), {0, 2, 1, 3});
    transpose(c, c.sub("k_heads"), c.sub("keys_t"), c.sub("keys_t"), {0, 2, 3, 1});
    transpose(c, c.sub("v_heads"), c.sub("values"), c.sub("values"), {0, 2, 1, 3});
    c.graph.node("MatMul", {c.sub("queries"), c.sub("keys_t")}, {c.sub("scores")}, c.sub("scores"));
    setAttr(c.graph.node("Softmax", {c.sub("scores")}, {c.sub("attention")}, c.sub("attention")), "axis",
            int64_t{-1});
    c.graph.node("MatMul", {c.sub("attention"), c.sub("values")}, {c.sub("mixed")}, c.sub("mix"));
    transpose(c, c.sub("mixed"), c.sub("mixed_t"), c.sub("merge_heads"), {0, 2, 1, 3});
    const std::string merged = c.graph.int64s(c.sub("merged_shape"), {3}, {0, 0, d});
    c.graph.node("Reshape", {c.sub("mixed_t"), merged}, {c.sub("merged")}, c.sub("merged"));
    projection(c, c.sub("merged"), "out_proj.", d, d, bias, "out_proj", c.output);
}

// "cls": the first token (a scalar index drops the axis); "mean": the mean over tokens.
void tokenPool(LayerContext& c) {
    if (c.node.params.s("mode") == "mean") {
        onnx::NodeProto& n = c.graph.node("ReduceMean", {c.inputs.at(0)}, {c.output}, c.node.id);
        setAttr(n, "axes", std::vector<int64_t>{1});
        setAttr(n, "keepdims", int64_t{0});
        return;
    }
    const std::string first = c.graph.int64s(c.sub("first"), {}, {0});
    setAttr(c.graph.node("Gather", {c.inputs.at(0), first}, {c.output}, c.node.id), "axis", int64_t{1});
}

}  // namespace

// torch Linear on tokens [N, T, D] (Gemm is 2-D only): MatMul with the transposed weight, Add.
void linearOnTokens(LayerContext& c) {
    const Shape& in = c.node.inputs.at(0);
    projection(c, c.inputs.at(0), "", in.back(), c.node.params.i("out_features"), c.node.params.b("bias"), "linear",
               c.output);
}

void addTokenEmitters(std::map<std::string, LayerEmitter>& table) {
    table["PatchEmbed"] = patchEmbed;
    table["ClassToken"] = classToken;
    table["PositionEmbedding"] = positionEmbedding;
    table["MultiheadAttention"] = multiheadAttention;
    table["TokenPool"] = tokenPool;
}

}  // namespace strata::onnxexport
