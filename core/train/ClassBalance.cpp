#include "train/ClassBalance.h"

#include <random>
#include <stdexcept>
#include <string>

namespace strata {

std::vector<int64_t> classCounts(const std::vector<int64_t>& labels, int classes) {
    std::vector<int64_t> counts(size_t(std::max(0, classes)), 0);
    for (int64_t label : labels) {
        if (label < 0 || label >= classes) throw std::out_of_range("label " + std::to_string(label) + " out of range");
        ++counts[size_t(label)];
    }
    return counts;
}

std::vector<double> inverseFrequencyWeights(const std::vector<int64_t>& counts) {
    std::vector<double> weights(counts.size(), 0.0);
    double sum = 0;
    int present = 0;
    for (size_t c = 0; c < counts.size(); ++c) {
        if (counts[c] <= 0) continue;
        weights[c] = 1.0 / double(counts[c]);
        sum += weights[c];
        ++present;
    }
    if (present > 0)
        for (double& w : weights) w *= double(present) / sum;
    return weights;
}

std::vector<int64_t> balancedOrder(const std::vector<int64_t>& labels, int classes, uint64_t seed) {
    std::vector<std::vector<int64_t>> members(size_t(std::max(0, classes)));
    for (size_t i = 0; i < labels.size(); ++i) {
        const int64_t label = labels[i];
        if (label < 0 || label >= classes) throw std::out_of_range("label " + std::to_string(label) + " out of range");
        members[size_t(label)].push_back(int64_t(i));
    }
    std::vector<const std::vector<int64_t>*> present;
    for (const auto& m : members)
        if (!m.empty()) present.push_back(&m);
    std::vector<int64_t> order;
    if (present.empty()) return order;
    order.reserve(labels.size());
    std::mt19937_64 rng(seed);
    for (size_t i = 0; i < labels.size(); ++i) {
        const std::vector<int64_t>& pick = *present[size_t(rng() % uint64_t(present.size()))];
        order.push_back(pick[size_t(rng() % uint64_t(pick.size()))]);
    }
    return order;
}

}  // namespace strata
