#pragma once
// How ranks of a data-parallel training agree, as the training loop needs it (core/dist
// implements it with c10d). Without a strategy the trainer trains alone (world size 1).
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "compile/GraphModule.h"
#include "runs/MetricsJson.h"
#include "train/Batches.h"
#include "train/TrainingObserver.h"

namespace strata {

class ParallelStrategy {
public:
    virtual ~ParallelStrategy() = default;
    // Every parameter and buffer from rank 0, so all ranks start identical.
    virtual void broadcastState(torch::nn::Module& model) = 0;
    // Runs first after each backward pass (later observers see the agreed gradients).
    virtual std::unique_ptr<TrainingObserver> gradientObserver() = 0;
    // Once per step, before backward: the loss all ranks use (non-finite everywhere when it is
    // anywhere), and whether any rank wants to stop (stopAgreed() from then on).
    virtual double agreeOnStep(double loss, bool wantsStop) = 0;
    virtual bool stopAgreed() const = 0;
    // Epoch end: shared buffers (BatchNorm statistics) and the train sums of all ranks.
    virtual void averageBuffers(torch::nn::Module& model) = 0;
    virtual void sumEpoch(double& lossSum, int64_t& seen, int64_t& correct) = 0;
    // Validation split over the ranks; every rank gets the metrics of the whole set.
    virtual EvalRecord evaluate(GraphModule& model, const BatchSource& source, const std::vector<int64_t>& indices,
                                int classes) = 0;
};

}  // namespace strata
