#pragma once
// One training, in steps: prepare (settings, design check, ranks, resume record), load the
// data, build the model and the run record, attach the observers, then epochs of steps, each
// epoch closed by validation, observers and a checkpoint, and finally the test. Trainer::run
// drives it; internal to core (torch). Every step keeps the order of random draws and
// floating-point work fixed, so a seeded run and a resumed one replay bit for bit.
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "compile/GraphModule.h"
#include "compile/Precision.h"
#include "data/InputSpec.h"
#include "runs/RunReader.h"
#include "train/BatchAssembler.h"
#include "train/Batches.h"
#include "train/ExampleRecorder.h"
#include "train/ParallelStrategy.h"
#include "train/Trainer.h"
#include "train/TrainingData.h"
#include "train/TrainingExtension.h"
#include "train/TrainingObserver.h"

namespace strata {

class TrainingRun {
public:
    struct Controls {  // Trainer's flags, set from other threads (or a signal handler)
        const std::atomic<bool>& paused;
        const std::atomic<bool>& stopped;
    };

    TrainingRun(const Design& design, TrainConfig config, const TrainEvents& events, Controls controls,
                ParallelJoin join, std::vector<std::shared_ptr<TrainingExtension>> extensions);
    TrainResult run();

private:
    using Clock = std::chrono::steady_clock;
    struct EpochProgress {
        int epoch = 0;
        double lr = 0;
        Clock::time_point start;
        double lossSum = 0;
        int64_t seen = 0, correct = 0;
        const std::vector<int64_t>* order = nullptr;  // this rank's images, as positions in trainIdx
    };

    void prepare();
    void keepRecordedTransfer();
    void keepRecordedPrecision();
    void readTransferSource();
    void loadData();
    const RunData* statsSource() const;
    void buildModel();
    void initializeFromSource();
    void startRecord();
    void attachObservers();
    void begin();
    void startExampleRecord();
    void prepareClassBalance();
    std::vector<int64_t> epochOrder(int epoch) const;
    bool trainEpoch(int epoch);
    bool trainStep(const Batch& batch, int64_t b, EpochProgress& p);
    double forwardBackward(const Batch& batch, torch::Tensor& logits);
    void emitBatch(const EpochProgress& p, int64_t b, double loss);
    void endEpoch(EpochProgress& p);
    void testIfAsked();
    void saveRun(int epoch, int64_t step);
    void writeRecord();
    bool fail(std::string error);
    void log(const std::string& message) const;

    const Design& design_;
    TrainConfig cfg_;
    const TrainEvents& events_;
    Controls controls_;
    ParallelJoin join_;
    std::vector<std::shared_ptr<TrainingExtension>> extensions_;

    PrecisionChoice precision_;
    bool bf16_ = false;
    ImageSpec spec_;
    bool resuming_ = false;
    std::unique_ptr<ParallelStrategy> dist_;
    RunData record_;
    std::unique_ptr<ValidRun> source_;  // --init-from, until the weights are copied
    std::string sourceSha256_;          // of the --init-from file, recorded in the run
    std::vector<std::string> frozen_;   // node ids, in execution order
    TrainingData data_;
    GraphModule model_{nullptr};
    std::unique_ptr<torch::optim::Optimizer> optimizer_;
    std::vector<std::unique_ptr<TrainingObserver>> observers_;
    std::unique_ptr<BatchAssembler> assembler_;
    std::unique_ptr<ExampleRecorder> examples_;
    Augment augment_{};
    std::vector<int64_t> trainLabels_;  // label of each trainIdx position (the balanced sampler draws by it)
    torch::Tensor classWeights_;        // --class-weights auto: per-class loss weights; undefined: none
    int64_t perRank_ = 0, batchesPerEpoch_ = 0;
    int64_t step_ = 0;
    Clock::time_point sessionStart_;
    int64_t sessionImages_ = 0;
    TrainResult result_;
};

}  // namespace strata
