#pragma once
// Extension points of the training loop, for features that watch or adjust training without
// living inside the loop: per-layer gradient statistics and gradient all-reduce (between
// backward and the optimizer step), feature snapshots (before the first step, and at each
// epoch end before the run file is written, so they land in its /features group).
#include <torch/torch.h>

#include <cstdint>

#include "compile/GraphModule.h"
#include "runs/RunFile.h"

namespace strata {

class TrainingObserver {
public:
    virtual ~TrainingObserver() = default;
    // The run is set up (weights initialized or restored) and about to take its first step;
    // `resumed` when it continues a recorded run. `run` is written right after a fresh start.
    virtual void runStart(GraphModuleImpl& model, RunData& run, bool resumed) { (void)model, (void)run, (void)resumed; }
    // Gradients of `step` (1-based, counted over the run) are in the parameters; the
    // optimizer has not stepped yet. Runs on the training thread.
    virtual void afterBackward(GraphModuleImpl& model, int64_t step) { (void)model, (void)step; }
    // The epoch is complete (validation included); `run` is about to be written. Observers may
    // add to run.features. The model is in train mode on entry and must be left so.
    virtual void epochEnd(GraphModuleImpl& model, int epoch, RunData& run) { (void)model, (void)epoch, (void)run; }
};

}  // namespace strata
