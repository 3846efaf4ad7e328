#pragma once
// Trains a design on an image folder. Torch-free interface: the studio's worker thread and
// the command line both drive it through plain structs and a callback per event.
#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "design/Design.h"
#include "insight/FeatureSnapshot.h"
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
    std::function<void(const FeatureSnapshot&)> features;         // after each epoch, when config.features
};

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

    // Blocks until training ends; call it on the thread that trains. Throws DesignError,
    // DataError, RunFileError or std::invalid_argument for bad input found before training
    // starts; returns Failed for trouble during training (non-finite loss).
    TrainResult run();

    // Thread-safe (and async-signal-safe): take effect between batches.
    void pause() { paused_ = true; }
    void resume() { paused_ = false; }
    void stop() { stopped_ = true; }
    // Thread-safe: the layer the next feature snapshots show besides early/middle/deep ("" for
    // none); read at each epoch end. An id that names no layer is ignored (and logged).
    void setPinnedLayer(const std::string& layer);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::atomic<bool> paused_{false};
    std::atomic<bool> stopped_{false};
};

}  // namespace strata
