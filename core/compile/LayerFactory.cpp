#include "compile/LayerFactory.h"

#include "compile/OneDnnLayers.h"
#include "compile/TokenModules.h"

#include <functional>
#include <map>

namespace strata {
namespace {

namespace nn = torch::nn;
using Builder = std::function<nn::AnyModule(const NodeAnalysis&)>;

int64_t inChannels(const NodeAnalysis& n) { return n.inputs.at(0).at(0); }

const std::map<std::string, Builder>& builders() {
    static const std::map<std::string, Builder> table = {
        {"Conv2d", [](const NodeAnalysis& n) {
             const auto& p = n.params;
             return nn::AnyModule(nn::Conv2d(nn::Conv2dOptions(inChannels(n), p.i("out_channels"), p.i("kernel_size"))
                                                 .stride(p.i("stride"))
                                                 .padding(p.i("padding"))
                                                 .bias(p.b("bias"))));
         }},
        {"Linear", [](const NodeAnalysis& n) {
             return nn::AnyModule(OneDnnLinear(
                 nn::LinearOptions(n.inputs.at(0).back(), n.params.i("out_features")).bias(n.params.b("bias"))));
         }},
        {"ReLU", [](const NodeAnalysis&) { return nn::AnyModule(nn::ReLU()); }},
        {"LeakyReLU", [](const NodeAnalysis& n) {
             return nn::AnyModule(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(n.params.f("negative_slope"))));
         }},
        {"GELU", [](const NodeAnalysis&) { return nn::AnyModule(nn::GELU()); }},
        {"Sigmoid", [](const NodeAnalysis&) { return nn::AnyModule(nn::Sigmoid()); }},
        {"Tanh", [](const NodeAnalysis&) { return nn::AnyModule(nn::Tanh()); }},
        {"BatchNorm2d", [](const NodeAnalysis& n) {
             return nn::AnyModule(nn::BatchNorm2d(nn::BatchNorm2dOptions(inChannels(n))
                                                      .eps(n.params.f("eps"))
                                                      .momentum(n.params.f("momentum"))));
         }},
        {"BatchNorm1d", [](const NodeAnalysis& n) {
             return nn::AnyModule(nn::BatchNorm1d(nn::BatchNorm1dOptions(inChannels(n))
                                                      .eps(n.params.f("eps"))
                                                      .momentum(n.params.f("momentum"))));
         }},
        {"LayerNorm", [](const NodeAnalysis& n) {
             // Over the whole per-sample shape ("all") or the last axis ("last"; see the spec).
             const Shape& in = n.inputs.at(0);
             const Shape normalized = n.params.s("normalized_shape") == "last" ? Shape{in.back()} : in;
             return nn::AnyModule(nn::LayerNorm(nn::LayerNormOptions(normalized)
                                                    .eps(n.params.f("eps"))
                                                    .elementwise_affine(n.params.b("elementwise_affine"))));
         }},
        {"Dropout", [](const NodeAnalysis& n) { return nn::AnyModule(nn::Dropout(n.params.f("p"))); }},
        {"Dropout2d", [](const NodeAnalysis& n) { return nn::AnyModule(nn::Dropout2d(n.params.f("p"))); }},
        {"MaxPool2d", [](const NodeAnalysis& n) {
             const auto& p = n.params;
             return nn::AnyModule(OneDnnMaxPool2d(
                 nn::MaxPool2dOptions(p.i("kernel_size")).stride(p.i("stride")).padding(p.i("padding"))));
         }},
        {"AvgPool2d", [](const NodeAnalysis& n) {
             const auto& p = n.params;
             return nn::AnyModule(nn::AvgPool2d(
                 nn::AvgPool2dOptions(p.i("kernel_size")).stride(p.i("stride")).padding(p.i("padding"))));
         }},
        {"AdaptiveAvgPool2d", [](const NodeAnalysis& n) {
             return nn::AnyModule(nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions(n.params.i("output_size"))));
         }},
        {"Flatten", [](const NodeAnalysis&) { return nn::AnyModule(nn::Flatten()); }},
        {"PatchEmbed", [](const NodeAnalysis& n) {
             return nn::AnyModule(PatchEmbed(inChannels(n), n.params.i("patch_size"), n.params.i("embed_dim")));
         }},
        {"ClassToken", [](const NodeAnalysis& n) { return nn::AnyModule(ClassToken(n.inputs.at(0).at(1))); }},
        {"PositionEmbedding", [](const NodeAnalysis& n) {
             return nn::AnyModule(PositionEmbedding(n.inputs.at(0).at(0), n.inputs.at(0).at(1)));
         }},
        {"MultiheadAttention", [](const NodeAnalysis& n) {
             const auto& p = n.params;
             return nn::AnyModule(
                 SelfAttention(n.inputs.at(0).at(1), p.i("num_heads"), p.f("dropout"), p.b("bias")));
         }},
        {"TokenPool", [](const NodeAnalysis& n) {
             return nn::AnyModule(TokenPool(n.params.s("mode") == "mean"));
         }},
    };
    return table;
}

}  // namespace

torch::nn::AnyModule makeLayerModule(const NodeAnalysis& node) {
    auto it = builders().find(node.type);
    if (it == builders().end()) return {};
    return it->second(node);
}

}  // namespace strata
