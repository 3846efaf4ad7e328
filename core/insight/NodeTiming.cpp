#include "insight/NodeTiming.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "data/InputSpec.h"
#include "insight/LayerTiming.h"
#include "train/TorchState.h"

namespace strata {

namespace {

struct TimingSetup {
    GraphModule model{nullptr};
    torch::Tensor images, labels;
};

TimingSetup timingSetup(const Design& design, const NodeTimingOptions& options) {
    TimingSetup s;
    const std::lock_guard<std::mutex> draws(defaultGeneratorMutex());
    torch::manual_seed(options.seed);
    s.model = GraphModule(design, options.classes);
    const ImageSpec spec = inputImageSpec(design);
    s.images = torch::randn({options.batch, spec.channels, spec.height, spec.width});
    s.labels = torch::randint(options.classes, {options.batch}, torch::kInt64);
    s.model->train();
    // As training runs: channels-last kernels and batches (GraphModuleImpl::useChannelsLast).
    s.model->useChannelsLast();
    s.images = s.images.contiguous(at::MemoryFormat::ChannelsLast);
    return s;
}

}  // namespace

NodeTimingReport measureNodeTimes(const Design& design, const NodeTimingOptions& options,
                                  const std::function<bool()>& stopRequested) {
    const auto start = std::chrono::steady_clock::now();
    NodeTimingReport report;
    // Training's thread count, not torch's default (one per physical core): the estimate is of
    // a training's speed (TrainingRun sets the same).
    report.threads = options.threads > 0 ? options.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    at::set_num_threads(report.threads);
    TimingSetup s = timingSetup(design, options);
    report.batch = options.batch;
    report.bf16 = options.bf16;
    const auto stop = [&] { return stopRequested && stopRequested(); };
    report.stepMs = trainStepMs(*s.model, s.images, s.labels, options.bf16, options.steps);
    report.imagesPerSecond = report.stepMs > 0 ? 1e3 * double(options.batch) / report.stepMs : 0;

    const auto activations = layerActivations(*s.model, s.images, options.bf16);
    for (const TimedLayer& layer : timedLayers(*s.model)) {
        if (stop()) break;
        const LayerTimes t = timeLayer(*s.model, layer, activations.at(layer.from), options.bf16, options.repetitions);
        const CompiledLayer& compiled = s.model->layers()[layer.index];
        report.nodes.push_back({compiled.id, compiled.type, t.forwardMs, t.backwardMs});
        report.nodesMs += t.forwardMs + t.backwardMs;
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

}  // namespace strata
