#include "insight/GradientNorms.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace strata {

namespace {

// Sum of squares of a gradient, in plain C++ on its data: per step, torch ops here would cost
// an op dispatch each, and switching torch to one thread for them (at::set_num_threads) tears
// down and rebuilds its thread pools every step, which made studio training 3x slower than
// headless. Eight float lanes over short blocks keep it vectorizable and accurate; the blocks
// add up in double.
double squaredNorm(const torch::Tensor& grad) {
    const torch::Tensor g = grad.scalar_type() == torch::kFloat32 && grad.is_contiguous()
                                ? grad
                                : grad.detach().to(torch::kFloat32).contiguous();
    const float* p = g.data_ptr<float>();
    const int64_t n = g.numel();
    constexpr int64_t kBlock = 4096, kLanes = 8;
    double total = 0;
    for (int64_t begin = 0; begin < n; begin += kBlock) {
        const int64_t end = std::min(n, begin + kBlock);
        float lanes[kLanes] = {};
        int64_t i = begin;
        for (; i + kLanes <= end; i += kLanes)
            for (int64_t l = 0; l < kLanes; ++l) lanes[l] += p[i + l] * p[i + l];
        for (; i < end; ++i) lanes[0] += p[i] * p[i];
        for (float v : lanes) total += double(v);
    }
    return total;
}

}  // namespace

GradientNormsObserver::GradientNormsObserver(const GradientHistory& earlier) : history_(earlier) {
    if (history_.steps.size() >= 2) stride_ = std::max<int64_t>(1, history_.steps[1] - history_.steps[0]);
    else if (history_.steps.size() == 1) stride_ = std::max<int64_t>(1, history_.steps[0]);
}

void GradientNormsObserver::afterBackward(GraphModuleImpl& model, int64_t step) {
    // Squared norms per layer (the module path's first part is the node id). A layer with
    // parameters but no gradient is frozen (transfer): its row stays, empty (NaN).
    std::map<std::string, double> squares;
    std::set<std::string> withParameters;
    for (const auto& item : model.named_parameters(/*recurse=*/true)) {
        const std::string layer = item.key().substr(0, item.key().find('.'));
        withParameters.insert(layer);
        const torch::Tensor& g = item.value().grad();
        if (g.defined()) squares[layer] += squaredNorm(g);
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (history_.layers.empty()) {
        for (const CompiledLayer& l : model.layers())
            if (withParameters.count(l.id)) history_.layers.push_back(l.id);
    }
    if (sum_.size() != history_.layers.size()) sum_.assign(history_.layers.size(), 0.0);
    for (size_t i = 0; i < history_.layers.size(); ++i) {
        auto it = squares.find(history_.layers[i]);
        sum_[i] += it == squares.end() ? std::nan("") : std::sqrt(it->second);
    }
    if (++pending_ < stride_) return;

    // Close the column: one value per layer, appended to each row of the row-major table.
    const size_t rows = history_.layers.size(), cols = history_.steps.size();
    std::vector<float> norms;
    norms.reserve(rows * (cols + 1));
    for (size_t r = 0; r < rows; ++r) {
        norms.insert(norms.end(), history_.norms.begin() + ptrdiff_t(r * cols), history_.norms.begin() + ptrdiff_t((r + 1) * cols));
        norms.push_back(float(sum_[r] / double(pending_)));
    }
    history_.norms = std::move(norms);
    history_.steps.push_back(step);
    sum_.assign(rows, 0.0);
    pending_ = 0;
    if (history_.steps.size() >= kMaxColumns) compact();
}

void GradientNormsObserver::compact() {
    const size_t rows = history_.layers.size(), cols = history_.steps.size(), half = cols / 2;
    std::vector<float> norms;
    norms.reserve(rows * half);
    for (size_t r = 0; r < rows; ++r)
        for (size_t c = 0; c < half; ++c)
            norms.push_back(0.5f * (history_.norms[r * cols + 2 * c] + history_.norms[r * cols + 2 * c + 1]));
    std::vector<int64_t> steps;
    for (size_t c = 0; c < half; ++c) steps.push_back(history_.steps[2 * c + 1]);
    // (cols is even: compaction runs as the table reaches kMaxColumns, an even number.)
    history_.norms = std::move(norms);
    history_.steps = std::move(steps);
    stride_ *= 2;
}

GradientHistory GradientNormsObserver::history() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return history_;
}

}  // namespace strata
