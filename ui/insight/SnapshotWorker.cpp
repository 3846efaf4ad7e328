#include "insight/SnapshotWorker.h"

#include <QMetaObject>
#include <QThread>

#include <exception>

#include "runs/RunFile.h"

namespace strata {

struct SnapshotWorker::Job {
    quint64 generation = 0;
    QString runPath;
    bool compute = false;
    SnapshotOptions options;
    // Filled on the worker thread:
    FeatureSnapshot snapshot;
    bool found = false;
    QString error;
};

SnapshotWorker::SnapshotWorker(QObject* parent) : QObject(parent) { qRegisterMetaType<strata::FeatureSnapshot>(); }

SnapshotWorker::~SnapshotWorker() {
    for (QThread* thread : findChildren<QThread*>(QString(), Qt::FindDirectChildrenOnly)) thread->wait();
}

void SnapshotWorker::readStored(const QString& runPath) {
    auto job = std::make_shared<Job>();
    job->runPath = runPath;
    submit(job);
}

void SnapshotWorker::compute(const QString& runPath, const SnapshotOptions& options) {
    auto job = std::make_shared<Job>();
    job->runPath = runPath;
    job->compute = true;
    job->options = options;
    submit(job);
}

void SnapshotWorker::submit(std::shared_ptr<Job> job) {
    job->generation = ++generation_;
    waiting_ = std::move(job);
    if (!running_) startNext();
}

void SnapshotWorker::startNext() {
    running_ = std::move(waiting_);
    waiting_.reset();
    if (!running_) return;
    std::shared_ptr<Job> job = running_;
    QThread* thread = QThread::create([this, job] {
        try {
            if (job->compute) {
                job->snapshot = computeSnapshot(job->runPath.toStdString(), job->options);
                job->found = true;
            } else {
                const RunData run = readRunFile(job->runPath.toStdString());
                job->found = readSnapshot(run, job->snapshot);
            }
        } catch (const std::exception& e) {
            job->error = QString::fromStdString(e.what());
        }
        QMetaObject::invokeMethod(this, [this, job] { finish(job); }, Qt::QueuedConnection);
    });
    thread->setParent(this);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
}

void SnapshotWorker::finish(const std::shared_ptr<Job>& job) {
    running_.reset();
    const bool latest = job->generation == generation_;
    if (!latest) {  // overtaken: start the newer request, drop this result
        startNext();
        return;
    }
    if (!job->error.isEmpty()) emit failed(job->runPath, job->error);
    else if (!job->found) emit missing(job->runPath);
    else emit ready(job->runPath, job->snapshot, job->compute);
    startNext();
}

}  // namespace strata
