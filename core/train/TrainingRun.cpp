#include "train/TrainingRun.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <random>
#include <set>
#include <thread>

#include "design/DesignAnalysis.h"
#include "design/DesignGroups.h"
#include "runs/EpochTable.h"
#include "runs/RunDigest.h"
#include "runs/RunReader.h"
#include "train/BatchPrefetcher.h"
#include "train/ClassBalance.h"
#include "train/CpuAutocast.h"
#include "train/Evaluation.h"
#include "train/FlushDenormals.h"
#include "train/Optimizers.h"
#include "train/Shard.h"
#include "train/TorchState.h"
#include "train/Transfer.h"
#include "Version.h"

namespace strata {

namespace {

double secondsSince(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Distinct seeds for the independent random streams of a run, derived from the user's seed.
uint64_t epochSeed(int64_t seed, int epoch) { return uint64_t(seed) * 1000003ull + uint64_t(epoch); }
uint64_t augmentSeed(int64_t seed, int epoch) { return epochSeed(seed, epoch) ^ 0xA5A5A5A5A5A5A5A5ull; }

// The settings a resumed run must share with the recorded one (docs/ARCHITECTURE.md §12).
void checkResumable(const TrainConfig& cfg, const Design& design, const RunData& run) {
    const nlohmann::json now = cfg.toJson();
    for (const char* const* key = TrainConfig::kResumeKeys; *key; ++key) {
        if (!run.config.contains(*key)) continue;
        if (run.config.at(*key) != now.at(*key))
            throw std::invalid_argument(cfg.run + ": setting \"" + *key + "\" was " + run.config.at(*key).dump() +
                                        " in the run but is " + now.at(*key).dump() + " now");
    }
    // The graph decides, not the editor's blocks (collapsing one changes no weight).
    if (nlohmann::json::parse(run.designJson) != designToJson(flatDesign(design)))
        throw std::invalid_argument(cfg.run + ": the design differs from the one the run was trained with");
}

std::vector<int64_t> allIndices(int64_t n) {
    std::vector<int64_t> all(n);
    std::iota(all.begin(), all.end(), 0);
    return all;
}

}  // namespace

TrainingRun::TrainingRun(const Design& design, TrainConfig config, const TrainEvents& events, Controls controls,
                         ParallelJoin join, std::vector<std::shared_ptr<TrainingExtension>> extensions)
    : design_(design), cfg_(std::move(config)), events_(events), controls_(controls), join_(std::move(join)),
      extensions_(std::move(extensions)) {}

void TrainingRun::log(const std::string& message) const {
    if (events_.log) events_.log(message);
}

TrainResult TrainingRun::run() {
    prepare();
    const FlushDenormals flush(cfg_.threads);  // vanishing stacks: see FlushDenormals.h
    loadData();
    buildModel();
    startRecord();
    attachObservers();
    begin();
    for (int epoch = int(record_.epoch) + 1; epoch <= cfg_.epochs; ++epoch)
        if (!trainEpoch(epoch)) return result_;
    testIfAsked();
    result_.status = TrainResult::Status::Finished;
    return result_;
}

// Settings and design errors first: they are cheaper to find than a decoded dataset. Then the
// other ranks (before decoding, so a wrong address or a missing rank fails fast) and the
// recorded run of a resume, which dictates the data statistics and must agree on the settings.
void TrainingRun::prepare() {
    cfg_.validate();
    cfg_.augment = augmentName(parseAugment(cfg_.augment));  // recorded canonically: "crop+flip" is "flip+crop"
    if (cfg_.threads == 0) cfg_.threads = int(std::max(1u, std::thread::hardware_concurrency()));
    // OpenMP state is per thread: set it on the thread that trains.
    at::set_num_threads(cfg_.threads);
    const DesignAnalysis analysis = analyzeDesign(design_, 10);
    if (!analysis.valid()) throw DesignError(analysis.issues.front().text());
    precision_ = choosePrecision(cfg_.precision, analysis);
    spec_ = inputImageSpec(design_);
    if (cfg_.worldSize > 1 && !join_)
        throw std::invalid_argument("data-parallel training (world size " + std::to_string(cfg_.worldSize) +
                                    ") needs a parallel strategy");
    if (join_) dist_ = join_(cfg_);
    resuming_ = cfg_.resume;
    if (resuming_) {
        if (cfg_.run.empty()) throw std::invalid_argument("--resume needs --run RUN.h5");
        record_ = readValidRun(cfg_.run).data;
        keepRecordedTransfer();
        keepRecordedPrecision();
        checkResumable(cfg_, design_, record_);
    } else if (!cfg_.initFrom.empty()) {
        readTransferSource();
    }
    frozen_ = resolveFrozen(analysis, cfg_.freeze, cfg_.freezeThrough);
    bf16_ = precision_.precision == "bf16";
}

// A resumed run goes on in the precision it started in (on another CPU `auto` could decide
// otherwise, and the rest of the run would not continue the same computation).
void TrainingRun::keepRecordedPrecision() {
    const auto used = record_.config.find("precision_used");
    if (used == record_.config.end() || !used->is_string()) return;
    const auto reason = record_.config.find("precision_reason");
    std::string why = reason != record_.config.end() && reason->is_string() ? reason->get<std::string>() : "";
    const std::string kept = "kept from the run";
    if (why.rfind(kept, 0) != 0) why = kept + (why.empty() ? "" : " (" + why + ")");  // once, however often resumed
    precision_ = {used->get<std::string>(), why};
}

// A resumed run keeps what it started from and what it froze, unless the freeze is given
// again (then it must match, as every resume setting).
void TrainingRun::keepRecordedTransfer() {
    const nlohmann::json& recorded = record_.config;
    auto text = [&recorded](const char* key) {
        const auto it = recorded.find(key);
        return it != recorded.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    cfg_.initFrom = text("init_from");
    sourceSha256_ = text("init_from_sha256");
    if (cfg_.freeze.empty() && cfg_.freezeThrough.empty()) {
        const auto it = recorded.find("freeze");
        if (it != recorded.end() && it->is_array())
            for (const auto& id : *it)
                if (id.is_string()) cfg_.freeze.push_back(id.get<std::string>());
        cfg_.freezeThrough = text("freeze_through");
    }
}

void TrainingRun::readTransferSource() {
    source_ = std::make_unique<ValidRun>(readValidRun(cfg_.initFrom));
    sourceSha256_ = digestFile(cfg_.initFrom);
}

void TrainingRun::loadData() {
    // Before the data, so that notices about the data (skipped files) are the last said.
    log("precision " + precision_.precision + " (" + precision_.reason + "; CPU: " + cpuPrecisionSupport().describe() +
        "), " + std::to_string(cfg_.threads) + " threads");
    data_ = loadTrainingData(cfg_, spec_, statsSource(), events_.loading, [this](const std::string& m) { log(m); });
}

// The normalization a run keeps: its own when resumed; the source's in a transfer (its layers
// expect it) unless --restat or the source has another channel count; else computed.
const RunData* TrainingRun::statsSource() const {
    if (resuming_) return &record_;
    if (!source_ || cfg_.restat) return nullptr;
    if (int64_t(source_->mean.size()) != spec_.channels) {
        log(cfg_.initFrom + ": its Input has " + std::to_string(source_->mean.size()) +
            " channels; mean and std are computed from the data");
        return nullptr;
    }
    log("mean and std from " + cfg_.initFrom + " (--restat computes them from the data)");
    return &source_->data;
}

// The module, its initial weights and the optimizer: seeded, so a run replays exactly.
void TrainingRun::buildModel() {
    {
        const std::lock_guard<std::mutex> draws(defaultGeneratorMutex());
        torch::manual_seed(cfg_.seed);
        model_ = GraphModule(design_, data_.classCount());
    }
    model_->useChannelsLast();  // before the optimizer, whose state takes the same layout
    if (source_) initializeFromSource();
    if (!frozen_.empty()) {
        model_->freeze(frozen_);
        std::string ids;
        for (const std::string& id : frozen_) ids += (ids.empty() ? "" : ", ") + id;
        log("frozen: " + ids);
    }
    optimizer_ = makeOptimizer(cfg_, model_->trainableParameters());
    MetricsSummary& metrics = result_.metrics;
    metrics.design = design_.name;
    metrics.parameters = model_->analysis().totalParameters;
    metrics.classes = data_.images.classes;
    metrics.seed = cfg_.seed;
    metrics.threads = cfg_.threads;
    result_.runPath = cfg_.run;
}

// Copies the source run's tensors into every node that matches it; the others keep their
// seeded initial values. No random draw happens here, so the seed's sequence is unchanged.
void TrainingRun::initializeFromSource() {
    const InitPlan plan = planInit(model_->analysis(), *source_, cfg_.initFrom, data_.images.classes);
    std::set<std::string> copied;
    for (const NodeInit& n : plan.nodes)
        if (n.kind == NodeInit::Kind::Copied) copied.insert(n.id);
    torch::NoGradGuard noGrad;
    auto copy = [&](const std::string& name, torch::Tensor target) {
        if (!copied.count(name.substr(0, name.find('.')))) return;
        target.copy_(arrayToTensor(*findArray(source_->data.checkpoint, name)));
    };
    for (auto& p : model_->named_parameters()) copy(p.key(), p.value());
    for (auto& b : model_->named_buffers()) copy(b.key(), b.value());
    log("init from " + cfg_.initFrom + ": " + plan.summary());
    source_.reset();  // its weights are in the model now
}

// A resumed run continues its record (weights, optimizer, random state, epochs); a fresh one
// starts a new record. Either way the record's config is this session's.
void TrainingRun::startRecord() {
    if (resuming_) {
        loadModuleState(*model_, record_.checkpoint, cfg_.run);
        if (const NamedArray* state = findArray(record_.optimizer, "state")) loadOptimizer(*optimizer_, *state);
        if (const NamedArray* rng = findArray(record_.optimizer, "rng")) loadRngState(*rng);
        result_.metrics.epochs = loadEpochs(record_);
        record_.hasTest = false;  // a test of fewer epochs no longer describes the run
        log("resuming " + cfg_.run + " after epoch " + std::to_string(record_.epoch));
    } else {
        record_ = RunData();
        record_.created = utcNowIso8601();
        record_.designJson = designToString(flatDesign(design_));  // runs record the graph, not the blocks
    }
    record_.strataVersion = versionString();
    record_.config = cfg_.toJson();
    record_.config["classes"] = data_.images.classes;
    record_.config["mean"] = data_.mean;
    record_.config["std"] = data_.stdev;
    record_.config["parameters"] = result_.metrics.parameters;
    record_.config["precision_used"] = precision_.precision;  // "precision" keeps what was asked (auto)
    record_.config["precision_reason"] = precision_.reason;
    if (!cfg_.initFrom.empty()) record_.config["init_from_sha256"] = sourceSha256_;
    record_.config["frozen"] = frozen_;
    record_.config["data_memory_bytes"] = data_.dataMemory;  // -1: no limit
    record_.config["data_streamed"] = data_.streamed;
}

// The parallel strategy's gradient agreement comes first, so the extensions' observers see
// the averaged gradients.
void TrainingRun::attachObservers() {
    if (dist_) {
        dist_->broadcastState(*model_);  // every rank starts from rank 0's weights
        observers_.push_back(dist_->gradientObserver());
    }
    const TrainingSetup setup{cfg_, data_, spec_, resuming_ ? &record_ : nullptr,
                              [this](const std::string& m) { log(m); }};
    for (const auto& extension : extensions_)
        for (auto& observer : extension->observers(setup)) observers_.push_back(std::move(observer));
}

// The per-example record (ExampleRecorder.h says which passes it comes from and why).
void TrainingRun::startExampleRecord() {
    using Mode = ExampleRecorder::Mode;
    const bool augmented = !cfg_.augment.empty() && cfg_.augment != "none";
    const Mode mode = !exampleRecordEnabled() || cfg_.rank != 0       ? Mode::Off
                      : augmented || cfg_.worldSize > 1 ? Mode::EvalPass
                                                        : Mode::ForwardPasses;
    examples_ = std::make_unique<ExampleRecorder>(data_, mode, record_, resuming_);
}

void TrainingRun::begin() {
    startExampleRecord();
    step_ = resuming_ ? record_.step : 0;
    for (auto& o : observers_) o->runStart(*model_, record_, resuming_);
    prepareClassBalance();  // before the first save: the weights are recorded
    if (!resuming_) saveRun(0, 0);  // epoch 0: even a run killed in its first epoch can resume
    // Images this rank trains on per epoch (all of them in a single process).
    perRank_ = shardLength(int64_t(data_.trainIdx.size()), cfg_.worldSize);
    batchesPerEpoch_ = (perRank_ + cfg_.batchSize - 1) / cfg_.batchSize;
    augment_ = parseAugment(cfg_.augment);
    sessionStart_ = Clock::now();
    model_->train();
    // One assembler for the run: its lookup table is built once from the normalization.
    assembler_ = std::make_unique<BatchAssembler>(*data_.train);
}

void TrainingRun::prepareClassBalance() {
    const torch::Tensor labels = data_.train->labels().contiguous();
    const int64_t* label = labels.data_ptr<int64_t>();
    trainLabels_.clear();
    for (int64_t index : data_.trainIdx) trainLabels_.push_back(label[index]);
    if (cfg_.classWeights != "auto") return;
    const std::vector<double> weights = inverseFrequencyWeights(classCounts(trainLabels_, data_.classCount()));
    classWeights_ = torch::tensor(std::vector<float>(weights.begin(), weights.end()), torch::kFloat32);
    record_.config["class_weight_values"] = weights;
    std::string text;
    for (size_t c = 0; c < weights.size(); ++c)
        text += (c ? ", " : "") + data_.images.classes[c] + " " + c10::str(float(weights[c]));
    log("class weights: " + text);
}

// Every rank draws the same seeded order (then takes its own shard of it).
std::vector<int64_t> TrainingRun::epochOrder(int epoch) const {
    if (cfg_.sampler == "balanced") return balancedOrder(trainLabels_, data_.classCount(), epochSeed(cfg_.seed, epoch));
    return shuffledIndices(int64_t(data_.trainIdx.size()), epochSeed(cfg_.seed, epoch));
}

bool TrainingRun::trainEpoch(int epoch) {
    EpochProgress p;
    p.epoch = epoch;
    p.lr = scheduledLearningRate(cfg_, epoch);
    setLearningRate(*optimizer_, p.lr);
    // Every rank draws the same seeded order and takes its own shard of it.
    const std::vector<int64_t> order = shardOf(epochOrder(epoch), cfg_.rank, cfg_.worldSize);
    std::mt19937_64 augmentRng(augmentSeed(cfg_.seed, epoch) + uint64_t(cfg_.rank));
    p.start = Clock::now();
    p.order = &order;
    examples_->beginEpoch();
    const int64_t batchSize = cfg_.batchSize;
    // The next batches are gathered, normalized and augmented on a helper thread while the
    // current step runs; in order, so augmentRng is drawn exactly as in a serial loop.
    BatchPrefetcher prefetch(batchesPerEpoch_, [&](int64_t b) {
        const int64_t begin = b * batchSize, end = std::min<int64_t>(begin + batchSize, int64_t(order.size()));
        std::vector<int64_t> batch;
        batch.reserve(end - begin);
        for (int64_t i = begin; i < end; ++i) batch.push_back(data_.trainIdx[order[i]]);
        return assembler_->make(batch, augment_, &augmentRng);
    });
    for (int64_t b = 0; b < batchesPerEpoch_; ++b) {
        while (controls_.paused && !controls_.stopped) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (dist_ ? dist_->stopAgreed() : controls_.stopped.load()) {  // ranks stop at the same batch
            result_.status = TrainResult::Status::Stopped;
            return false;
        }
        const int64_t begin = b * batchSize, end = std::min<int64_t>(begin + batchSize, int64_t(order.size()));
        // A final batch of one would break BatchNorm's batch statistics: skip it.
        if (end - begin < 2 && b > 0) break;
        if (!trainStep(prefetch.next(), b, p)) return false;
    }
    endEpoch(p);
    return true;
}

// False when the step failed; result_ then says why, for people.
bool TrainingRun::trainStep(const Batch& batch, int64_t b, EpochProgress& p) {
    const std::string where = " at epoch " + std::to_string(p.epoch) + ", batch " + std::to_string(b + 1);
    torch::Tensor logits;
    double lossValue = 0;
    try {
        lossValue = forwardBackward(batch, logits);
    } catch (const std::bad_alloc&) {
        // Out of memory: say which setting to lower, not torch's allocator internals.
        return fail("out of memory at batch size " + std::to_string(cfg_.batchSize) +
                    "; lower --batch-size or use a smaller design. The run file keeps the last complete epoch.");
    } catch (const c10::Error& e) {
        return fail("training step failed" + where + ": " + e.what_without_backtrace());
    }
    if (!std::isfinite(lossValue))
        return fail("the loss became " + std::string(std::isnan(lossValue) ? "NaN" : "infinite") + where +
                    "; lower the learning rate (now " + c10::str(p.lr) +
                    ") or add normalization. The run file keeps the last complete epoch.");
    ++step_;
    const int64_t batchImages = batch.labels.size(0);
    p.lossSum += lossValue * double(batchImages);
    p.seen += batchImages;
    p.correct += logits.argmax(1).eq(batch.labels).sum().item<int64_t>();
    examples_->observeBatch(*p.order, b * cfg_.batchSize, logits, batch.labels);
    sessionImages_ += batchImages;
    record_.steps.push_back(step_);
    record_.stepLoss.push_back(lossValue);
    emitBatch(p, b, lossValue);
    return true;
}

// One optimizer step; returns the loss (agreed over the ranks). A non-finite loss never
// reaches the weights.
double TrainingRun::forwardBackward(const Batch& batch, torch::Tensor& logits) {
    optimizer_->zero_grad();
    {
        CpuAutocast autocast(bf16_);  // bf16: the forward pass only
        logits = model_->forward(batch.images);
    }
    logits = logits.to(torch::kFloat32);  // the loss in fp32 (a no-op for fp32)
    torch::Tensor loss = torch::nn::functional::cross_entropy(
        logits, batch.labels, torch::nn::functional::CrossEntropyFuncOptions().weight(classWeights_));
    double lossValue = loss.item<double>();
    if (dist_) lossValue = dist_->agreeOnStep(lossValue, controls_.stopped);  // non-finite anywhere: everywhere
    if (std::isfinite(lossValue)) {
        loss.backward();
        for (auto& o : observers_) o->afterBackward(*model_, step_ + 1);
        optimizer_->step();
    }
    return lossValue;
}

void TrainingRun::emitBatch(const EpochProgress& p, int64_t b, double loss) {
    if (!events_.batch) return;
    BatchEvent ev;
    ev.epoch = p.epoch;
    ev.epochs = cfg_.epochs;
    ev.batch = b + 1;
    ev.batches = batchesPerEpoch_;
    ev.step = step_;
    ev.loss = loss;
    ev.learningRate = p.lr;
    ev.imagesPerSecond = double(p.seen) * cfg_.worldSize / std::max(1e-9, secondsSince(p.start));
    const double perImage = secondsSince(sessionStart_) / double(sessionImages_);
    const int64_t remaining = (batchesPerEpoch_ - b - 1) * cfg_.batchSize + int64_t(cfg_.epochs - p.epoch) * perRank_;
    ev.etaSeconds = perImage * double(remaining);
    events_.batch(ev);
}

// Validation, the observers (feature snapshots land in the record), then the checkpoint.
void TrainingRun::endEpoch(EpochProgress& p) {
    const double trainSeconds = secondsSince(p.start);
    if (dist_) {  // identical BatchNorm statistics on every rank; train metrics of all ranks
        dist_->averageBuffers(*model_);
        dist_->sumEpoch(p.lossSum, p.seen, p.correct);
    }
    EpochRecord record;
    record.epoch = p.epoch;
    record.trainLoss = p.lossSum / double(std::max<int64_t>(1, p.seen));
    record.trainAccuracy = double(p.correct) / double(std::max<int64_t>(1, p.seen));
    record.learningRate = p.lr;
    record.imagesPerSecond = double(p.seen) / std::max(1e-9, trainSeconds);
    if (data_.hasVal()) {
        const int classes = data_.classCount();
        EvalRecord v = dist_ ? dist_->evaluate(model_, data_.valSource(), data_.valIdx, classes)
                             : evaluateModel(model_, data_.valSource(), data_.valIdx, classes);
        record.hasVal = true;
        record.valLoss = v.loss;
        record.valAccuracy = v.accuracy;
    }
    examples_->endEpoch(model_, record_);
    record.seconds = secondsSince(p.start);
    result_.metrics.epochs.push_back(record);
    for (auto& o : observers_) o->epochEnd(*model_, p.epoch, record_);
    saveRun(p.epoch, step_);
    if (events_.epoch) events_.epoch(record);
}

void TrainingRun::testIfAsked() {
    if (cfg_.test.empty() || cfg_.rank != 0) return;  // data-parallel: rank 0 reports the test
    // Within what the training data leaves of the budget (streamed data holds none of it).
    const int64_t held = data_.streamed ? 0 : data_.train->size() * spec_.pixelsPerImage();
    const int64_t budget = data_.dataMemory < 0 ? -1 : std::max<int64_t>(0, data_.dataMemory - held);
    const LabeledSource test = loadLabeledSource(cfg_.test, "test", spec_, cfg_.threads, budget, data_, cfg_.data,
                                                 [this](const std::string& m) { log(m); });
    result_.metrics.test = evaluateModel(model_, *test.source, allIndices(test.source->size()), data_.classCount());
    result_.metrics.hasTest = true;
    // Kept in the run file too, so a run without validation still has a held-out accuracy.
    record_.hasTest = true;
    record_.testLoss = result_.metrics.test.loss;
    record_.testAccuracy = result_.metrics.test.accuracy;
    writeRecord();  // the checkpoint and random state stay those of the last epoch end
}

void TrainingRun::saveRun(int epoch, int64_t step) {
    record_.epoch = epoch;
    record_.step = step;
    record_.checkpoint = moduleState(*model_);
    record_.optimizer = {optimizerToArray(*optimizer_), rngStateToArray()};
    storeEpochs(result_.metrics.epochs, record_);
    writeRecord();
}

void TrainingRun::writeRecord() {
    if (cfg_.run.empty() || cfg_.rank != 0) return;  // data-parallel: rank 0 alone writes the run file
    const std::filesystem::path parent = std::filesystem::path(cfg_.run).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    writeRunFile(cfg_.run, record_);
}

bool TrainingRun::fail(std::string error) {
    result_.status = TrainResult::Status::Failed;
    result_.error = std::move(error);
    return false;
}

}  // namespace strata
