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
#include "insight/SnapshotMetaType.h"

class QThread;

namespace strata {

class SnapshotWorker : public QObject {
    Q_OBJECT
public:
    explicit SnapshotWorker(QObject* parent = nullptr);
    ~SnapshotWorker() override;  // waits for a job in flight

    // The snapshot stored in the run's /features: ready(..., false) or missing().
    void readStored(const QString& runPath);
    // A fresh snapshot of the run: ready(..., true).
    void compute(const QString& runPath, const SnapshotOptions& options);
    bool isBusy() const { return running_ != nullptr; }

signals:
    void ready(const QString& runPath, const strata::FeatureSnapshot& snapshot, bool computed);
    void missing(const QString& runPath);  // the run stores no snapshot
    void failed(const QString& runPath, const QString& error);

private:
    struct Job;
    void submit(std::shared_ptr<Job> job);
    void startNext();
    void finish(const std::shared_ptr<Job>& job);

    std::shared_ptr<Job> running_, waiting_;
    quint64 generation_ = 0;  // of the newest request
};

}  // namespace strata
