#include "train/Trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <thread>

#include "compile/GraphModule.h"
#include "data/ImageFolder.h"
#include "runs/RunFile.h"
#include "train/Batches.h"
#include "train/Evaluation.h"
#include "train/Optimizers.h"
#include "train/TorchState.h"
#include "Version.h"

namespace strata {

namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Distinct seeds for the independent random streams of a run, derived from the user's seed.
uint64_t splitSeed(int64_t seed) { return uint64_t(seed) * 0x9E3779B97F4A7C15ull + 1; }
uint64_t epochSeed(int64_t seed, int epoch) { return uint64_t(seed) * 1000003ull + uint64_t(epoch); }
uint64_t augmentSeed(int64_t seed, int epoch) { return epochSeed(seed, epoch) ^ 0xA5A5A5A5A5A5A5A5ull; }

ImageSpec inputSpec(const Design& design) {
    for (const Node& n : design.nodes)
        if (n.type == "Input") {
            auto get = [&](const char* key) { return n.params.at(key).get<int>(); };
            return {get("channels"), get("height"), get("width")};
        }
    throw DesignError("design has no Input node");
}

const char* const kEpochColumns[] = {"epoch",        "train_loss", "train_accuracy",    "val_loss",
                                     "val_accuracy", "seconds",    "images_per_second", "learning_rate"};

}  // namespace

struct Trainer::Impl {
    Design design;
    TrainConfig config;
    TrainEvents events;

    void log(const std::string& message) const {
        if (events.log) events.log(message);
    }
};

Trainer::Trainer(Design design, TrainConfig config) : impl_(std::make_unique<Impl>()) {
    impl_->design = std::move(design);
    impl_->config = std::move(config);
}

Trainer::~Trainer() = default;

void Trainer::setEvents(TrainEvents events) { impl_->events = std::move(events); }

