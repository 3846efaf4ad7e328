#pragma once
// Scoped CPU autocast to bfloat16 for the forward pass of a training step. Weights, gradients
// and optimizer state stay fp32; autocast only runs the eligible ops (convolutions, matrix
// products) on bf16 copies, as torch.autocast("cpu", dtype=torch.bfloat16) does in Python.
#include <ATen/ScalarType.h>

namespace strata {

class CpuAutocast {
public:
    // Does nothing when !enabled, so the fp32 path runs exactly as without it.
    explicit CpuAutocast(bool enabled);
    // Restores the previous autocast state and drops the cached bf16 weight copies (the
    // optimizer step changes the weights, so they must not outlive the forward pass).
    ~CpuAutocast();
    CpuAutocast(const CpuAutocast&) = delete;
    CpuAutocast& operator=(const CpuAutocast&) = delete;

private:
    bool enabled_;
    bool previousEnabled_ = false;
    at::ScalarType previousType_ = at::kBFloat16;
};

}  // namespace strata
