#pragma once
// Feature snapshots of a saved run, off the UI thread: reading the one a run stores (no
// recomputation) or computing a fresh one (a pinned layer, another probe image). One job runs
// at a time; a request made while one runs replaces any request still waiting, and the
// result of a job overtaken by a newer request is dropped, so the panel always ends on the
// user's latest choice.
#include <QObject>
#include <QString>

#include <memory>

#include "insight/Insight.h"
#include "training/SnapshotMetaType.h"

namespace strata {

class BackgroundJob;

class SnapshotWorker : public QObject {
    Q_OBJECT
public:
    // A job in flight when the worker goes is waited for, its result dropped.
    explicit SnapshotWorker(QObject* parent = nullptr);

    // The snapshot stored in the run's /features: ready(..., false) or missing().
    void readStored(const QString& runPath);
    // A fresh snapshot of the run: ready(..., true).
    void compute(const QString& runPath, const SnapshotOptions& options);
    bool isBusy() const;

signals:
    void ready(const QString& runPath, const strata::FeatureSnapshot& snapshot, bool computed);
    void missing(const QString& runPath);  // the run stores no snapshot
    void failed(const QString& runPath, const QString& error);

private:
    struct Job;
    void submit(std::shared_ptr<Job> job);
    void startNext();
    static void run(Job& job);  // on the worker thread
    void finish(const Job& job);

    BackgroundJob* jobs_;  // runs one job at a time (the next starts when it is idle)
    std::shared_ptr<Job> waiting_;
};

}  // namespace strata
