#include "experiments/ExperimentQueue.h"

#include <QMetaObject>

#include <exception>

namespace strata {

ExperimentQueue::ExperimentQueue(QObject* parent) : QObject(parent) {
    progressTimer_.setInterval(kProgressIntervalMs);
    connect(&progressTimer_, &QTimer::timeout, this, &ExperimentQueue::flushProgress);
}

ExperimentQueue::~ExperimentQueue() {
    // The calls the worker posted die with this object; nothing reaches a destroyed receiver.
    if (worker_.joinable()) {
        runner_->stop();
        worker_.join();
    }
}

bool ExperimentQueue::start(const QString& dir, PlanMaker makePlan) {
    return launch(dir, [this, dir, makePlan = std::move(makePlan)] {
        // prepare() then resume() is what start() does: the variants are trained from what
        // was written, so the view announced by begun() is exactly what will train.
        runner_->prepare(makePlan());
        const ExperimentView view = loadExperimentView(dir);
        post([this, view] { emit begun(view); });
        return runner_->resume();
    });
}

bool ExperimentQueue::resume(const QString& dir) {
    return launch(dir, [this, dir] {
        const ExperimentView view = loadExperimentView(dir);
        if (!view.error.isEmpty()) throw ExperimentError(view.error.toStdString());
        post([this, view] { emit begun(view); });
        return runner_->resume();
    });
}

void ExperimentQueue::stop() {
    if (!isRunning()) return;
    stopRequested_ = true;
    runner_->stop();
}

bool ExperimentQueue::launch(const QString& dir, std::function<Experiment()> body) {
    if (isRunning()) return false;
    dir_ = dir;
    stopRequested_ = false;
    {
        std::lock_guard<std::mutex> lock(progressMutex_);
        progress_.clear();
    }
    // Made here, before the thread, so that stop() always has a runner to reach.
    runner_ = std::make_unique<ExperimentRunner>(dir.toStdString(), 1, runnerEvents());
    progressTimer_.start();
    worker_ = std::thread([this, body = std::move(body)] {
        Experiment experiment;
        QString error;
        try {
            experiment = body();
        } catch (const std::exception& e) {  // bad data, an existing folder, a broken file
            error = QString::fromStdString(e.what());
        }
        post([this, experiment, error] { onWorkerEnded(experiment, error); });
    });
    return true;
}

void ExperimentQueue::onWorkerEnded(const Experiment& experiment, const QString& error) {
    worker_.join();  // its last act was to post this call
    runner_.reset();
    progressTimer_.stop();
    flushProgress();
    bool allEnded = !experiment.variants.empty();
    for (const ExperimentVariant& v : experiment.variants)
        if (v.status != "done" && v.status != "failed") allEnded = false;
    emit finished(experiment, stopRequested_ && !allEnded, error);
}

// Every call from the worker thread reaches the UI thread this way, in the order posted.
void ExperimentQueue::post(std::function<void()> call) {
    QMetaObject::invokeMethod(this, std::move(call), Qt::QueuedConnection);
}

ExperimentEvents ExperimentQueue::runnerEvents() {
    ExperimentEvents ev;
    ev.variantStart = [this](int index, int, const ExperimentVariant& v) {
        post([this, index, v] { emit variantStarted(index, v); });
    };
    ev.variantEnd = [this](int index, const ExperimentVariant& v) {
        // Read here, on the worker: the run file may be large, the UI thread stays free.
        VariantView view;
        view.record = v;
        readVariantRun(dir_, view);
        post([this, index, view] {
            flushProgress();
            emit variantFinished(index, view);
        });
    };
    ev.training = [this](int index) { return variantEvents(index); };
    return ev;
}

TrainingJobEvents ExperimentQueue::variantEvents(int index) {
    TrainingJobEvents ev;
    ev.log = [this](const std::string& m) { post([this, text = QString::fromStdString(m)] { emit message(text); }); };
    ev.loading = [this, index](int64_t done, int64_t total) {
        std::lock_guard<std::mutex> lock(progressMutex_);
        Progress& p = progress_[index];
        p.loaded = done, p.toLoad = total, p.loadingFresh = true;
    };
    ev.batch = [this, index](const BatchEvent& e) {
        std::lock_guard<std::mutex> lock(progressMutex_);
        Progress& p = progress_[index];
        p.batch = e, p.batchFresh = true;
    };
    ev.epoch = [this, index](const EpochRecord& r) {
        post([this, index, r] {
            flushProgress();  // the epoch's last batch first, so the bar is full when it ends
            emit epochDone(index, r);
        });
    };
    // Only the gradient norms: the rest of a snapshot (images, probes) is the Features dock's.
    ev.features = [this, index](const FeatureSnapshot& f) {
        if (f.gradients.steps.empty()) return;  // the epoch-0 snapshot, before any step
        post([this, index, g = f.gradients] { emit gradientsReady(index, g); });
    };
    return ev;
}

void ExperimentQueue::flushProgress() {
    std::map<int, Progress> fresh;
    {
        std::lock_guard<std::mutex> lock(progressMutex_);
        for (auto& [index, p] : progress_) {
            if (p.batchFresh || p.loadingFresh) fresh[index] = p;
            p.batchFresh = p.loadingFresh = false;
        }
    }
    for (const auto& [index, p] : fresh) {
        if (p.loadingFresh) emit variantLoading(index, p.loaded, p.toLoad);
        if (p.batchFresh) emit variantProgress(index, p.batch);
    }
}

}  // namespace strata
