#include "insight/DesignInsightWorker.h"

#include <exception>
#include <memory>

#include "jobs/BackgroundJob.h"

namespace strata {

DesignInsightWorker::DesignInsightWorker(QObject* parent) : QObject(parent) {
    for (int k = 0; k < Kinds; ++k) {
        lanes_[size_t(k)].jobs = new BackgroundJob(this);
        connect(lanes_[size_t(k)].jobs, &BackgroundJob::idle, this, [this, k] { startNext(Kind(k)); });
    }
}

bool DesignInsightWorker::isBusy() const {
    for (const Lane& lane : lanes_)
        if (lane.jobs->isRunning() || lane.waiting) return true;
    return false;
}

template <class Compute, class Deliver>
DesignInsightWorker::Work DesignInsightWorker::guarded(const QString& kind, Compute compute, Deliver deliver) {
    return [this, kind, compute = std::move(compute), deliver = std::move(deliver)](const StopToken& stop)
               -> std::function<void()> {
        try {
            auto result = std::make_shared<decltype(compute(stop))>(compute(stop));
            return [deliver, result] { deliver(*result); };
        } catch (const std::exception& e) {
            const QString error = QString::fromStdString(e.what());
            return [this, kind, error] { emit failed(kind, error); };
        }
    };
}

void DesignInsightWorker::requestPreviews(const Design& design, const PreviewInputs& inputs) {
    submit(Previews, guarded(
                         "preview", [design, inputs](const StopToken&) { return computeNodePreviews(design, inputs); },
                         [this](const NodePreviews& previews) { emit previewsReady(previews); }));
}

void DesignInsightWorker::requestPreflight(const Design& design, const PreflightInputs& inputs) {
    submit(Preflight, guarded(
                          "pre-flight", [design, inputs](const StopToken&) { return preflight(design, inputs); },
                          [this](const PreflightReport& report) { emit preflightReady(report); }));
}

void DesignInsightWorker::requestTiming(const Design& design, const NodeTimingOptions& options) {
    submit(Timing, guarded(
                       "timing",
                       [design, options](const StopToken& stop) {
                           return measureNodeTimes(design, options, [stop] { return stop.stopRequested(); });
                       },
                       [this](const NodeTimingReport& report) { emit timingReady(report); }));
}

void DesignInsightWorker::submit(Kind kind, Work work) {
    Lane& lane = lanes_[size_t(kind)];
    lane.waiting = std::move(work);
    // The running job is overtaken: its result is dropped, and idle() starts this one.
    if (lane.jobs->isRunning()) lane.jobs->cancel();
    else startNext(kind);
}

void DesignInsightWorker::startNext(Kind kind) {
    Lane& lane = lanes_[size_t(kind)];
    if (!lane.waiting) return;
    Work work = std::move(lane.waiting);
    lane.waiting = nullptr;
    lane.jobs->start([work](const StopToken& stop) { return work(stop); },
                     [](const std::function<void()>& deliver) { deliver(); });
}

}  // namespace strata
