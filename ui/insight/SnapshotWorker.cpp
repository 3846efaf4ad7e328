#include "insight/SnapshotWorker.h"

#include <exception>

#include "jobs/BackgroundJob.h"
#include "runs/RunReader.h"

namespace strata {

struct SnapshotWorker::Job {
    QString runPath;
    bool compute = false;
    SnapshotOptions options;
    // Filled on the worker thread:
    FeatureSnapshot snapshot;
    bool found = false;
    QString error;
};

SnapshotWorker::SnapshotWorker(QObject* parent) : QObject(parent), jobs_(new BackgroundJob(this)) {
    qRegisterMetaType<strata::FeatureSnapshot>();
    // Snapshots are heavy: jobs never overlap, the waiting request starts when one ends.
    connect(jobs_, &BackgroundJob::idle, this, &SnapshotWorker::startNext);
}

bool SnapshotWorker::isBusy() const { return jobs_->isRunning(); }

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
    waiting_ = std::move(job);
    // The running job is overtaken: its result is dropped, and idle() starts this one.
    if (jobs_->isRunning()) jobs_->cancel();
    else startNext();
}

void SnapshotWorker::startNext() {
    if (!waiting_) return;
    std::shared_ptr<Job> job = std::move(waiting_);
    waiting_.reset();
    jobs_->start(
        [job](const StopToken&) {
            run(*job);
            return job;
        },
        [this](const std::shared_ptr<Job>& done) { finish(*done); });
}

void SnapshotWorker::run(Job& job) {
    try {
        if (job.compute) {
            job.snapshot = computeSnapshot(job.runPath.toStdString(), job.options);
            job.found = true;
        } else {
            const ValidRun stored = readValidRun(job.runPath.toStdString());
            job.found = readSnapshot(stored.data, job.snapshot);
        }
    } catch (const std::exception& e) {
        job.error = QString::fromStdString(e.what());
    }
}

void SnapshotWorker::finish(const Job& job) {
    if (!job.error.isEmpty()) emit failed(job.runPath, job.error);
    else if (!job.found) emit missing(job.runPath);
    else emit ready(job.runPath, job.snapshot, job.compute);
}

}  // namespace strata
