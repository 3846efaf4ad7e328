#include "train/ExampleRecorder.h"

#include <algorithm>
#include <cstdlib>

namespace strata {

namespace {

constexpr int64_t kEvalBatch = 256;

std::vector<std::string> pathsOf(const std::vector<std::string>& paths, const std::vector<int64_t>& idx) {
    std::vector<std::string> out;
    out.reserve(idx.size());
    for (int64_t i : idx) out.push_back(size_t(i) < paths.size() ? paths[size_t(i)] : std::string());
    return out;
}

// Eval-mode probabilities of each image's label and the argmax, in batches.
void evaluateIndices(GraphModule& model, const BatchSource& source, const std::vector<int64_t>& indices,
                     std::vector<float>& p, std::vector<int>& predicted) {
    p.assign(indices.size(), 0.f);
    predicted.assign(indices.size(), 0);
    if (indices.empty()) return;
    const bool wasTraining = model->is_training();
    model->eval();
    torch::NoGradGuard noGrad;
    for (size_t begin = 0; begin < indices.size(); begin += kEvalBatch) {
        const size_t end = std::min(indices.size(), begin + size_t(kEvalBatch));
        const std::vector<int64_t> batch(indices.begin() + long(begin), indices.begin() + long(end));
        const torch::Tensor logits = model->forward(source.images(batch)).to(torch::kFloat32);
        const torch::Tensor labels = source.labelsOf(batch);
        const torch::Tensor probs = torch::softmax(logits, 1).gather(1, labels.unsqueeze(1)).squeeze(1).contiguous();
        const torch::Tensor argmax = logits.argmax(1).contiguous();
        std::copy_n(probs.data_ptr<float>(), batch.size(), p.begin() + long(begin));
        std::copy_n(argmax.data_ptr<int64_t>(), batch.size(), predicted.begin() + long(begin));
    }
    model->train(wasTraining);
}

}  // namespace

bool exampleRecordEnabled() { return std::getenv("STRATA_NO_EXAMPLE_RECORD") == nullptr; }

ExampleRecorder::ExampleRecorder(const TrainingData& data, Mode mode, RunData& run, bool resumed)
    : data_(data), fromForwardPasses_(mode == Mode::ForwardPasses), active_(mode != Mode::Off) {
    ExampleRecord& record = run.examples;
    if (!active_) return;
    if (resumed && record.epochs() != run.epoch) {  // trained (in part) before the record existed
        active_ = false;
        record = ExampleRecord();
        return;
    }
    if (resumed) return;  // continues the recorded rows
    record = ExampleRecord();
    record.train.paths = pathsOf(data.images.paths, data.trainIdx);
    for (int64_t i : data.trainIdx) record.train.labels.push_back(data.images.labels[size_t(i)]);
    if (!data.hasVal()) return;
    const torch::Tensor labels = data.valSource().labels().contiguous();
    record.val.paths = data.val ? pathsOf(data.valPaths, data.valIdx) : pathsOf(data.images.paths, data.valIdx);
    for (int64_t i : data.valIdx) record.val.labels.push_back(labels[long(i)].item<int64_t>());
}

void ExampleRecorder::beginEpoch() {
    const size_t n = data_.trainIdx.size();
    probability_.assign(n, 0.f);
    predicted_.assign(n, 0);
    seen_.assign(n, 0);
}

void ExampleRecorder::observeBatch(const std::vector<int64_t>& order, int64_t first, const torch::Tensor& logits,
                                   const torch::Tensor& labels) {
    if (!active_ || !fromForwardPasses_) return;
    const torch::NoGradGuard noGrad;
    const torch::Tensor detached = logits.detach().to(torch::kFloat32);
    const torch::Tensor probs = torch::softmax(detached, 1).gather(1, labels.unsqueeze(1)).squeeze(1).contiguous();
    const torch::Tensor argmax = detached.argmax(1).contiguous();
    const float* p = probs.data_ptr<float>();
    const int64_t* a = argmax.data_ptr<int64_t>();
    for (int64_t i = 0; i < probs.size(0); ++i) {
        const size_t at = size_t(order[size_t(first + i)]);
        probability_[at] = p[i];
        predicted_[at] = int(a[i]);
        seen_[at] = 1;
    }
}

// Images this rank's passes did not give a value: all of them with augmentation, else at most
// a skipped final batch (and, data-parallel, the other ranks' shards, which they fill).
void ExampleRecorder::evaluateMissing(GraphModule& model) {
    std::vector<int64_t> positions, indices;
    for (size_t i = 0; i < seen_.size(); ++i)
        if (!seen_[i]) positions.push_back(int64_t(i)), indices.push_back(data_.trainIdx[i]);
    std::vector<float> p;
    std::vector<int> predicted;
    evaluateIndices(model, *data_.train, indices, p, predicted);
    for (size_t k = 0; k < positions.size(); ++k) {
        probability_[size_t(positions[k])] = p[k];
        predicted_[size_t(positions[k])] = predicted[k];
    }
}

void ExampleRecorder::evaluateVal(GraphModule& model, std::vector<float>& p, std::vector<int>& predicted) {
    evaluateIndices(model, data_.valSource(), data_.valIdx, p, predicted);
}

void ExampleRecorder::endEpoch(GraphModule& model, RunData& run) {
    if (!active_) return;
    evaluateMissing(model);
    run.examples.train.appendEpoch(probability_, predicted_);
    if (run.examples.val.images() == 0) return;
    std::vector<float> p;
    std::vector<int> predicted;
    evaluateVal(model, p, predicted);
    run.examples.val.appendEpoch(p, predicted);
}

}  // namespace strata
