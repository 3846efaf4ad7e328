#include "insight/LinearProbe.h"

#include <algorithm>

#include "train/Batches.h"

namespace strata {

namespace {
constexpr double kHeldOut = 0.3;
constexpr double kL2 = 1e-3;  // keeps separable data from driving the weights to infinity
}  // namespace

torch::Tensor pooledFeatures(const torch::Tensor& output) {
    torch::Tensor o = output.detach().to(torch::kFloat32);
    if (o.dim() == 4) return o.mean({2, 3});  // maps: pooled over positions
    if (o.dim() == 3) return o.mean(1);       // tokens [N, T, D]: pooled over tokens
    return o.reshape({o.size(0), -1});
}

double linearProbeAccuracy(const torch::Tensor& features, const torch::Tensor& labels, int classes, uint64_t seed,
                           int steps) {
    const int64_t n = features.size(0);
    if (n < 4 || classes < 2) return 0;
    const std::vector<int64_t> order = shuffledIndices(n, seed ^ 0x5EEDull);
    const int64_t held = std::clamp<int64_t>(int64_t(double(n) * kHeldOut), 1, n - 2);
    torch::Tensor heldIdx = torch::tensor(std::vector<int64_t>(order.begin(), order.begin() + held), torch::kInt64);
    torch::Tensor fitIdx = torch::tensor(std::vector<int64_t>(order.begin() + held, order.end()), torch::kInt64);

    torch::NoGradGuard outer;  // only the probe's own parameters get gradients, below
    torch::Tensor x = features.detach().to(torch::kFloat32).reshape({n, -1});
    torch::Tensor y = labels.to(torch::kInt64);
    torch::Tensor xFit = x.index_select(0, fitIdx), yFit = y.index_select(0, fitIdx);
    torch::Tensor mean = xFit.mean(0, /*keepdim=*/true), stdev = xFit.std(0, /*unbiased=*/false, /*keepdim=*/true);
    stdev = stdev.clamp_min(1e-6);
    xFit = (xFit - mean) / stdev;
    torch::Tensor xHeld = (x.index_select(0, heldIdx) - mean) / stdev;

    torch::Tensor w = torch::zeros({x.size(1), int64_t(classes)}).requires_grad_(true);
    torch::Tensor b = torch::zeros({int64_t(classes)}).requires_grad_(true);
    {
        torch::AutoGradMode enable(true);
        torch::optim::LBFGS lbfgs({w, b}, torch::optim::LBFGSOptions(1.0).max_iter(steps).line_search_fn("strong_wolfe"));
        auto closure = [&] {
            lbfgs.zero_grad();
            torch::Tensor loss = torch::nn::functional::cross_entropy(torch::addmm(b, xFit, w), yFit) +
                                 kL2 * w.pow(2).sum();
            loss.backward();
            return loss;
        };
        lbfgs.step(closure);
    }
    torch::Tensor predicted = torch::addmm(b, xHeld, w).argmax(1);
    return predicted.eq(y.index_select(0, heldIdx)).to(torch::kFloat64).mean().item<double>();
}

}  // namespace strata
