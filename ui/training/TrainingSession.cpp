#include "training/TrainingSession.h"

#include <QMetaObject>

#include <stdexcept>

#include "compile/Precision.h"
#include "design/DesignAnalysis.h"
#include "train/Transfer.h"
#include "training/FreezeMessage.h"

namespace strata {

namespace {

// Lives in the worker thread; its only job is to run the training job and forward its events.
class TrainingWorker : public QObject {
    Q_OBJECT
public:
    TrainingWorker(std::shared_ptr<TrainingJob> job, BatchEventQueue* batches)
        : job_(std::move(job)), batches_(batches) {}

public slots:
    void run() {
        TrainingJobEvents ev;
        ev.log = [this](const std::string& m) { emit message(QString::fromStdString(m)); };
        ev.loading = [this](int64_t done, int64_t total) { emit loading(done, total); };
        ev.batch = [queue = batches_](const BatchEvent& e) { queue->push(e); };
        ev.epoch = [this](const EpochRecord& r) { emit epochDone(r); };
        ev.features = [this](const FeatureSnapshot& f) { emit featuresReady(f); };
        job_->setEvents(ev);
        try {
            emit ended(job_->run());
        } catch (const std::exception& e) {
            // Bad design, bad data or an unreadable run: a message for the user, never a crash.
            TrainResult failed;
            failed.status = TrainResult::Status::Failed;
            failed.error = e.what();
            emit ended(failed);
        }
    }

signals:
    void message(const QString& text);
    void loading(qint64 done, qint64 total);
    void epochDone(const strata::EpochRecord& record);
    void featuresReady(const strata::FeatureSnapshot& snapshot);
    void ended(const strata::TrainResult& result);

private:
    std::shared_ptr<TrainingJob> job_;
    BatchEventQueue* batches_;  // the session's; it outlives the worker thread
};

}  // namespace

TrainingSession::TrainingSession(QObject* parent) : QObject(parent), batches_(kBatchIntervalMs, this) {
    connect(&batches_, &BatchEventQueue::ready, this, &TrainingSession::deliverBatches);
    qRegisterMetaType<strata::BatchEvent>();
    qRegisterMetaType<strata::EpochRecord>();
    qRegisterMetaType<strata::MetricsSummary>();
    qRegisterMetaType<strata::FeatureSnapshot>();
    qRegisterMetaType<strata::TrainResult>();
    qRegisterMetaType<strata::TrainConfig>();
}

TrainingSession::~TrainingSession() {
    if (thread_) {
        stop();
        thread_->quit();
        thread_->wait();
    }
}

bool TrainingSession::start(const Design& design, const TrainConfig& config, QString* error) {
    if (isActive()) {
        if (error) *error = tr("A training is already running.");
        return false;
    }
    try {
        config.validate();
    } catch (const std::invalid_argument& e) {
        if (error) *error = tr("Cannot train: %1").arg(QString::fromStdString(e.what()));
        return false;
    }
    // The frozen layers must name nodes with parameters and leave some to train: said now
    // rather than by a run that fails as it starts.
    try {
        resolveFrozen(analyzeDesign(design), config.freeze, config.freezeThrough);
    } catch (const std::invalid_argument& e) {
        if (error) *error = tr("Cannot train: %1").arg(freezeMessage(QString::fromStdString(e.what())));
        return false;
    }
    if (thread_) {  // the previous session's thread has ended
        thread_->wait();
        delete thread_;
        thread_ = nullptr;
    }
    job_ = std::make_shared<TrainingJob>(design, config);
    job_->setPinnedLayer(pinnedLayer_);
    thread_ = new QThread(this);
    batches_.take();  // nothing of an earlier session is left to deliver (it ended by now)
    auto* worker = new TrainingWorker(job_, &batches_);
    worker->moveToThread(thread_);
    connect(thread_, &QThread::started, worker, &TrainingWorker::run);
    connect(thread_, &QThread::finished, worker, &QObject::deleteLater);
    connect(worker, &TrainingWorker::message, this, &TrainingSession::message);
    connect(worker, &TrainingWorker::loading, this, &TrainingSession::loading);
    // The job queued its batches before these: deliver them first, so order holds.
    connect(worker, &TrainingWorker::epochDone, this, [this](const EpochRecord& r) {
        deliverBatches();
        emit epochDone(r);
    });
    connect(worker, &TrainingWorker::featuresReady, this, [this](const FeatureSnapshot& f) {
        deliverBatches();
        emit featuresReady(f);
    });
    connect(worker, &TrainingWorker::ended, this, [this](const TrainResult& result) {
        deliverBatches();
        thread_->quit();
        thread_->wait();
        setState(State::Idle);
        emit ended(result);
    });
    const std::string precision = choosePrecision(config.precision, analyzeDesign(design, 10)).precision;
    emit started(config, QString::fromStdString(design.name), QString::fromStdString(precision));
    setState(State::Running);
    thread_->start();
    return true;
}

void TrainingSession::pause() {
    if (state_ != State::Running) return;
    job_->pause();
    setState(State::Paused);
}

void TrainingSession::resume() {
    if (state_ != State::Paused) return;
    job_->resume();
    setState(State::Running);
}

void TrainingSession::stop() {
    if (state_ == State::Idle || state_ == State::Stopping) return;
    job_->stop();
    job_->resume();  // a paused job must wake up to see the stop
    setState(State::Stopping);
}

void TrainingSession::setPinnedLayer(const std::string& layer) {
    pinnedLayer_ = layer;
    if (job_ && isActive()) job_->setPinnedLayer(layer);
}

bool TrainingSession::wait(unsigned long ms) { return !thread_ || thread_->wait(ms); }

void TrainingSession::deliverBatches() {
    for (const BatchEvent& e : batches_.take()) emit batchDone(e);
}

void TrainingSession::setState(State s) {
    if (state_ == s) return;
    state_ = s;
    emit stateChanged(s);
}

}  // namespace strata

#include "TrainingSession.moc"
