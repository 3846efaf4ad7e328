#pragma once
// The attention computations behind AttentionMaps.h on a live model and on attention tensors,
// so the engine tests can check them on hand-made weights. Internal to core/insight (torch).
#include <torch/torch.h>

#include <vector>

#include "compile/GraphModule.h"
#include "insight/AttentionMaps.h"
#include "insight/SampleSet.h"

namespace strata {

// [heads, T, T] attention of one image -> [heads, patches]: the class token's row (firstPatch
// 1), else the mean over query tokens, restricted to the patch keys.
torch::Tensor patchAttention(const torch::Tensor& attention, const TokenGrid& grid);

// Abnar & Zuidema's rollout of per-block [heads, T, T] attention (execution order): heads
// averaged, the identity added, rows normalized, multiplied from the first block to the last.
// Returns the [T, T] product.
torch::Tensor rolloutMatrix(const std::vector<torch::Tensor>& attentions);

// Sum over images of each head's mean attention distance, in pixels, for [N, heads, T, T]
// attention: for each query patch, the attention-weighted distance between patch centres over
// the patch keys (their weights renormalized to sum to 1), averaged over query patches.
// Returns float64 [heads].
torch::Tensor attentionDistanceSum(const torch::Tensor& attention, const TokenGrid& grid);

// The attention view of a model in eval mode for `probe` ([1, C, H, W] normalized, shown as
// `picture`), with distances over `sample` (may be empty). Restores the model's mode.
AttentionView attentionOn(GraphModuleImpl& model, const torch::Tensor& probe, const Picture& picture,
                          const SampleSet& sample);

}  // namespace strata
