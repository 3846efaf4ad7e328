#pragma once
// Feature snapshots while training (TrainConfig::features): at each epoch end (and once
// before the first step) a FeatureSnapshot of the live model on a fixed sample of the data,
// stored in the run's /features and handed to the caller; plus the per-layer gradient norms
// it carries. Internal to core (torch); core/job/TrainingJob adds FeatureSnapshotExtension to
// the trainer when the settings ask for features.
#include "train/TrainingObserver.h"

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "insight/FeatureSnapshot.h"
#include "insight/GradientNorms.h"
#include "insight/SampleSet.h"
#include "train/Batches.h"
#include "train/TrainingExtension.h"

namespace strata {

struct FeatureWatchSetup {
    // The images to sample: validation when the run has it (held-out data for the confusion
    // matrix), else training. `paths` is indexed like `source`.
    const BatchSource* source = nullptr;
    std::vector<int64_t> pool;
    std::vector<std::string> paths;
    std::vector<double> mean, stdev;
    std::vector<std::string> classes;
    ImageSpec spec;
    std::string probeImage;  // "" = the first image of the pool
    int sampleImages = 500;  // keeps a snapshot to a few per cent of an epoch on the reference CNN
    uint64_t seed = 0;
    std::function<std::string()> pinnedLayer;                   // read at each snapshot
    std::function<void(const FeatureSnapshot&)> emit;           // each snapshot, on the training thread
    std::function<void(const std::string&)> log;
    const RunData* resumed = nullptr;  // a resumed run: continue its gradient history
};

class FeaturesObserver : public TrainingObserver {
public:
    FeaturesObserver(FeatureWatchSetup setup, const GradientNormsObserver* gradients);
    // A fresh run: the "before training" snapshot (epoch 0).
    void runStart(GraphModuleImpl& model, RunData& run, bool resumed) override;
    // Snapshot, store into run.features, emit. Trouble in a snapshot is logged, never fatal:
    // training goes on without it.
    void epochEnd(GraphModuleImpl& model, int epoch, RunData& run) override;

private:
    FeatureWatchSetup setup_;
    const GradientNormsObserver* gradients_;
    SampleSet sample_;
    torch::Tensor probe_, probePixels_;
    bool hasInitial_ = false;
    double initialSilhouette_ = 0;
    std::string initialLayer_;
};

// The extension the trainer takes: on rank 0, a GradientNormsObserver and a FeaturesObserver
// sampling held-out data when the run has some (for the confusion matrix), else training data.
class FeatureSnapshotExtension : public TrainingExtension {
public:
    explicit FeatureSnapshotExtension(std::function<void(const FeatureSnapshot&)> emit);
    std::vector<std::unique_ptr<TrainingObserver>> observers(const TrainingSetup& setup) override;
    // Thread-safe: the layer the next snapshots show besides early/middle/deep ("" for none).
    void setPinnedLayer(const std::string& layer);
    std::string pinnedLayer() const;

private:
    std::function<void(const FeatureSnapshot&)> emit_;
    mutable std::mutex pinnedMutex_;
    std::string pinnedLayer_;
};

}  // namespace strata
