#include "job/TrainingJob.h"

#include "dist/DataParallel.h"
#include "insight/FeaturesObserver.h"

namespace strata {

struct TrainingJob::Impl {
    explicit Impl(Design design, TrainConfig config) : features(config.features), trainer(std::move(design), config) {}
    bool features;
    Trainer trainer;
    // Outlives the trainer's use of it; set when config.features asked for snapshots.
    std::shared_ptr<FeatureSnapshotExtension> snapshots;
    std::function<void(const FeatureSnapshot&)> emitFeatures;
};

TrainingJob::TrainingJob(Design design, TrainConfig config)
    : impl_(std::make_unique<Impl>(std::move(design), config)) {
    if (impl_->features) {
        impl_->snapshots = std::make_shared<FeatureSnapshotExtension>([impl = impl_.get()](const FeatureSnapshot& s) {
            if (impl->emitFeatures) impl->emitFeatures(s);
        });
        impl_->trainer.addExtension(impl_->snapshots);
    }
    if (config.worldSize > 1)
        impl_->trainer.setParallel([](const TrainConfig& c) -> std::unique_ptr<ParallelStrategy> {
            return DataParallel::join(c);
        });
}

TrainingJob::~TrainingJob() = default;

void TrainingJob::setEvents(TrainingJobEvents events) {
    impl_->emitFeatures = std::move(events.features);
    impl_->trainer.setEvents(std::move(events));  // slices off `features`, which stays here
}

TrainResult TrainingJob::run() { return impl_->trainer.run(); }
void TrainingJob::pause() { impl_->trainer.pause(); }
void TrainingJob::resume() { impl_->trainer.resume(); }
void TrainingJob::stop() { impl_->trainer.stop(); }

void TrainingJob::setPinnedLayer(const std::string& layer) {
    if (impl_->snapshots) impl_->snapshots->setPinnedLayer(layer);
}

}  // namespace strata
