#include "train/LrFinder.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

#include "compile/GraphModule.h"
#include "data/InputSpec.h"
#include "design/DesignAnalysis.h"
#include "train/BatchAssembler.h"
#include "train/ClassBalance.h"
#include "train/Optimizers.h"
#include "train/TorchState.h"
#include "train/TrainingData.h"

namespace strata {

namespace {

torch::Tensor lossWeights(const TrainConfig& cfg, const TrainingData& data) {
    if (cfg.classWeights != "auto") return {};
    const torch::Tensor labels = data.train->labels().contiguous();
    std::vector<int64_t> trainLabels;
    for (int64_t index : data.trainIdx) trainLabels.push_back(labels.data_ptr<int64_t>()[index]);
    const std::vector<double> w = inverseFrequencyWeights(classCounts(trainLabels, data.classCount()));
    return torch::tensor(std::vector<float>(w.begin(), w.end()), torch::kFloat32);
}

// The batches of the ramp: seeded shuffles of the training images, one epoch after another.
std::vector<int64_t> rampBatch(const TrainingData& data, int64_t step, int64_t batchSize, uint64_t seed) {
    const int64_t n = int64_t(data.trainIdx.size());
    const int64_t perEpoch = std::max<int64_t>(1, n / std::min(n, batchSize));
    const int64_t epoch = step / perEpoch, first = (step % perEpoch) * batchSize;
    const std::vector<int64_t> order = shuffledIndices(n, seed * 1000003ull + uint64_t(epoch));
    std::vector<int64_t> batch;
    for (int64_t i = first; i < std::min(n, first + batchSize); ++i) batch.push_back(data.trainIdx[size_t(order[size_t(i)])]);
    return batch;
}

}  // namespace

LrCurve findLearningRate(const Design& design, TrainConfig cfg, const LrRamp& ramp, const LrFindEvents& events,
                         const std::atomic<bool>* stop) {
    cfg.validate();
    if (cfg.threads == 0) cfg.threads = int(std::max(1u, std::thread::hardware_concurrency()));
    at::set_num_threads(cfg.threads);
    const DesignAnalysis analysis = analyzeDesign(design, 10);
    if (!analysis.valid()) throw DesignError(analysis.issues.front().text());
    const auto log = [&events](const std::string& m) {
        if (events.log) events.log(m);
    };
    TrainingData data = loadTrainingData(cfg, inputImageSpec(design), nullptr, events.loading, log);
    GraphModule model{nullptr};
    {
        const std::lock_guard<std::mutex> draws(defaultGeneratorMutex());
        torch::manual_seed(cfg.seed);
        model = GraphModule(design, data.classCount());
    }
    model->useChannelsLast();
    auto optimizer = makeOptimizer(cfg, model->trainableParameters());
    model->train();
    const BatchAssembler assembler(*data.train);
    const Augment augment = parseAugment(cfg.augment);
    std::mt19937_64 augmentRng(uint64_t(cfg.seed) ^ 0xA5A5A5A5A5A5A5A5ull);
    const torch::Tensor weights = lossWeights(cfg, data);
    const auto options = torch::nn::functional::CrossEntropyFuncOptions().weight(weights);

    LrCurve curve;
    for (double lr : rampLearningRates(ramp)) {
        if (stop && stop->load()) break;
        const Batch batch = assembler.make(rampBatch(data, int64_t(curve.lrs.size()), cfg.batchSize, uint64_t(cfg.seed)),
                                           augment, &augmentRng);
        setLearningRate(*optimizer, lr);
        optimizer->zero_grad();
        torch::Tensor loss = torch::nn::functional::cross_entropy(model->forward(batch.images), batch.labels, options);
        const double value = loss.item<double>();
        curve.lrs.push_back(lr);
        curve.losses.push_back(value);
        curve.smoothed = smoothLosses(curve.losses, ramp.smoothing);
        if (events.step) events.step(int(curve.lrs.size()), lr, value);
        if (!std::isfinite(value) || lossDiverged(curve.smoothed, ramp.divergeFactor)) {
            curve.diverged = true;
            break;
        }
        loss.backward();
        optimizer->step();
    }
    curve.suggestion = suggestLearningRate(curve.lrs, curve.losses);
    return curve;
}

}  // namespace strata