TrainResult Trainer::run() {
    const Design& design = impl_->design;
    TrainConfig cfg = impl_->config;
    const TrainEvents& events = impl_->events;
    cfg.validate();
    if (cfg.threads == 0) cfg.threads = int(std::max(1u, std::thread::hardware_concurrency()));
    // OpenMP state is per thread: set it on the thread that trains.
    at::set_num_threads(cfg.threads);

    // Design errors first: they are cheaper to find than a decoded dataset.
    {
        DesignAnalysis a = analyzeDesign(design, 10);
        if (!a.valid()) throw DesignError(a.issues.front().text());
    }
    const ImageSpec spec = inputSpec(design);

    // Resume: the recorded run dictates the data statistics and must agree on the settings.
    RunData run;
    const bool resuming = cfg.resume;
    if (resuming) {
        if (cfg.run.empty()) throw std::invalid_argument("--resume needs --run RUN.h5");
        run = readRunFile(cfg.run);
        const nlohmann::json now = cfg.toJson();
        for (const char* const* key = TrainConfig::kResumeKeys; *key; ++key) {
            if (!run.config.contains(*key)) continue;
            if (run.config.at(*key) != now.at(*key))
                throw std::invalid_argument(cfg.run + ": setting \"" + *key + "\" was " + run.config.at(*key).dump() +
                                            " in the run but is " + now.at(*key).dump() + " now");
        }
        if (nlohmann::json::parse(run.designJson) != designToJson(design))
            throw std::invalid_argument(cfg.run + ": the design differs from the one the run was trained with");
    }

    DecodedImages images = loadImageFolder(cfg.data, spec, cfg.threads, events.loading);
    if (std::string report = skipReport(images); !report.empty()) impl_->log(cfg.data + ": " + report);
    const int classes = int(images.classes.size());

    std::vector<double> mean, stdev;
    if (resuming) {
        mean = run.config.at("mean").get<std::vector<double>>();
        stdev = run.config.at("std").get<std::vector<double>>();
    } else {
        channelMeanStd(images, mean, stdev);
    }
    BatchSource source(images, mean, stdev);

    // Training and validation indices: a held-out split of `data`, or a separate folder.
    std::vector<int64_t> trainIdx, valIdx;
    std::unique_ptr<BatchSource> valSource;
    if (cfg.valSplit > 0) {
        std::vector<int64_t> order = shuffledIndices(images.count(), splitSeed(cfg.seed));
        const int64_t nVal = std::max<int64_t>(1, std::llround(cfg.valSplit * images.count()));
        if (nVal >= images.count()) throw DataError(cfg.data + ": too few images for --val-split " + std::to_string(cfg.valSplit));
        valIdx.assign(order.begin(), order.begin() + nVal);
        trainIdx.assign(order.begin() + nVal, order.end());
        std::sort(trainIdx.begin(), trainIdx.end());
        std::sort(valIdx.begin(), valIdx.end());
    } else {
        trainIdx.resize(images.count());
        std::iota(trainIdx.begin(), trainIdx.end(), 0);
    }
    if (!cfg.val.empty()) {
        DecodedImages val = loadImageFolder(cfg.val, spec, cfg.threads);
        if (val.classes != images.classes)
            throw DataError(cfg.val + ": validation classes differ from the training classes in " + cfg.data);
        if (std::string report = skipReport(val); !report.empty()) impl_->log(cfg.val + ": " + report);
        valSource = std::make_unique<BatchSource>(val, mean, stdev);
        valIdx.resize(val.count());
        std::iota(valIdx.begin(), valIdx.end(), 0);
    }
    const BatchSource& valFrom = valSource ? *valSource : source;
    const bool hasVal = !valIdx.empty();

    // The module, its initial weights and the optimizer: seeded, so a run replays exactly.
    torch::manual_seed(cfg.seed);
    GraphModule model(design, classes);
    std::unique_ptr<torch::optim::Optimizer> optimizer = makeOptimizer(cfg, model->parameters());

    TrainResult result;
    MetricsSummary& metrics = result.metrics;
    metrics.design = design.name;
    metrics.parameters = model->analysis().totalParameters;
    metrics.classes = images.classes;
    metrics.seed = cfg.seed;
    metrics.threads = cfg.threads;
    result.runPath = cfg.run;

    if (resuming) {
        loadModuleState(*model, run.checkpoint, cfg.run);
        if (const NamedArray* state = findArray(run.optimizer, "state")) loadOptimizer(*optimizer, *state);
        if (const NamedArray* rng = findArray(run.optimizer, "rng")) loadRngState(*rng);
        for (size_t row = 0; row < run.epochMetrics["epoch"].size(); ++row) {
            auto col = [&](const char* name) {
                auto it = run.epochMetrics.find(name);
                return it == run.epochMetrics.end() ? 0.0 : it->second.at(row);
            };
            EpochRecord e;
            e.epoch = int(col("epoch"));
            e.trainLoss = col("train_loss");
            e.trainAccuracy = col("train_accuracy");
            e.hasVal = run.epochMetrics.count("val_loss") > 0;
            e.valLoss = col("val_loss");
            e.valAccuracy = col("val_accuracy");
            e.seconds = col("seconds");
            e.imagesPerSecond = col("images_per_second");
            e.learningRate = col("learning_rate");
            metrics.epochs.push_back(e);
        }
        impl_->log("resuming " + cfg.run + " after epoch " + std::to_string(run.epoch));
    } else {
        run = RunData();
        run.created = utcNowIso8601();
        run.designJson = designToString(design);
    }
    run.strataVersion = versionString();
    run.config = cfg.toJson();
    run.config["classes"] = images.classes;
    run.config["mean"] = mean;
    run.config["std"] = stdev;
    run.config["parameters"] = metrics.parameters;

    auto saveRun = [&](int epoch, int64_t step) {
        run.epoch = epoch;
        run.step = step;
        run.checkpoint = moduleState(*model);
        run.optimizer = {optimizerToArray(*optimizer), rngStateToArray()};
        run.epochColumns.clear();
        run.epochMetrics.clear();
        for (const char* column : kEpochColumns) {
            const std::string c = column;
            if (!hasVal && (c == "val_loss" || c == "val_accuracy")) continue;
            run.epochColumns.push_back(c);
            auto& values = run.epochMetrics[c];
            for (const EpochRecord& e : metrics.epochs) {
                values.push_back(c == "epoch"               ? e.epoch
                                 : c == "train_loss"        ? e.trainLoss
                                 : c == "train_accuracy"    ? e.trainAccuracy
                                 : c == "val_loss"          ? e.valLoss
                                 : c == "val_accuracy"      ? e.valAccuracy
                                 : c == "seconds"           ? e.seconds
                                 : c == "images_per_second" ? e.imagesPerSecond
                                                            : e.learningRate);
            }
        }
        if (!cfg.run.empty()) {
            std::filesystem::path parent = std::filesystem::path(cfg.run).parent_path();
            if (!parent.empty()) std::filesystem::create_directories(parent);
            writeRunFile(cfg.run, run);
        }
    };

    int64_t step = resuming ? run.step : 0;
    const int firstEpoch = resuming ? int(run.epoch) + 1 : 1;
    if (!resuming) saveRun(0, 0);  // epoch 0: even a run killed in its first epoch can resume

    const int64_t batchSize = cfg.batchSize;
    const int64_t batchesPerEpoch = (int64_t(trainIdx.size()) + batchSize - 1) / batchSize;
    const Augment augment = parseAugment(cfg.augment);
    const auto sessionStart = Clock::now();
    int64_t sessionImages = 0;
    model->train();

    for (int epoch = firstEpoch; epoch <= cfg.epochs; ++epoch) {
        const double lr = scheduledLearningRate(cfg, epoch);
        setLearningRate(*optimizer, lr);
        const std::vector<int64_t> order = shuffledIndices(int64_t(trainIdx.size()), epochSeed(cfg.seed, epoch));
        std::mt19937_64 augmentRng(augmentSeed(cfg.seed, epoch));
        const auto epochStart = Clock::now();
        double lossSum = 0;
        int64_t seen = 0, correct = 0;

        for (int64_t b = 0; b < batchesPerEpoch; ++b) {
            while (paused_ && !stopped_) std::this_thread::sleep_for(std::chrono::milliseconds(50));
            if (stopped_) {
                result.status = TrainResult::Status::Stopped;
                return result;
            }
            const int64_t begin = b * batchSize, end = std::min<int64_t>(begin + batchSize, int64_t(order.size()));
            // A final batch of one would break BatchNorm's batch statistics: skip it.
            if (end - begin < 2 && b > 0) break;
            std::vector<int64_t> batch;
            batch.reserve(end - begin);
            for (int64_t i = begin; i < end; ++i) batch.push_back(trainIdx[order[i]]);

            torch::Tensor x = source.images(batch, augment, &augmentRng);
            torch::Tensor y = source.labelsOf(batch);
            optimizer->zero_grad();
            torch::Tensor logits = model->forward(x);
            torch::Tensor loss = torch::nn::functional::cross_entropy(logits, y);
            const double lossValue = loss.item<double>();
            if (!std::isfinite(lossValue)) {
                result.status = TrainResult::Status::Failed;
                result.error = "the loss became " + std::string(std::isnan(lossValue) ? "NaN" : "infinite") +
                               " at epoch " + std::to_string(epoch) + ", batch " + std::to_string(b + 1) +
                               "; lower the learning rate (now " + c10::str(lr) +
                               ") or add normalization. The run file keeps the last complete epoch.";
                return result;
            }
            loss.backward();
            optimizer->step();
            ++step;

            lossSum += lossValue * double(batch.size());
            seen += int64_t(batch.size());
            correct += logits.argmax(1).eq(y).sum().item<int64_t>();
            sessionImages += int64_t(batch.size());
            run.steps.push_back(step);
            run.stepLoss.push_back(lossValue);

            if (events.batch) {
                BatchEvent ev;
                ev.epoch = epoch;
                ev.epochs = cfg.epochs;
                ev.batch = b + 1;
                ev.batches = batchesPerEpoch;
                ev.step = step;
                ev.loss = lossValue;
                ev.learningRate = lr;
                ev.imagesPerSecond = double(seen) / std::max(1e-9, secondsSince(epochStart));
                const double perImage = secondsSince(sessionStart) / double(sessionImages);
                const int64_t remaining = (batchesPerEpoch - b - 1) * batchSize +
                                          int64_t(cfg.epochs - epoch) * int64_t(trainIdx.size());
                ev.etaSeconds = perImage * double(remaining);
                events.batch(ev);
            }
        }
        const double trainSeconds = secondsSince(epochStart);

        EpochRecord record;
        record.epoch = epoch;
        record.trainLoss = lossSum / double(std::max<int64_t>(1, seen));
        record.trainAccuracy = double(correct) / double(std::max<int64_t>(1, seen));
        record.learningRate = lr;
        record.imagesPerSecond = double(seen) / std::max(1e-9, trainSeconds);
        if (hasVal) {
            EvalRecord v = evaluateModel(model, valFrom, valIdx, classes);
            record.hasVal = true;
            record.valLoss = v.loss;
            record.valAccuracy = v.accuracy;
        }
        record.seconds = secondsSince(epochStart);
        metrics.epochs.push_back(record);
        saveRun(epoch, step);
        if (events.epoch) events.epoch(record);
    }

    if (!cfg.test.empty()) {
        DecodedImages test = loadImageFolder(cfg.test, spec, cfg.threads);
        if (test.classes != images.classes)
            throw DataError(cfg.test + ": test classes differ from the training classes in " + cfg.data);
        if (std::string report = skipReport(test); !report.empty()) impl_->log(cfg.test + ": " + report);
        BatchSource testSource(test, mean, stdev);
        std::vector<int64_t> all(test.count());
        std::iota(all.begin(), all.end(), 0);
        metrics.test = evaluateModel(model, testSource, all, classes);
        metrics.hasTest = true;
    }
    result.status = TrainResult::Status::Finished;
    return result;
}

}  // namespace strata
