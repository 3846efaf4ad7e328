#include "train/Evaluation.h"

#include <algorithm>

namespace strata {

EvalRecord evaluateModel(GraphModule& model, const BatchSource& source, const std::vector<int64_t>& indices,
                         int classes, int batchSize) {
    EvalRecord r;
    r.confusion.assign(classes, std::vector<int64_t>(classes, 0));
    if (indices.empty()) return r;

    const bool wasTraining = model->is_training();
    model->eval();
    torch::NoGradGuard noGrad;
    double lossSum = 0;
    for (size_t begin = 0; begin < indices.size(); begin += batchSize) {
        const size_t end = std::min(indices.size(), begin + size_t(batchSize));
        std::vector<int64_t> batch(indices.begin() + begin, indices.begin() + end);
        torch::Tensor logits = model->forward(source.images(batch));
        torch::Tensor labels = source.labelsOf(batch);
        lossSum += torch::nn::functional::cross_entropy(
                       logits, labels, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                       .item<double>();
        torch::Tensor predicted = logits.argmax(1);
        auto p = predicted.accessor<int64_t, 1>();
        auto t = labels.accessor<int64_t, 1>();
        for (int64_t i = 0; i < p.size(0); ++i) r.confusion[t[i]][p[i]] += 1;
    }
    model->train(wasTraining);

    int64_t correct = 0;
    r.perClassAccuracy.assign(classes, 0.0);
    for (int c = 0; c < classes; ++c) {
        int64_t total = 0;
        for (int64_t v : r.confusion[c]) total += v;
        correct += r.confusion[c][c];
        r.perClassAccuracy[c] = total ? double(r.confusion[c][c]) / double(total) : 0.0;
    }
    r.loss = lossSum / double(indices.size());
    r.accuracy = double(correct) / double(indices.size());
    return r;
}

}  // namespace strata
