#include "insight/Confusion.h"

namespace strata {

ConfusionView confusionView(const torch::Tensor& predicted, const torch::Tensor& labels,
                            const std::vector<std::string>& paths, int classes, int examplesPerCell) {
    ConfusionView v;
    v.counts.assign(size_t(classes), std::vector<int64_t>(size_t(classes), 0));
    v.examplePaths.assign(size_t(classes), std::vector<std::vector<std::string>>(size_t(classes)));
    torch::Tensor p = predicted.to(torch::kInt64).contiguous(), t = labels.to(torch::kInt64).contiguous();
    auto pa = p.accessor<int64_t, 1>();
    auto ta = t.accessor<int64_t, 1>();
    for (int64_t i = 0; i < pa.size(0); ++i) {
        const int64_t truth = ta[i], guess = pa[i];
        if (truth < 0 || guess < 0 || truth >= classes || guess >= classes) continue;
        v.counts[size_t(truth)][size_t(guess)] += 1;
        auto& cell = v.examplePaths[size_t(truth)][size_t(guess)];
        if (int(cell.size()) < examplesPerCell && size_t(i) < paths.size() && !paths[size_t(i)].empty())
            cell.push_back(paths[size_t(i)]);
    }
    for (int c = 0; c < classes; ++c) {
        int64_t total = 0;
        for (int64_t n : v.counts[size_t(c)]) total += n;
        v.perClassAccuracy.push_back(total ? double(v.counts[size_t(c)][size_t(c)]) / double(total) : 0.0);
    }
    return v;
}

}  // namespace strata
