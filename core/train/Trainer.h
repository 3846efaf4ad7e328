#pragma once
// Trains a design on an image folder: the bare training loop, run in steps (train/TrainingRun).
// Torch-free interface: callers drive it through plain structs and a callback per event, and
// add what the loop itself doesn't know — feature snapshots (extensions) and data-parallel
// training (a parallel strategy). core/job/TrainingJob wires those from the settings for the
// command line and the studio.
#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "design/Design.h"
#include "runs/MetricsJson.h"
#include "train/TrainConfig.h"

namespace strata {

struct BatchEvent {
    int epoch = 0, epochs = 0;        // 1-based epoch
    int64_t batch = 0, batches = 0;   // 1-based batch within the epoch
    int64_t step = 0;                 // optimizer steps since the run began
    double loss = 0;
    double imagesPerSecond = 0;       // over the epoch so far
    double etaSeconds = 0;            // to the end of the last epoch
    double learningRate = 0;
};

struct TrainEvents {
    std::function<void(const std::string& message)> log;         // notices (skipped files, resume, ...)
    std::function<void(int64_t done, int64_t total)> loading;     // decoding the image folders
    std::function<void(const BatchEvent&)> batch;
    std::function<void(const EpochRecord&)> epoch;                // after the run file holds the epoch
};

class ParallelStrategy;
class TrainingExtension;
// Joins the other ranks of config.rank / config.worldSize; called before the data is decoded,
// so a missing rank or a wrong address fails fast.
using ParallelJoin = std::function<std::unique_ptr<ParallelStrategy>(const TrainConfig& config)>;

struct TrainResult {
    enum class Status { Finished, Stopped, Failed } status = Status::Finished;
    std::string error;        // for Failed: what went wrong (e.g. the loss became NaN)
    MetricsSummary metrics;   // every epoch of the run (resumed ones included), test when asked
    std::string runPath;
};

class Trainer {
public:
    Trainer(Design design, TrainConfig config);
    ~Trainer();
    void setEvents(TrainEvents events);
    // Observers for the loop, made once the run is set up (see train/TrainingExtension.h).
    void addExtension(std::shared_ptr<TrainingExtension> extension);
    // Required when config.worldSize > 1 (run() refuses otherwise).
    void setParallel(ParallelJoin join);

    // Blocks until training ends; call it on the thread that trains. Throws DesignError,
    // DataError, RunFileError or std::invalid_argument for bad input found before training
    // starts; returns Failed for trouble during training (non-finite loss).
    TrainResult run();

    // Thread-safe (and async-signal-safe): take effect between batches.
    void pause() { paused_ = true; }
    void resume() { paused_ = false; }
    void stop() { stopped_ = true; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::atomic<bool> paused_{false};
    std::atomic<bool> stopped_{false};
};

}  // namespace strata
