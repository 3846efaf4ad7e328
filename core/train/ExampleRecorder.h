#pragma once
// Keeps the per-example record of a training (runs/ExampleRecord.h): at each epoch's end, for
// every training and validation image, the probability of its folder label and the predicted
// class. Internal to core (torch).
//
// Training images are taken from the forward passes the epoch already made (train mode,
// each image seen once, before that batch's optimizer step): no extra cost. With augmentation
// those passes saw flipped or cropped images, not the image in the folder, so then (and for
// images no batch covered, such as a skipped final batch of one) an extra evaluation pass in
// eval mode without augmentation computes them. Validation images always take an eval pass.
// Every value is a function of the weights and the seeded batches, so a resumed run's record
// equals an uninterrupted one's. Data-parallel, each rank's passes see only its shard: rank 0
// (which alone writes the run file) then takes every training image from an eval pass, so the
// record means the same whatever the world size, and the other ranks record nothing.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "compile/GraphModule.h"
#include "runs/RunFile.h"
#include "train/TrainingData.h"

namespace strata {

class ExampleRecorder {
public:
    enum class Mode {
        ForwardPasses,  // single process, no augmentation: the passes see the images as stored
        EvalPass,       // augmentation, or rank 0 of a data-parallel training
        Off,            // the other ranks; STRATA_NO_EXAMPLE_RECORD
    };
    // `run` is the run record; a resumed run continues its rows, and one recorded before the
    // per-example record existed stays without one (its earlier epochs are unknown).
    ExampleRecorder(const TrainingData& data, Mode mode, RunData& run, bool resumed);

    bool active() const { return active_; }
    void beginEpoch();
    // The logits of a training batch whose images are trainIdx[order[first + i]].
    void observeBatch(const std::vector<int64_t>& order, int64_t first, const torch::Tensor& logits,
                      const torch::Tensor& labels);
    // Fills what the forward passes did not and appends the epoch's rows to run.examples.
    void endEpoch(GraphModule& model, RunData& run);

private:
    void evaluateMissing(GraphModule& model);
    void evaluateVal(GraphModule& model, std::vector<float>& p, std::vector<int>& predicted);

    const TrainingData& data_;
    bool fromForwardPasses_;
    bool active_;
    std::vector<float> probability_;  // per position in trainIdx, this epoch
    std::vector<int> predicted_;
    std::vector<uint8_t> seen_;
};

// Whether a training keeps the record: always, except when STRATA_NO_EXAMPLE_RECORD is set
// (the recording-overhead benchmark, tests/bench/mislabeled.sh, compares against that).
bool exampleRecordEnabled();

}  // namespace strata
