#include "train/Optimizers.h"

#include <cmath>
#include <stdexcept>

namespace strata {

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const TrainConfig& c, const std::vector<torch::Tensor>& params) {
    namespace optim = torch::optim;
    if (c.optimizer == "sgd")
        return std::make_unique<optim::SGD>(
            params, optim::SGDOptions(c.lr).momentum(c.momentum).weight_decay(c.weightDecay));
    if (c.optimizer == "adam")
        return std::make_unique<optim::Adam>(params, optim::AdamOptions(c.lr).weight_decay(c.weightDecay));
    if (c.optimizer == "adamw")
        return std::make_unique<optim::AdamW>(params, optim::AdamWOptions(c.lr).weight_decay(c.weightDecay));
    throw std::invalid_argument("unknown optimizer \"" + c.optimizer + "\"");
}

double scheduledLearningRate(const TrainConfig& c, int epoch) {
    const int e = epoch - 1;  // epochs completed before this one
    if (c.schedule == "cosine") return c.lr * 0.5 * (1.0 + std::cos(M_PI * double(e) / double(c.epochs)));
    if (c.schedule == "step") {
        const int every = std::max(1, c.epochs / 3);
        return c.lr * std::pow(0.1, e / every);
    }
    return c.lr;
}

void setLearningRate(torch::optim::Optimizer& optimizer, double lr) {
    for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

}  // namespace strata
