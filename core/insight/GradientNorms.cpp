#include "insight/GradientNorms.h"

#include <cmath>
#include <map>

#include "insight/SmallTensorThreads.h"

namespace strata {

GradientNormsObserver::GradientNormsObserver(const GradientHistory& earlier) : history_(earlier) {
    if (history_.steps.size() >= 2) stride_ = std::max<int64_t>(1, history_.steps[1] - history_.steps[0]);
    else if (history_.steps.size() == 1) stride_ = std::max<int64_t>(1, history_.steps[0]);
}

void GradientNormsObserver::afterBackward(GraphModuleImpl& model, int64_t step) {
    // Squared norms per layer (the module path's first part is the node id), in layer order.
    // One tensor of squared norms and one copy out: a sync per parameter would cost more than
    // the arithmetic on small layers.
    std::vector<std::string> owners;
    std::vector<torch::Tensor> parts;
    {
        torch::NoGradGuard noGrad;
        SingleThreaded oneThread;  // a few small reductions per step
        for (const auto& item : model.named_parameters(/*recurse=*/true)) {
            const torch::Tensor& g = item.value().grad();
            if (!g.defined()) continue;
            owners.push_back(item.key().substr(0, item.key().find('.')));
            parts.push_back(g.detach().to(torch::kFloat32).square().sum().to(torch::kFloat64));
        }
    }
    std::map<std::string, double> squares;
    if (!parts.empty()) {
        const torch::Tensor all = torch::stack(parts).contiguous();
        const double* v = all.data_ptr<double>();
        for (size_t i = 0; i < owners.size(); ++i) squares[owners[i]] += v[i];
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (history_.layers.empty()) {
        for (const CompiledLayer& l : model.layers())
            if (squares.count(l.id)) history_.layers.push_back(l.id);
    }
    if (sum_.size() != history_.layers.size()) sum_.assign(history_.layers.size(), 0.0);
    for (size_t i = 0; i < history_.layers.size(); ++i) {
        auto it = squares.find(history_.layers[i]);
        sum_[i] += it == squares.end() ? 0.0 : std::sqrt(it->second);
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
