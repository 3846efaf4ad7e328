#pragma once
// An experiment training in the background for the Experiments dock: the engine's
// ExperimentRunner (core/experiment, docs/ARCHITECTURE.md §3) on a worker thread, its events
// re-emitted here on the UI thread. Batches only matter for the progress bars, so the worker
// keeps the latest batch of each variant and a timer hands it over every
// kProgressIntervalMs: the trainer never wakes the UI thread per batch (see
// training/BatchEventQueue.h for why that matters). Epochs, gradient norms and variant ends
// arrive as queued calls, in order. stop() leaves the experiment resumable (the runner's
// contract); resume() continues a folder where it stands.
#include <QObject>
#include <QString>
#include <QTimer>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "experiment/ExperimentRunner.h"
#include "experiments/ExperimentView.h"
#include "train/Trainer.h"

namespace strata {

class ExperimentQueue : public QObject {
    Q_OBJECT
public:
    static constexpr int kProgressIntervalMs = 100;
    // Builds the plan on the worker thread (it may scan the data folder); may throw, and the
    // message then arrives in finished().
    using PlanMaker = std::function<ExperimentPlan()>;

    explicit ExperimentQueue(QObject* parent = nullptr);
    ~ExperimentQueue() override;  // stops a running experiment and waits for its thread

    // From start() or resume() until finished() has been emitted.
    bool isRunning() const { return worker_.joinable(); }
    bool stopRequested() const { return stopRequested_; }
    // The folder of the running (or last) experiment.
    QString folder() const { return dir_; }

    // Writes a new experiment into `dir` (which must not hold one) and trains it. False when
    // an experiment is already running.
    bool start(const QString& dir, PlanMaker makePlan);
    // Continues the experiment in `dir`: done variants stay, an interrupted one resumes.
    bool resume(const QString& dir);
    // The running variants stop after their current batch; the folder stays resumable.
    void stop();

signals:
    // The experiment file is written (start) or read (resume), before any training: the
    // whole experiment as it stands, run files included.
    void begun(const strata::ExperimentView& view);
    void variantStarted(int index, const strata::ExperimentVariant& variant);
    void variantLoading(int index, qint64 done, qint64 total);
    // The latest batch of a running variant, at most every kProgressIntervalMs.
    void variantProgress(int index, const strata::BatchEvent& batch);
    void epochDone(int index, const strata::EpochRecord& record);
    // A feature snapshot's gradient norms (each epoch end, when the variant records features).
    void gradientsReady(int index, const strata::GradientHistory& gradients);
    // A variant ended (done, failed, or stopped: then its status stays "running"); its run
    // file has been read again.
    void variantFinished(int index, const strata::VariantView& view);
    void message(const QString& text);
    // The worker has ended. `stopped`: stop() was asked before every variant had ended.
    // `error`: why the experiment could not start or continue ("" otherwise).
    void finished(const strata::Experiment& experiment, bool stopped, const QString& error);

private:
    // What the worker leaves for the progress timer, per variant.
    struct Progress {
        BatchEvent batch;
        bool batchFresh = false;
        qint64 loaded = 0, toLoad = 0;
        bool loadingFresh = false;
    };

    bool launch(const QString& dir, std::function<Experiment()> body);
    ExperimentEvents runnerEvents();
    TrainingJobEvents variantEvents(int index);
    void post(std::function<void()> call);
    void flushProgress();
    void onWorkerEnded(const Experiment& experiment, const QString& error);

    QString dir_;
    std::unique_ptr<ExperimentRunner> runner_;
    std::thread worker_;
    std::atomic<bool> stopRequested_{false};
    std::mutex progressMutex_;
    std::map<int, Progress> progress_;
    QTimer progressTimer_;
};

}  // namespace strata
