#include "compile/BatchedMatmul.h"

#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>

#include <algorithm>

namespace strata {

namespace {

// c [M, N] = a [M, K] x b [K, N], row-major: the inner loop runs along rows of b and c, which
// the compiler vectorizes.
inline __attribute__((always_inline)) void productBody(const float* a, const float* b, float* c, int64_t m,
                                                       int64_t k, int64_t n) {
    for (int64_t i = 0; i < m; ++i) {
        float* ci = c + i * n;
        std::fill(ci, ci + n, 0.0f);
        for (int64_t p = 0; p < k; ++p) {
            const float ap = a[i * k + p];
            const float* bp = b + p * n;
            for (int64_t j = 0; j < n; ++j) ci[j] += ap * bp[j];
        }
    }
}

__attribute__((target("avx2,fma"))) void productAvx2(const float* a, const float* b, float* c, int64_t m, int64_t k,
                                                     int64_t n) {
    productBody(a, b, c, m, k, n);
}

void productPlain(const float* a, const float* b, float* c, int64_t m, int64_t k, int64_t n) {
    productBody(a, b, c, m, k, n);
}

bool hasAvx2() {
    static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return yes;
}

torch::Tensor product(const torch::Tensor& x, const torch::Tensor& y) {
    const torch::Tensor a = x.contiguous(), b = y.contiguous();
    const int64_t g = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
    torch::Tensor c = torch::empty({g, m, n}, a.options());
    const float* pa = a.data_ptr<float>();
    const float* pb = b.data_ptr<float>();
    float* pc = c.data_ptr<float>();
    const auto kernel = hasAvx2() ? productAvx2 : productPlain;
    at::parallel_for(0, g, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) kernel(pa + i * m * k, pb + i * k * n, pc + i * m * n, m, k, n);
    });
    return c;
}

struct BatchedMatmulFunction : public torch::autograd::Function<BatchedMatmulFunction> {
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& a,
                                 const torch::Tensor& b) {
        ctx->save_for_backward({a, b});
        return product(a, b);
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list grads) {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor& grad = grads[0];
        return {product(grad, saved[1].transpose(1, 2)), product(saved[0].transpose(1, 2), grad)};
    }
};

}  // namespace

torch::Tensor batchedMatmul(const torch::Tensor& a, const torch::Tensor& b) {
    const bool plainFloat = a.scalar_type() == torch::kFloat && b.scalar_type() == torch::kFloat &&
                            a.device().is_cpu() && b.device().is_cpu() && a.dim() == 3 && b.dim() == 3 &&
                            !at::autocast::is_cpu_enabled() && a.numel() > 0 && b.numel() > 0;
    if (!plainFloat) return torch::matmul(a, b);
    return BatchedMatmulFunction::apply(a, b);
}

}  // namespace strata
