#pragma once
// The torch modules of the token layers (design/layers/TokenLayers.cpp). Tensors are batch
// first: tokens are [N, T, D]. Parameter names, shapes and initial draws match PyTorch's
// (nn.Conv2d for PatchEmbed, nn.MultiheadAttention), so a checkpoint maps one to one onto a
// PyTorch ViT and the ONNX export can name its initializers the same way.
#include <torch/torch.h>

#include "compile/OneDnnLayers.h"

namespace strata {

// Conv2d(C, D, kernel_size = stride = p) with bias, then flatten(2).transpose(1, 2).
class PatchEmbedImpl : public torch::nn::Cloneable<PatchEmbedImpl> {
public:
    PatchEmbedImpl(int64_t channels, int64_t patchSize, int64_t embedDim);
    void reset() override;
    torch::Tensor forward(const torch::Tensor& image);

    int64_t channels, patchSize, embedDim;
    torch::Tensor weight, bias;
};
TORCH_MODULE(PatchEmbed);

// A learned [1, 1, D] token put in front of the sequence: [N, T, D] -> [N, T + 1, D].
class ClassTokenImpl : public torch::nn::Cloneable<ClassTokenImpl> {
public:
    explicit ClassTokenImpl(int64_t width);
    void reset() override;
    torch::Tensor forward(const torch::Tensor& tokens);

    int64_t width;
    torch::Tensor token;
};
TORCH_MODULE(ClassToken);

// A learned [1, T, D] embedding added to the tokens.
class PositionEmbeddingImpl : public torch::nn::Cloneable<PositionEmbeddingImpl> {
public:
    PositionEmbeddingImpl(int64_t count, int64_t width);
    void reset() override;
    torch::Tensor forward(const torch::Tensor& tokens);

    int64_t count, width;
    torch::Tensor embedding;
};
TORCH_MODULE(PositionEmbedding);

// Self-attention with torch::nn::MultiheadAttention's parameters (in_proj_weight [3D, D],
// in_proj_bias [3D], out_proj.weight/bias) and initialization, batch first. The projections
// run on oneDNN (OneDnnLinear), as Linear layers do.
class SelfAttentionImpl : public torch::nn::Cloneable<SelfAttentionImpl> {
public:
    SelfAttentionImpl(int64_t width, int64_t heads, double dropout, bool bias);
    void reset() override;
    torch::Tensor forward(const torch::Tensor& tokens);

    // When set, each forward keeps its attention weights [N, heads, T, T] (rows: the query
    // token, summing to 1; detached) in lastAttention, for the views that show them.
    bool keepAttention = false;
    torch::Tensor lastAttention;

    int64_t width, heads;
    double dropout;
    bool hasBias;
    torch::Tensor in_proj_weight, in_proj_bias;
    OneDnnLinear out_proj{nullptr};
};
TORCH_MODULE(SelfAttention);

// [N, T, D] -> [N, D]: the first token ("cls") or the mean over tokens ("mean").
class TokenPoolImpl : public torch::nn::Cloneable<TokenPoolImpl> {
public:
    explicit TokenPoolImpl(bool mean) : mean(mean) {}
    void reset() override {}
    torch::Tensor forward(const torch::Tensor& tokens);

    bool mean;
};
TORCH_MODULE(TokenPool);

}  // namespace strata
