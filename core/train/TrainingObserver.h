#pragma once
// Extension points of the training loop, for features that watch or adjust training without
// living inside the loop: per-layer gradient statistics and gradient all-reduce (between
// backward and the optimizer step), feature snapshots (at each epoch end, before the run
// file is written, so they land in its /features group).
#include <torch/torch.h>

#include <cstdint>

#include "compile/GraphModule.h"
#include "runs/RunFile.h"

namespace strata {

class TrainingObserver {
public:
    virtual ~TrainingObserver() = default;
    // Gradients of `step` (1-based, counted over the run) are in the parameters; the
    // optimizer has not stepped yet. Runs on the training thread.
    virtual void afterBackward(GraphModuleImpl& model, int64_t step) { (void)model, (void)step; }
    // The epoch is complete (validation included); `run` is about to be written. Observers may
    // add to run.features. The model is in train mode on entry and must be left so.
    virtual void epochEnd(GraphModuleImpl& model, int epoch, RunData& run) { (void)model, (void)epoch, (void)run; }
};

}  // namespace strata
