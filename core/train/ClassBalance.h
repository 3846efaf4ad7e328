#pragma once
// Class imbalance: loss weights by inverse class frequency (`--class-weights auto`) and a
// class-balanced epoch order (`--sampler balanced`). Torch-free, pure functions of the labels.
#include <cstdint>
#include <vector>

namespace strata {

// Images per class among `labels` (values in [0, classes)).
std::vector<int64_t> classCounts(const std::vector<int64_t>& labels, int classes);
// 1 / count per class, scaled so the classes present average 1; an absent class gets 0.
std::vector<double> inverseFrequencyWeights(const std::vector<int64_t>& counts);
// One epoch of `labels.size()` positions into `labels`, drawn with replacement so that each
// position's probability is proportional to 1 / its class's count: a class uniformly among
// those present, then an image of it uniformly. Plain modulo draws, so the order is the same
// wherever Strata is built.
std::vector<int64_t> balancedOrder(const std::vector<int64_t>& labels, int classes, uint64_t seed);

}  // namespace strata
