#include "compile/TokenModules.h"

#include "compile/BatchedMatmul.h"

#include <cmath>

namespace strata {

namespace {

// nn.Conv2d's and nn.Linear's default initialization: the same draws in the same order.
void initLikeTorch(torch::Tensor& weight, torch::Tensor& bias) {
    torch::nn::init::kaiming_uniform_(weight, std::sqrt(5));
    const auto fanIn = std::get<0>(torch::nn::init::_calculate_fan_in_and_fan_out(weight));
    const double bound = 1 / std::sqrt(static_cast<double>(fanIn));
    torch::nn::init::uniform_(bias, -bound, bound);
}

}  // namespace

PatchEmbedImpl::PatchEmbedImpl(int64_t channels_, int64_t patchSize_, int64_t embedDim_)
    : channels(channels_), patchSize(patchSize_), embedDim(embedDim_) {
    reset();
}

void PatchEmbedImpl::reset() {
    weight = register_parameter("weight", torch::empty({embedDim, channels, patchSize, patchSize}));
    bias = register_parameter("bias", torch::empty(embedDim));
    torch::NoGradGuard noGrad;
    initLikeTorch(weight, bias);
}

torch::Tensor PatchEmbedImpl::forward(const torch::Tensor& image) {
    const torch::Tensor maps = torch::conv2d(image, weight, bias, patchSize);  // [N, D, H/p, W/p]
    // permute then reshape: free for the channels-last maps training uses, one copy otherwise;
    // the same values as flatten(2).transpose(1, 2).
    return maps.permute({0, 2, 3, 1}).reshape({maps.size(0), -1, embedDim});
}

ClassTokenImpl::ClassTokenImpl(int64_t width_) : width(width_) { reset(); }

// Zeros, as torchvision's ViT starts its class token.
void ClassTokenImpl::reset() { token = register_parameter("token", torch::zeros({1, 1, width})); }

torch::Tensor ClassTokenImpl::forward(const torch::Tensor& tokens) {
    return torch::cat({token.to(tokens.scalar_type()).expand({tokens.size(0), 1, width}), tokens}, 1);
}

PositionEmbeddingImpl::PositionEmbeddingImpl(int64_t count_, int64_t width_) : count(count_), width(width_) {
    reset();
}

// Normal with std 0.02, as torchvision's ViT.
void PositionEmbeddingImpl::reset() {
    embedding = register_parameter("embedding", torch::empty({1, count, width}));
    torch::NoGradGuard noGrad;
    embedding.normal_(0.0, 0.02);
}

torch::Tensor PositionEmbeddingImpl::forward(const torch::Tensor& tokens) { return tokens + embedding; }

SelfAttentionImpl::SelfAttentionImpl(int64_t width_, int64_t heads_, double dropout_, bool bias_)
    : width(width_), heads(heads_), dropout(dropout_), hasBias(bias_) {
    reset();
}

// nn::MultiheadAttentionImpl::reset's registrations and draws: in_proj_weight, in_proj_bias,
// out_proj (a Linear: its own default draws), then xavier for in_proj_weight and zero biases.
void SelfAttentionImpl::reset() {
    in_proj_weight = register_parameter("in_proj_weight", torch::empty({3 * width, width}));
    if (hasBias)
        in_proj_bias = register_parameter("in_proj_bias", torch::empty(3 * width));
    else
        in_proj_bias = register_parameter("in_proj_bias", {}, /*requires_grad=*/false);
    out_proj = register_module("out_proj", OneDnnLinear(torch::nn::LinearOptions(width, width).bias(hasBias)));
    torch::NoGradGuard noGrad;
    torch::nn::init::xavier_uniform_(in_proj_weight);
    if (hasBias) {
        in_proj_bias.zero_();
        out_proj->bias.zero_();
    }
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& tokens) {
    const int64_t n = tokens.size(0), t = tokens.size(1), headWidth = width / heads;
    // One projection for q, k and v: [N, T, 3D] -> 3 x [N, heads, T, D/heads].
    const torch::Tensor qkv = OneDnnLinearImpl::linear(tokens, in_proj_weight, in_proj_bias)
                                  .view({n, t, 3, heads, headWidth})
                                  .permute({2, 0, 3, 1, 4});
    const int64_t groups = n * heads;  // one product per image and head
    const torch::Tensor q = (qkv[0] * (1.0 / std::sqrt(double(headWidth)))).reshape({groups, t, headWidth});
    const torch::Tensor keysT = qkv[1].transpose(-2, -1).reshape({groups, headWidth, t});
    torch::Tensor weights = torch::softmax(batchedMatmul(q, keysT), -1);  // [N·heads, T, T]
    if (keepAttention) lastAttention = weights.detach().view({n, heads, t, t});
    if (dropout > 0 && is_training()) weights = torch::dropout(weights, dropout, true);
    const torch::Tensor mixed = batchedMatmul(weights, qkv[2].reshape({groups, t, headWidth}));
    return out_proj(mixed.view({n, heads, t, headWidth}).transpose(1, 2).reshape({n, t, width}));
}

torch::Tensor TokenPoolImpl::forward(const torch::Tensor& tokens) {
    return mean ? tokens.mean(1) : tokens.select(1, 0);
}

}  // namespace strata
