#include "train/Trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <numeric>
#include <thread>

#include "compile/GraphModule.h"
#include "data/ImageFolder.h"
#include "data/InputSpec.h"
#include "insight/FeaturesObserver.h"
#include "dist/DataParallel.h"
#include "runs/EpochTable.h"
#include "runs/RunFile.h"
#include "train/BatchPrefetcher.h"
#include "train/Batches.h"
#include "train/CpuAutocast.h"
#include "train/Evaluation.h"
#include "train/Optimizers.h"
#include "train/Precision.h"
#include "train/Shard.h"
#include "train/TorchState.h"
#include "train/TrainingObserver.h"
#include "Version.h"

namespace strata {

namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Distinct seeds for the independent random streams of a run, derived from the user's seed.
uint64_t splitSeed(int64_t seed) { return uint64_t(seed) * 0x9E3779B97F4A7C15ull + 1; }
uint64_t epochSeed(int64_t seed, int epoch) { return uint64_t(seed) * 1000003ull + uint64_t(epoch); }
uint64_t augmentSeed(int64_t seed, int epoch) { return epochSeed(seed, epoch) ^ 0xA5A5A5A5A5A5A5A5ull; }

// The settings a resumed run must share with the recorded one (DESIGN.md §3).
void checkResumable(const TrainConfig& cfg, const Design& design, const RunData& run) {
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

// A validation or test folder: decoded, its skips reported, its classes those of training.
DecodedImages loadLabeledFolder(const std::string& dir, const char* role, const ImageSpec& spec, int threads,
                                const std::vector<std::string>& classes, const std::string& trainDir,
                                const std::function<void(const std::string&)>& log) {
    DecodedImages images = loadImageFolder(dir, spec, threads);
    if (images.classes != classes)
        throw DataError(dir + ": " + role + " classes differ from the training classes in " + trainDir);
    if (std::string report = skipReport(images); !report.empty()) log(dir + ": " + report);
    return images;
}

std::string fixed2(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

struct TrainingData {
    DecodedImages images;
    std::vector<double> mean, stdev;
    std::unique_ptr<BatchSource> train, val;  // val: only for a separate validation folder
    std::vector<int64_t> trainIdx, valIdx;    // valIdx index `val` when set, else `train`
    std::vector<std::string> valPaths;        // the validation folder's paths (feature snapshots)
};

// Decodes the training folder (and validation folder), fixes the normalization statistics
// (recorded ones on resume) and splits off validation when asked.
TrainingData loadTrainingData(const TrainConfig& cfg, const ImageSpec& spec, const RunData* resumed,
                              const std::function<void(int64_t, int64_t)>& progress,
                              const std::function<void(const std::string&)>& log) {
    TrainingData d;
    FolderLoadInfo loaded;
    d.images = loadImageFolder(cfg.data, spec, cfg.threads, progress, &loaded);
    log(cfg.data + ": " + std::to_string(d.images.count()) + " images " +
        (loaded.fromCache ? "read from the decode cache" : "decoded") + " in " + fixed2(loaded.seconds) + " s" +
        (!loaded.fromCache && !loaded.cacheNote.empty() && loaded.cacheNote != "no cache file"
             ? " (cache " + loaded.cacheNote + ")" : ""));
    if (std::string report = skipReport(d.images); !report.empty()) log(cfg.data + ": " + report);
    if (resumed) {
        d.mean = resumed->config.at("mean").get<std::vector<double>>();
        d.stdev = resumed->config.at("std").get<std::vector<double>>();
    } else {
        channelMeanStd(d.images, d.mean, d.stdev);
    }
    d.train = std::make_unique<BatchSource>(d.images, d.mean, d.stdev);
    // The batch source holds its own copy of the pixels: don't keep the dataset twice.
    std::vector<uint8_t>().swap(d.images.pixels);

    const int64_t n = d.images.count();
    if (cfg.valSplit > 0) {
        std::vector<int64_t> order = shuffledIndices(n, splitSeed(cfg.seed));
        const int64_t nVal = std::max<int64_t>(1, std::llround(cfg.valSplit * double(n)));
        if (nVal >= n) throw DataError(cfg.data + ": too few images for --val-split " + std::to_string(cfg.valSplit));
        d.valIdx.assign(order.begin(), order.begin() + nVal);
        d.trainIdx.assign(order.begin() + nVal, order.end());
        std::sort(d.trainIdx.begin(), d.trainIdx.end());
        std::sort(d.valIdx.begin(), d.valIdx.end());
    } else {
        d.trainIdx.resize(n);
        std::iota(d.trainIdx.begin(), d.trainIdx.end(), 0);
    }
    if (!cfg.val.empty()) {
        DecodedImages val = loadLabeledFolder(cfg.val, "validation", spec, cfg.threads, d.images.classes, cfg.data, log);
        d.val = std::make_unique<BatchSource>(val, d.mean, d.stdev);
        d.valIdx.resize(val.count());
        d.valPaths = val.paths;
        std::iota(d.valIdx.begin(), d.valIdx.end(), 0);
    }
    return d;
}

}  // namespace

struct Trainer::Impl {
    Design design;
    TrainConfig config;
    TrainEvents events;
    // Built in run() from the config; each watches or adjusts the loop at its hooks.
    std::vector<std::unique_ptr<TrainingObserver>> observers;
    // The layer the studio pinned for the feature snapshots; set from the UI thread.
    std::mutex pinnedMutex;
    std::string pinnedLayer;

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

void Trainer::setPinnedLayer(const std::string& layer) {
    std::lock_guard<std::mutex> lock(impl_->pinnedMutex);
    impl_->pinnedLayer = layer;
}

TrainResult Trainer::run() {
    const Design& design = impl_->design;
    TrainConfig cfg = impl_->config;
    const TrainEvents& events = impl_->events;
    cfg.validate();
    if (cfg.threads == 0) cfg.threads = int(std::max(1u, std::thread::hardware_concurrency()));
    // OpenMP state is per thread: set it on the thread that trains.
    at::set_num_threads(cfg.threads);
    const std::string precisionUsed = resolvePrecision(cfg.precision);
    const bool bf16 = precisionUsed == "bf16";

    // Design errors first: they are cheaper to find than a decoded dataset.
    {
        DesignAnalysis a = analyzeDesign(design, 10);
        if (!a.valid()) throw DesignError(a.issues.front().text());
    }
    const ImageSpec spec = inputImageSpec(design);
    // Data-parallel (worldSize > 1): join the other ranks before decoding, so a wrong
    // MASTER_ADDR or a missing rank fails fast.
    const std::unique_ptr<DataParallel> dist = DataParallel::join(cfg);

    // Resume: the recorded run dictates the data statistics and must agree on the settings.
    RunData run;
    const bool resuming = cfg.resume;
    if (resuming) {
        if (cfg.run.empty()) throw std::invalid_argument("--resume needs --run RUN.h5");
        run = readRunFile(cfg.run);
        checkResumable(cfg, design, run);
    }
    auto log = [&](const std::string& m) { impl_->log(m); };
    // Before the data, so that notices about the data (skipped files) are the last said.
    log("precision " + precisionUsed + (cfg.precision == "auto" ? " (auto; CPU: " : " (CPU: ") +
        cpuPrecisionSupport().describe() + "), " + std::to_string(cfg.threads) + " threads");
    TrainingData data = loadTrainingData(cfg, spec, resuming ? &run : nullptr, events.loading, log);
    const DecodedImages& images = data.images;
    const std::vector<double>& mean = data.mean;
    const std::vector<double>& stdev = data.stdev;
    const BatchSource& source = *data.train;
    const std::vector<int64_t>& trainIdx = data.trainIdx;
    const std::vector<int64_t>& valIdx = data.valIdx;
    const BatchSource& valFrom = data.val ? *data.val : source;
    const bool hasVal = !valIdx.empty();
    const int classes = int(images.classes.size());

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
        metrics.epochs = loadEpochs(run);
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
    run.config["precision_used"] = precisionUsed;  // "precision" keeps what was asked (auto)

    impl_->observers.clear();
    // (Observers are added here from the config: gradient statistics, features, all-reduce.)
    if (dist) {
        dist->broadcastState(*model);  // every rank starts from rank 0's weights
        impl_->observers.push_back(dist->gradientObserver());  // first: later observers see averaged gradients
    }
    // Feature snapshots (rank 0 only): gradient norms every step, a snapshot at each epoch end
    // on a fixed sample of held-out data when there is some, else of the training data.
    FeaturesObserver* featureWatch = nullptr;
    if (cfg.features && cfg.rank == 0) {
        FeatureWatchSetup w;
        w.source = hasVal ? &valFrom : &source;
        w.pool = hasVal ? valIdx : trainIdx;
        w.paths = data.val ? data.valPaths : images.paths;
        w.mean = mean;
        w.stdev = stdev;
        w.classes = images.classes;
        w.spec = spec;
        w.probeImage = cfg.probeImage;
        w.seed = uint64_t(cfg.seed);
        w.pinnedLayer = [impl = impl_.get()] {
            std::lock_guard<std::mutex> lock(impl->pinnedMutex);
            return impl->pinnedLayer;
        };
        w.emit = events.features;
        w.log = log;
        w.resumed = resuming ? &run : nullptr;
        featureWatch = addFeatureObservers(impl_->observers, std::move(w));
    }

    auto saveRun = [&](int epoch, int64_t step) {
        run.epoch = epoch;
        run.step = step;
        run.checkpoint = moduleState(*model);
        run.optimizer = {optimizerToArray(*optimizer), rngStateToArray()};
        storeEpochs(metrics.epochs, run);
        if (!cfg.run.empty() && cfg.rank == 0) {  // data-parallel: rank 0 alone writes the run file
            std::filesystem::path parent = std::filesystem::path(cfg.run).parent_path();
            if (!parent.empty()) std::filesystem::create_directories(parent);
            writeRunFile(cfg.run, run);
        }
    };

    int64_t step = resuming ? run.step : 0;
    const int firstEpoch = resuming ? int(run.epoch) + 1 : 1;
    if (!resuming && featureWatch) featureWatch->epochEnd(*model, 0, run);  // "before training"
    if (!resuming) saveRun(0, 0);  // epoch 0: even a run killed in its first epoch can resume

    const int64_t batchSize = cfg.batchSize;
    // Images this rank trains on per epoch (all of them in a single process).
    const int64_t perRank = shardLength(int64_t(trainIdx.size()), cfg.worldSize);
    const int64_t batchesPerEpoch = (perRank + batchSize - 1) / batchSize;
    const Augment augment = parseAugment(cfg.augment);
    const auto sessionStart = Clock::now();
    int64_t sessionImages = 0;
    model->train();
    // One assembler for the run: its lookup table is built once from the normalization.
    const BatchAssembler assembler(source);

    for (int epoch = firstEpoch; epoch <= cfg.epochs; ++epoch) {
        const double lr = scheduledLearningRate(cfg, epoch);
        setLearningRate(*optimizer, lr);
        // Every rank draws the same seeded order and takes its own shard of it.
        const std::vector<int64_t> order =
            shardOf(shuffledIndices(int64_t(trainIdx.size()), epochSeed(cfg.seed, epoch)), cfg.rank, cfg.worldSize);
        std::mt19937_64 augmentRng(augmentSeed(cfg.seed, epoch) + uint64_t(cfg.rank));
        const auto epochStart = Clock::now();
        double lossSum = 0;
        int64_t seen = 0, correct = 0;
        // The next batches are gathered, normalized and augmented on a helper thread while
        // the current step runs; in order, so augmentRng is drawn exactly as before.
        BatchPrefetcher prefetch(batchesPerEpoch, [&](int64_t b) {
            const int64_t begin = b * batchSize, end = std::min<int64_t>(begin + batchSize, int64_t(order.size()));
            std::vector<int64_t> batch;
            batch.reserve(end - begin);
            for (int64_t i = begin; i < end; ++i) batch.push_back(trainIdx[order[i]]);
            return assembler.make(batch, augment, &augmentRng);
        });

        for (int64_t b = 0; b < batchesPerEpoch; ++b) {
            while (paused_ && !stopped_) std::this_thread::sleep_for(std::chrono::milliseconds(50));
            if (dist ? dist->stopAgreed() : stopped_.load()) {  // ranks stop at the same batch
                result.status = TrainResult::Status::Stopped;
                return result;
            }
            const int64_t begin = b * batchSize, end = std::min<int64_t>(begin + batchSize, int64_t(order.size()));
            // A final batch of one would break BatchNorm's batch statistics: skip it.
            if (end - begin < 2 && b > 0) break;
            const Batch next = prefetch.next();
            const torch::Tensor& x = next.images;
            const torch::Tensor& y = next.labels;
            const int64_t batchImages = y.size(0);
            torch::Tensor logits, loss;
            double lossValue = 0;
            try {
                optimizer->zero_grad();
                {
                    CpuAutocast autocast(bf16);  // bf16: the forward pass only
                    logits = model->forward(x);
                }
                logits = logits.to(torch::kFloat32);  // the loss in fp32 (a no-op for fp32)
                loss = torch::nn::functional::cross_entropy(logits, y);
                lossValue = loss.item<double>();
                if (dist) lossValue = dist->agreeOnStep(lossValue, stopped_);  // non-finite anywhere: everywhere
                if (std::isfinite(lossValue)) {  // a non-finite loss must not reach the weights
                    loss.backward();
                    for (auto& o : impl_->observers) o->afterBackward(*model, step + 1);
                    optimizer->step();
                }
            } catch (const std::bad_alloc&) {
                // Out of memory: say which setting to lower, not torch's allocator internals.
                result.status = TrainResult::Status::Failed;
                result.error = "out of memory at batch size " + std::to_string(cfg.batchSize) +
                               "; lower --batch-size or use a smaller design. The run file keeps the last "
                               "complete epoch.";
                return result;
            } catch (const c10::Error& e) {
                result.status = TrainResult::Status::Failed;
                result.error = "training step failed at epoch " + std::to_string(epoch) + ", batch " +
                               std::to_string(b + 1) + ": " + e.what_without_backtrace();
                return result;
            }
            if (!std::isfinite(lossValue)) {
                result.status = TrainResult::Status::Failed;
                result.error = "the loss became " + std::string(std::isnan(lossValue) ? "NaN" : "infinite") +
                               " at epoch " + std::to_string(epoch) + ", batch " + std::to_string(b + 1) +
                               "; lower the learning rate (now " + c10::str(lr) +
                               ") or add normalization. The run file keeps the last complete epoch.";
                return result;
            }
            ++step;

            lossSum += lossValue * double(batchImages);
            seen += batchImages;
            correct += logits.argmax(1).eq(y).sum().item<int64_t>();
            sessionImages += batchImages;
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
                ev.imagesPerSecond = double(seen) * cfg.worldSize / std::max(1e-9, secondsSince(epochStart));
                const double perImage = secondsSince(sessionStart) / double(sessionImages);
                const int64_t remaining = (batchesPerEpoch - b - 1) * batchSize +
                                          int64_t(cfg.epochs - epoch) * perRank;
                ev.etaSeconds = perImage * double(remaining);
                events.batch(ev);
            }
        }
        const double trainSeconds = secondsSince(epochStart);
        if (dist) {  // identical BatchNorm statistics on every rank; train metrics of all ranks
            dist->averageBuffers(*model);
            dist->sumEpoch(lossSum, seen, correct);
        }

        EpochRecord record;
        record.epoch = epoch;
        record.trainLoss = lossSum / double(std::max<int64_t>(1, seen));
        record.trainAccuracy = double(correct) / double(std::max<int64_t>(1, seen));
        record.learningRate = lr;
        record.imagesPerSecond = double(seen) / std::max(1e-9, trainSeconds);
        if (hasVal) {
            EvalRecord v = dist ? dist->evaluate(model, valFrom, valIdx, classes)
                                : evaluateModel(model, valFrom, valIdx, classes);
            record.hasVal = true;
            record.valLoss = v.loss;
            record.valAccuracy = v.accuracy;
        }
        record.seconds = secondsSince(epochStart);
        metrics.epochs.push_back(record);
        for (auto& o : impl_->observers) o->epochEnd(*model, epoch, run);
        saveRun(epoch, step);
        if (events.epoch) events.epoch(record);
    }

    if (!cfg.test.empty() && cfg.rank == 0) {  // data-parallel: rank 0 reports the test
        DecodedImages test = loadLabeledFolder(cfg.test, "test", spec, cfg.threads, images.classes, cfg.data, log);
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
