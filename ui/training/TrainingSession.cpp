#include "training/TrainingSession.h"

#include <QMetaObject>

namespace strata {

namespace {

// Lives in the worker thread; its only job is to run the trainer and forward its events.
class TrainingWorker : public QObject {
    Q_OBJECT
public:
    TrainingWorker(std::shared_ptr<Trainer> trainer, BatchEventQueue* batches)
        : trainer_(std::move(trainer)), batches_(batches) {}

public slots:
    void run() {
        TrainEvents ev;
        ev.log = [this](const std::string& m) { emit message(QString::fromStdString(m)); };
        ev.loading = [this](int64_t done, int64_t total) { emit loading(done, total); };
        ev.batch = [queue = batches_](const BatchEvent& e) { queue->push(e); };
        ev.epoch = [this](const EpochRecord& r) { emit epochDone(r); };
        ev.features = [this](const FeatureSnapshot& f) { emit featuresReady(f); };
        trainer_->setEvents(ev);
        try {
            const TrainResult r = trainer_->run();
            emit ended(r.status == TrainResult::Status::Finished, r.status == TrainResult::Status::Stopped,
                       QString::fromStdString(r.error), QString::fromStdString(r.runPath), r.metrics);
        } catch (const std::exception& e) {
            // Bad design, bad data or an unreadable run: a message for the user, never a crash.
            emit ended(false, false, QString::fromStdString(e.what()), QString(), MetricsSummary());
        }
    }

signals:
    void message(const QString& text);
    void loading(qint64 done, qint64 total);
    void epochDone(const strata::EpochRecord& record);
    void featuresReady(const strata::FeatureSnapshot& snapshot);
    void ended(bool ok, bool stopped, const QString& error, const QString& runPath, const strata::MetricsSummary& metrics);

private:
    std::shared_ptr<Trainer> trainer_;
    BatchEventQueue* batches_;  // the session's; it outlives the worker thread
};

}  // namespace

TrainingSession::TrainingSession(QObject* parent) : QObject(parent), batches_(kBatchIntervalMs, this) {
    connect(&batches_, &BatchEventQueue::ready, this, &TrainingSession::deliverBatches);
    qRegisterMetaType<strata::BatchEvent>();
    qRegisterMetaType<strata::EpochRecord>();
    qRegisterMetaType<strata::MetricsSummary>();
    qRegisterMetaType<strata::FeatureSnapshot>();
}

TrainingSession::~TrainingSession() {
    if (thread_) {
        stop();
        thread_->quit();
        thread_->wait();
    }
}

bool TrainingSession::start(const Design& design, const TrainConfig& config) {
    if (isActive()) return false;
    if (thread_) {  // the previous session's thread has ended
        thread_->wait();
        delete thread_;
        thread_ = nullptr;
    }
    trainer_ = std::make_shared<Trainer>(design, config);
    trainer_->setPinnedLayer(pinnedLayer_);
    thread_ = new QThread(this);
    batches_.take();  // nothing of an earlier session is left to deliver (it ended by now)
    auto* worker = new TrainingWorker(trainer_, &batches_);
    worker->moveToThread(thread_);
    connect(thread_, &QThread::started, worker, &TrainingWorker::run);
    connect(thread_, &QThread::finished, worker, &QObject::deleteLater);
    connect(worker, &TrainingWorker::message, this, &TrainingSession::message);
    connect(worker, &TrainingWorker::loading, this, &TrainingSession::loading);
    // The trainer queued its batches before these: deliver them first, so order holds.
    connect(worker, &TrainingWorker::epochDone, this, [this](const EpochRecord& r) {
        deliverBatches();
        emit epochDone(r);
    });
    connect(worker, &TrainingWorker::featuresReady, this, [this](const FeatureSnapshot& f) {
        deliverBatches();
        emit featuresReady(f);
    });
    connect(worker, &TrainingWorker::ended, this,
            [this](bool ok, bool stopped, const QString& error, const QString& runPath, const MetricsSummary& m) {
                deliverBatches();
                thread_->quit();
                thread_->wait();
                setState(State::Idle);
                emit ended(ok, stopped, error, runPath, m);
            });
    setState(State::Running);
    thread_->start();
    return true;
}

void TrainingSession::pause() {
    if (state_ != State::Running) return;
    trainer_->pause();
    setState(State::Paused);
}

void TrainingSession::resume() {
    if (state_ != State::Paused) return;
    trainer_->resume();
    setState(State::Running);
}

void TrainingSession::stop() {
    if (state_ == State::Idle || state_ == State::Stopping) return;
    trainer_->stop();
    trainer_->resume();  // a paused trainer must wake up to see the stop
    setState(State::Stopping);
}

void TrainingSession::setPinnedLayer(const std::string& layer) {
    pinnedLayer_ = layer;
    if (trainer_ && isActive()) trainer_->setPinnedLayer(layer);
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
