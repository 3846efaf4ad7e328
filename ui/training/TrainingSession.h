#pragma once
// Training in the background: a worker object moved to its own QThread runs the engine's
// TrainingJob; the job's events arrive here as queued signals on the UI thread, batch events
// in bunches (BatchEventQueue) but each one still re-emitted, in order. Pause, resume and
// stop are atomic flags the trainer checks between batches, so they act at once even while
// the worker is busy in its loop. Panels only observe these signals; the studio's
// TrainingFlow owns the session and decides what to train.
#include <QObject>
#include <QString>
#include <QThread>

#include <climits>
#include <memory>

#include "design/Design.h"
#include "training/SnapshotMetaType.h"
#include "job/TrainingJob.h"
#include "runs/MetricsJson.h"
#include "train/TrainConfig.h"
#include "train/Trainer.h"
#include "training/BatchEventQueue.h"

Q_DECLARE_METATYPE(strata::BatchEvent)
Q_DECLARE_METATYPE(strata::EpochRecord)
Q_DECLARE_METATYPE(strata::MetricsSummary)
Q_DECLARE_METATYPE(strata::TrainResult)
Q_DECLARE_METATYPE(strata::TrainConfig)

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

    // Validates `config` and starts training a copy of `design`. False, with the reason for
    // people in *error and nothing started, when the config is invalid or a training is
    // already active. Errors found later (bad data, NaN loss) arrive through ended().
    bool start(const Design& design, const TrainConfig& config, QString* error = nullptr);
    void pause();
    void resume();
    void stop();
    // Blocks until the worker thread has ended (after stop()); for closing the window.
    bool wait(unsigned long ms = ULONG_MAX);
    // The layer the feature snapshots show besides early/middle/deep ("" for none): applied
    // to the running job at once (from its next epoch end) and to every later start.
    void setPinnedLayer(const std::string& layer);

signals:
    // A training was started with `config` on the design called `designName`.
    // `precision`: what the training runs in ("fp32" or "bf16", `auto` decided for the design).
    void started(const strata::TrainConfig& config, const QString& designName, const QString& precision);
    void stateChanged(strata::TrainingSession::State state);
    void message(const QString& text);                    // notices: skipped files, resume, ...
    void loading(qint64 done, qint64 total);              // decoding images
    void batchDone(const strata::BatchEvent& event);  // every batch, up to kBatchIntervalMs late
    void epochDone(const strata::EpochRecord& record);
    // A feature snapshot (epoch 0, then each epoch end) when the config asked for features.
    void featuresReady(const strata::FeatureSnapshot& snapshot);
    // The training ended: finished, stopped or failed (result.error says why, for people;
    // bad input found before training is a Failed result without a run path).
    void ended(const strata::TrainResult& result);

private:
    void setState(State s);
    void deliverBatches();

    State state_ = State::Idle;
    QThread* thread_ = nullptr;
    std::shared_ptr<TrainingJob> job_;
    std::string pinnedLayer_;
    BatchEventQueue batches_;
};

}  // namespace strata
