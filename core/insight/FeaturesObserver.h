#pragma once
// Feature snapshots while training (TrainConfig::features): at each epoch end (and once
// before the first step) a FeatureSnapshot of the live model on a fixed sample of the data,
// stored in the run's /features and handed to TrainEvents::features; plus the per-layer
// gradient norms it carries. Internal to core (torch); the trainer installs it.
#include "train/TrainingObserver.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "insight/FeatureSnapshot.h"
#include "insight/GradientNorms.h"
#include "insight/SampleSet.h"
#include "train/Batches.h"

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
    std::function<void(const FeatureSnapshot&)> emit;           // TrainEvents::features
    std::function<void(const std::string&)> log;
    const RunData* resumed = nullptr;  // a resumed run: continue its gradient history
};

class FeaturesObserver : public TrainingObserver {
public:
    FeaturesObserver(FeatureWatchSetup setup, const GradientNormsObserver* gradients);
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

// Adds a GradientNormsObserver and a FeaturesObserver to `observers`; returns the latter (the
// trainer calls its epochEnd with epoch 0 before the first step of a fresh run).
FeaturesObserver* addFeatureObservers(std::vector<std::unique_ptr<TrainingObserver>>& observers,
                                      FeatureWatchSetup setup);

}  // namespace strata
