// Pooling layers in ONNX, with torch's semantics: floor output sizes (ceil_mode off), MaxPool
// padding that never wins, AvgPool padding counted as zeros (count_include_pad), and adaptive
// average pooling's uneven windows.
#include "export/OnnxLayers.h"

namespace strata::onnxexport {
namespace {

void maxPool(LayerContext& c) {
    const ResolvedParams& p = c.node.params;
    const int64_t k = p.i("kernel_size"), s = p.i("stride"), pad = p.i("padding");
    onnx::NodeProto& n = c.graph.node("MaxPool", {c.inputs.at(0)}, {c.output}, c.node.id);
    setAttr(n, "kernel_shape", std::vector<int64_t>{k, k});
    setAttr(n, "strides", std::vector<int64_t>{s, s});
    setAttr(n, "pads", std::vector<int64_t>{pad, pad, pad, pad});
}

// torch's AvgPool2d divides by the whole window, padding included. ONNX says the same with
// count_include_pad=1, but OpenCV 4.6 ignores that attribute; an explicit zero Pad before an
// unpadded AveragePool means the same in every runtime.
void avgPool(LayerContext& c) {
    const ResolvedParams& p = c.node.params;
    const int64_t k = p.i("kernel_size"), s = p.i("stride"), pad = p.i("padding");
    std::string in = c.inputs.at(0);
    if (pad > 0) {
        const std::string pads = c.graph.int64s(c.sub("pads"), {8}, {0, 0, pad, pad, 0, 0, pad, pad});
        c.graph.node("Pad", {in, pads}, {c.sub("padded")}, c.sub("pad"));
        in = c.sub("padded");
    }
    onnx::NodeProto& n = c.graph.node("AveragePool", {in}, {c.output}, c.node.id);
    setAttr(n, "kernel_shape", std::vector<int64_t>{k, k});
    setAttr(n, "strides", std::vector<int64_t>{s, s});
}

// Adaptive pooling's averaging matrix along one axis, transposed: [in, out], column i holding
// 1/len over torch's window [floor(i*in/out), ceil((i+1)*in/out)).
std::vector<float> adaptiveMatrixT(int64_t in, int64_t out) {
    std::vector<float> m(size_t(in * out), 0.0f);
    for (int64_t i = 0; i < out; ++i) {
        const int64_t start = (i * in) / out, end = ((i + 1) * in + out - 1) / out;
        for (int64_t r = start; r < end; ++r) m[size_t(r * out + i)] = 1.0f / float(end - start);
    }
    return m;
}

// Output 1 is GlobalAveragePool; sizes divisible by the output are a plain AveragePool (equal
// windows). Otherwise the windows overlap or differ in size, and the pooling (linear in x) is
// two MatMuls with averaging matrices: x [N,C,H,W] . Aw [W,o] -> transpose -> . Ah [H,o] ->
// transpose back. (A constant left operand, Ah . x, would save the transposes, but OpenCV
// 4.6 rejects it.)
void adaptiveAvgPool(LayerContext& c) {
    const int64_t o = c.node.params.i("output_size");
    const Shape& x = c.node.inputs.at(0);  // {C, H, W}
    const int64_t h = x.at(1), w = x.at(2);
    if (o == 1) {
        c.graph.node("GlobalAveragePool", {c.inputs.at(0)}, {c.output}, c.node.id);
        return;
    }
    if (h % o == 0 && w % o == 0) {
        onnx::NodeProto& n = c.graph.node("AveragePool", {c.inputs.at(0)}, {c.output}, c.node.id);
        setAttr(n, "kernel_shape", std::vector<int64_t>{h / o, w / o});
        setAttr(n, "strides", std::vector<int64_t>{h / o, w / o});
        return;
    }
    const std::vector<int64_t> swapLast{0, 1, 3, 2};
    const std::string aw = c.graph.floats(c.sub("width_weights"), {w, o}, adaptiveMatrixT(w, o));
    const std::string ah = c.graph.floats(c.sub("height_weights"), {h, o}, adaptiveMatrixT(h, o));
    c.graph.node("MatMul", {c.inputs.at(0), aw}, {c.sub("pooled_w")}, c.sub("pool_w"));
    setAttr(c.graph.node("Transpose", {c.sub("pooled_w")}, {c.sub("pooled_w_t")}, c.sub("transpose_w")), "perm",
            swapLast);
    c.graph.node("MatMul", {c.sub("pooled_w_t"), ah}, {c.sub("pooled_t")}, c.sub("pool_h"));
    setAttr(c.graph.node("Transpose", {c.sub("pooled_t")}, {c.output}, c.node.id), "perm", swapLast);
}

}  // namespace

void addPoolEmitters(std::map<std::string, LayerEmitter>& table) {
    table["MaxPool2d"] = maxPool;
    table["AvgPool2d"] = avgPool;
    table["AdaptiveAvgPool2d"] = adaptiveAvgPool;
}

}  // namespace strata::onnxexport
