#pragma once
// Linear and MaxPool2d layers that run on oneDNN (bundled with libtorch) for fp32 CPU tensors.
//
// Why: libtorch's nn::Linear goes through whatever BLAS the system's libblas.so.3 points to,
// which on a stock Debian machine is the single-threaded reference BLAS; measured on the
// reference CNN it took two thirds of every training step (fc1 forward + backward: 40 ms on
// reference BLAS, 3 ms on oneDNN's inner product). libtorch's NCHW max pooling is likewise
// 2-3x slower than oneDNN's. Both modules keep nn::Linear's / nn::MaxPool2d's parameters,
// names and initialization, so run files, checkpoints and seeds are unchanged; only the kernel
// differs. Max pooling gives bit-identical outputs and gradients (ties go to the same element)
// except where windows overlap, where gradient sums may differ in the last bit. The inner
// product differs from BLAS by float rounding only.
//
// Max pooling also takes bf16 tensors (as bf16 autocast's convolutions produce) where the CPU
// has oneDNN's bf16 kernels: 2.6x faster than libtorch's bf16 pooling here.
//
// Anything oneDNN does not take (Linear under bf16 autocast, which autocast itself sends to
// oneDNN's bf16 matmul; other dtypes; empty batches; a libtorch built without MKLDNN;
// at::globalContext().setUserEnabledMkldnn(false)) falls back to the plain torch functions.
#include <torch/torch.h>

namespace strata {

class OneDnnLinearImpl : public torch::nn::Cloneable<OneDnnLinearImpl> {
public:
    explicit OneDnnLinearImpl(const torch::nn::LinearOptions& options);
    void reset() override;
    void pretty_print(std::ostream& stream) const override;
    torch::Tensor forward(const torch::Tensor& input);
    // The kernel choice above for any weight (attention's in_proj uses it): x W^T + b over the
    // last axis of `input`, any number of leading axes; `bias` may be undefined.
    static torch::Tensor linear(const torch::Tensor& input, const torch::Tensor& weight, const torch::Tensor& bias);

    torch::nn::LinearOptions options;
    torch::Tensor weight;
    torch::Tensor bias;
};
TORCH_MODULE(OneDnnLinear);

class OneDnnMaxPool2dImpl : public torch::nn::Cloneable<OneDnnMaxPool2dImpl> {
public:
    explicit OneDnnMaxPool2dImpl(const torch::nn::MaxPool2dOptions& options);
    void reset() override {}
    void pretty_print(std::ostream& stream) const override;
    torch::Tensor forward(const torch::Tensor& input);

    torch::nn::MaxPool2dOptions options;
};
TORCH_MODULE(OneDnnMaxPool2d);

// Whether OneDnnLinear would hand `input` to oneDNN (exposed for tests and benchmarks).
bool oneDnnTakes(const torch::Tensor& input);
// Whether OneDnnMaxPool2d would.
bool oneDnnPoolTakes(const torch::Tensor& input);

}  // namespace strata
