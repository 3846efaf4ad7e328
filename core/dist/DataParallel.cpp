#include "dist/DataParallel.h"

#include <cstdlib>
#include <filesystem>

#include "dist/Buckets.h"
#include "runs/RunFile.h"
#include "train/Evaluation.h"
#include "train/Shard.h"
#include "train/TorchState.h"

namespace strata {

namespace {

// Averages gradients over the ranks between backward and the optimizer step. DDP overlaps
// this with backward through autograd hooks; doing it after backward (the trainer's hook)
// costs that overlap but keeps the step a plain function.
class GradientAverager : public TrainingObserver {
public:
    explicit GradientAverager(std::shared_ptr<Communicator> comm) : comm_(std::move(comm)) {
        if (const char* dir = std::getenv("STRATA_DEBUG_RANK_STATE"); dir && *dir) dumpDir_ = dir;
    }

    void afterBackward(GraphModuleImpl& model, int64_t /*step*/) override {
        std::vector<torch::Tensor> grads;
        for (const auto& p : model.parameters())
            if (p.grad().defined()) grads.push_back(p.grad());
        if (grads.empty()) return;
        // Built at the first step; rebuilt only if the set of gradients changes (it is the
        // same on every rank: all ranks run the same graph).
        if (!plan_ || !plan_->fits(grads)) plan_ = std::make_unique<BucketPlan>(grads);
        plan_->pack(grads);
        comm_->allReduceSum(plan_->buffers(), "gradient all-reduce");
        for (auto& flat : plan_->buffers()) flat.div_(double(comm_->worldSize()));
        plan_->unpack(grads);
    }

    void epochEnd(GraphModuleImpl& model, int epoch, RunData& /*run*/) override {
        if (dumpDir_.empty()) return;
        RunData mine;
        mine.created = utcNowIso8601();
        mine.checkpoint = moduleState(model);
        mine.epoch = epoch;
        std::filesystem::create_directories(dumpDir_);
        writeRunFile((std::filesystem::path(dumpDir_) / ("rank-" + std::to_string(comm_->rank()) + ".h5")).string(),
                     mine);
    }

private:
    std::shared_ptr<Communicator> comm_;
    std::unique_ptr<BucketPlan> plan_;
    std::string dumpDir_;
};

}  // namespace

std::unique_ptr<DataParallel> DataParallel::join(const TrainConfig& cfg) {
    if (cfg.worldSize <= 1) return nullptr;
    return std::make_unique<DataParallel>(
        std::make_shared<Communicator>(Rendezvous::fromEnvironment(cfg.rank, cfg.worldSize)));
}

DataParallel::DataParallel(std::shared_ptr<Communicator> comm) : comm_(std::move(comm)) {}

void DataParallel::broadcastState(torch::nn::Module& model) {
    std::vector<torch::Tensor> state = model.parameters();
    for (const auto& b : model.buffers()) state.push_back(b);
    if (state.empty()) return;
    BucketPlan plan(state);
    plan.pack(state);
    comm_->broadcast(plan.buffers(), /*root=*/0, "initial weight broadcast");
    plan.unpack(state);
}

std::unique_ptr<TrainingObserver> DataParallel::gradientObserver() { return std::make_unique<GradientAverager>(comm_); }

double DataParallel::agreeOnStep(double loss, bool wantsStop) {
    std::vector<torch::Tensor> sums{torch::tensor({loss, wantsStop ? 1.0 : 0.0}, torch::kFloat64)};
    comm_->allReduceSum(sums, "loss all-reduce");
    const auto s = sums[0].accessor<double, 1>();
    stopAgreed_ = s[1] > 0;
    return s[0] / double(worldSize());
}

void DataParallel::averageBuffers(torch::nn::Module& model) {
    std::vector<torch::Tensor> floating, integral;
    for (const auto& b : model.buffers()) (b.is_floating_point() ? floating : integral).push_back(b);
    if (!floating.empty()) {
        BucketPlan plan(floating);
        plan.pack(floating);
        comm_->allReduceSum(plan.buffers(), "BatchNorm statistics all-reduce");
        for (auto& flat : plan.buffers()) flat.div_(double(worldSize()));
        plan.unpack(floating);
    }
    if (!integral.empty()) {
        BucketPlan plan(integral);
        plan.pack(integral);
        comm_->broadcast(plan.buffers(), /*root=*/0, "buffer broadcast");
        plan.unpack(integral);
    }
}

void DataParallel::sumEpoch(double& lossSum, int64_t& seen, int64_t& correct) {
    // float64 holds these counts exactly (below 2^53).
    std::vector<torch::Tensor> sums{torch::tensor({lossSum, double(seen), double(correct)}, torch::kFloat64)};
    comm_->allReduceSum(sums, "epoch metrics all-reduce");
    const auto s = sums[0].accessor<double, 1>();
    lossSum = s[0];
    seen = int64_t(s[1]);
    correct = int64_t(s[2]);
}

EvalRecord DataParallel::evaluate(GraphModule& model, const BatchSource& source, const std::vector<int64_t>& indices,
                                  int classes) {
    const std::vector<int64_t> mine = coveringShardOf(indices, rank(), worldSize());
    const EvalRecord local = evaluateModel(model, source, mine, classes);
    // [loss sum, confusion row-major]: summed over the ranks, then the rates recomputed.
    torch::Tensor sums = torch::zeros({1 + int64_t(classes) * classes}, torch::kFloat64);
    auto s = sums.accessor<double, 1>();
    s[0] = local.loss * double(mine.size());
    for (int t = 0; t < classes; ++t)
        for (int p = 0; p < classes; ++p) s[1 + t * classes + p] = double(local.confusion[t][p]);
    std::vector<torch::Tensor> v{sums};
    comm_->allReduceSum(v, "validation metrics all-reduce");

    EvalRecord r;
    r.confusion.assign(classes, std::vector<int64_t>(classes, 0));
    r.perClassAccuracy.assign(classes, 0.0);
    if (indices.empty()) return r;
    int64_t correct = 0;
    for (int t = 0; t < classes; ++t) {
        int64_t total = 0;
        for (int p = 0; p < classes; ++p) total += r.confusion[t][p] = int64_t(s[1 + t * classes + p]);
        correct += r.confusion[t][t];
        r.perClassAccuracy[t] = total ? double(r.confusion[t][t]) / double(total) : 0.0;
    }
    r.loss = s[0] / double(indices.size());
    r.accuracy = double(correct) / double(indices.size());
    return r;
}

}  // namespace strata
