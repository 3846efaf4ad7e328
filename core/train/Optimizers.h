#pragma once
// Optimizer construction and the learning-rate schedules, kept stateless (a function of the
// epoch) so a resumed run needs no scheduler state to continue exactly.
#include <torch/torch.h>

#include <memory>
#include <vector>

#include "train/TrainConfig.h"

namespace strata {

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const TrainConfig& config,
                                                       const std::vector<torch::Tensor>& parameters);

// Learning rate for a 1-based epoch: constant (none), half-cosine from lr to 0 (cosine), or
// divided by 10 every third of the run (step).
double scheduledLearningRate(const TrainConfig& config, int epoch);

void setLearningRate(torch::optim::Optimizer& optimizer, double lr);

}  // namespace strata
