#pragma once
// The canvas' live insight off the UI thread: each node's output for a sample image
// (computeNodePreviews), the stability pre-flight (preflight) and per-node timing
// (measureNodeTimes). Each kind runs one job at a time: a request made while one runs replaces
// any request of that kind still waiting, and the running job's result is dropped as stale
// (BackgroundJob), so the canvas always ends on the design as it is now.
#include <QObject>
#include <QString>

#include <array>
#include <functional>

#include "design/Design.h"
#include "insight/NodePreview.h"
#include "insight/NodeTiming.h"
#include "insight/Preflight.h"

namespace strata {

class BackgroundJob;
class StopToken;

class DesignInsightWorker : public QObject {
    Q_OBJECT
public:
    // Jobs in flight when the worker goes are waited for, their results dropped.
    explicit DesignInsightWorker(QObject* parent = nullptr);

    void requestPreviews(const Design& design, const PreviewInputs& inputs);
    void requestPreflight(const Design& design, const PreflightInputs& inputs);
    void requestTiming(const Design& design, const NodeTimingOptions& options);
    bool isBusy() const;

signals:
    void previewsReady(const strata::NodePreviews& previews);
    void preflightReady(const strata::PreflightReport& report);
    void timingReady(const strata::NodeTimingReport& report);
    // Why a request failed, naming the node, file or folder at fault (kind: "preview",
    // "pre-flight", "timing").
    void failed(const QString& kind, const QString& error);

private:
    enum Kind { Previews, Preflight, Timing, Kinds };
    // A job's work: runs on the worker thread and returns what to do on the UI thread.
    using Work = std::function<std::function<void()>(const StopToken&)>;
    struct Lane {
        BackgroundJob* jobs = nullptr;
        Work waiting;
    };
    void submit(Kind kind, Work work);
    void startNext(Kind kind);
    // Runs `compute` catching its errors: on success `deliver(result)` is what the UI thread runs.
    template <class Compute, class Deliver>
    Work guarded(const QString& kind, Compute compute, Deliver deliver);

    std::array<Lane, Kinds> lanes_;
};

}  // namespace strata
