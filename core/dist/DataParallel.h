#pragma once
// Data-parallel training across processes, the trainer's parallel strategy (train/ParallelStrategy.h): every rank
// holds a full copy of the model, trains on its own shard of each epoch and averages the
// gradients with the others after backward, so all ranks take the same optimizer step and
// keep identical weights.
//
// BatchNorm: during an epoch each rank normalizes with its own batch statistics (as plain
// DDP does) and updates its own running statistics; at each epoch end, before validation and
// the checkpoint, the running statistics are averaged over the ranks (all-reduce / world
// size), so every rank holds identical buffers and the checkpoint does not depend on rank 0's
// shard alone. Integer buffers (num_batches_tracked) are equal on every rank anyway; they
// are taken from rank 0.
#include <torch/torch.h>

#include <memory>
#include <vector>

#include "compile/GraphModule.h"
#include "dist/Communicator.h"
#include "runs/MetricsJson.h"
#include "train/Batches.h"
#include "train/TrainConfig.h"
#include "train/ParallelStrategy.h"
#include "train/TrainingObserver.h"

namespace strata {

class DataParallel : public ParallelStrategy {
public:
    // Joins the process group of cfg.rank / cfg.worldSize (rendezvous from the environment,
    // see Rendezvous::fromEnvironment); nullptr when cfg.worldSize is 1.
    static std::unique_ptr<DataParallel> join(const TrainConfig& cfg);
    explicit DataParallel(std::shared_ptr<Communicator> comm);

    int rank() const { return comm_->rank(); }
    int worldSize() const { return comm_->worldSize(); }

    // Every parameter and buffer from rank 0, so all ranks start identical.
    void broadcastState(torch::nn::Module& model) override;
    // The observer that averages gradients after backward (bucketed all-reduce) and, when
    // STRATA_DEBUG_RANK_STATE names a folder, writes this rank's weights there as
    // rank-<r>.h5 at each epoch end (a run file with /checkpoint only; for tests).
    std::unique_ptr<TrainingObserver> gradientObserver() override;

    // Once per step, before backward: sums (loss, wants-to-stop) over the ranks. Returns the
    // mean loss (non-finite on every rank when it is on any rank, so all ranks fail on the
    // same step) and records whether any rank asked to stop (stopAgreed()), so all ranks stop
    // at the same batch boundary instead of leaving one waiting in an all-reduce.
    double agreeOnStep(double loss, bool wantsStop) override;
    bool stopAgreed() const override { return stopAgreed_; }

    // Epoch end: BatchNorm running statistics averaged (see above); train sums over ranks.
    void averageBuffers(torch::nn::Module& model) override;
    void sumEpoch(double& lossSum, int64_t& seen, int64_t& correct) override;
    // Validation split over the ranks (disjoint shards covering `indices`), combined: every
    // rank gets the metrics of the whole set.
    EvalRecord evaluate(GraphModule& model, const BatchSource& source, const std::vector<int64_t>& indices,
                        int classes) override;

private:
    std::shared_ptr<Communicator> comm_;
    bool stopAgreed_ = false;
};

}  // namespace strata
