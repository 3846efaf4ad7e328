#include "train/Trainer.h"

#include "train/ParallelStrategy.h"
#include "train/TrainingExtension.h"
#include "train/TrainingRun.h"

namespace strata {

struct Trainer::Impl {
    Design design;
    TrainConfig config;
    TrainEvents events;
    ParallelJoin join;
    std::vector<std::shared_ptr<TrainingExtension>> extensions;
};

Trainer::Trainer(Design design, TrainConfig config) : impl_(std::make_unique<Impl>()) {
    impl_->design = std::move(design);
    impl_->config = std::move(config);
}

Trainer::~Trainer() = default;

void Trainer::setEvents(TrainEvents events) { impl_->events = std::move(events); }

void Trainer::addExtension(std::shared_ptr<TrainingExtension> extension) {
    impl_->extensions.push_back(std::move(extension));
}

void Trainer::setParallel(ParallelJoin join) { impl_->join = std::move(join); }

TrainResult Trainer::run() {
    TrainingRun run(impl_->design, impl_->config, impl_->events, {paused_, stopped_}, impl_->join, impl_->extensions);
    return run.run();
}

}  // namespace strata
