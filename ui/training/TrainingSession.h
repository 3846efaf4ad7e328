#pragma once
// Training in the background: a worker object moved to its own QThread runs the engine's
// Trainer; the trainer's events arrive here as queued signals on the UI thread, batch events
// in bunches (BatchEventQueue) but each one still re-emitted, in order. Pause,
// resume and stop are atomic flags the trainer checks between batches, so they act at once
// even while the worker is busy in its loop.
#include <QObject>
#include <QString>
#include <QThread>

#include <climits>
#include <memory>

#include "design/Design.h"
#include "training/BatchEventQueue.h"
#include "runs/MetricsJson.h"
#include "train/TrainConfig.h"
#include "train/Trainer.h"
#include "insight/SnapshotMetaType.h"

Q_DECLARE_METATYPE(strata::BatchEvent)
Q_DECLARE_METATYPE(strata::EpochRecord)
Q_DECLARE_METATYPE(strata::MetricsSummary)

namespace strata {

class TrainingSession : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Paused, Stopping };
    Q_ENUM(State)
    static constexpr int kBatchIntervalMs = 50;  // batch events reach the UI in bunches this often

    explicit TrainingSession(QObject* parent = nullptr);
    ~TrainingSession() override;  // stops a running training and waits for it

    State state() const { return state_; }
    bool isActive() const { return state_ != State::Idle; }

    // Starts training a copy of `design`; false (and nothing started) when already active.
    bool start(const Design& design, const TrainConfig& config);
    void pause();
    void resume();
    void stop();
    // Blocks until the worker thread has ended (after stop()); for closing the window.
    bool wait(unsigned long ms = ULONG_MAX);
    // The layer the feature snapshots show besides early/middle/deep ("" for none): applied
    // to the running trainer at once (from its next epoch end) and to every later start.
    void setPinnedLayer(const std::string& layer);

signals:
    void stateChanged(strata::TrainingSession::State state);
    void message(const QString& text);                    // notices: skipped files, resume, ...
    void loading(qint64 done, qint64 total);              // decoding images
    void batchDone(const strata::BatchEvent& event);  // every batch, up to kBatchIntervalMs late
    void epochDone(const strata::EpochRecord& record);
    // A feature snapshot (epoch 0, then each epoch end) when the config asked for features.
    void featuresReady(const strata::FeatureSnapshot& snapshot);
    // The training ended: finished, stopped or failed (error says why, for people).
    void ended(bool ok, bool stopped, const QString& error, const QString& runPath, const strata::MetricsSummary& metrics);

private:
    void setState(State s);
    void deliverBatches();

    State state_ = State::Idle;
    QThread* thread_ = nullptr;
    std::shared_ptr<Trainer> trainer_;
    std::string pinnedLayer_;
    BatchEventQueue batches_;
};

}  // namespace strata
