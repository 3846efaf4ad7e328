#pragma once
// Batched matrix products for attention's small matrices ([N·heads, T, T] x [N·heads, T, D/heads]).
//
// Why: torch::matmul of 3-D fp32 tensors goes to aten::bmm, which here loops over the batch
// one BLAS call at a time on the system's reference BLAS (single-threaded, scalar): on
// vit-tiny it took more CPU time than all the Linear layers together (4.3 ms per 256x50x16x50
// product; oneDNN's Linear runs 40 times the work in 0.9 ms). This kernel splits the batch
// across the compute threads and vectorizes the inner loop (AVX2/FMA where the CPU has them),
// with its own backward. Each product is computed by one thread in a fixed order, so results
// are deterministic for any thread count. Anything else (bf16 under autocast, other dtypes)
// falls back to torch::matmul.
#include <torch/torch.h>

namespace strata {

// a [G, M, K] x b [G, K, N] -> [G, M, N], differentiable in both.
torch::Tensor batchedMatmul(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace strata
