#pragma once
// The flow behind the Features dock: snapshots from a training (queued from the trainer's
// thread) or from a saved run (read or computed on a worker thread) go to the panel; a layer
// pinned in the panel or by selecting one node on the canvas reaches the trainer during
// training, or a fresh snapshot of the run otherwise; the probe image chosen in the panel is
// used by the next training (and recomputed for a finished run at once).
#include <QObject>
#include <QString>

namespace strata {

class FeaturesPanel;
class MainWindow;
class SnapshotWorker;
class TrainingSession;
struct TrainConfig;

class FeaturesController : public QObject {
    Q_OBJECT
public:
    FeaturesController(MainWindow* window, TrainingSession* session, FeaturesPanel* panel, QObject* parent);

    // Before a training starts: features on, the panel's probe image, its pinned layer.
    void prepareTraining(TrainConfig& config);
    // After a training ended, or when a run is opened: the run the panel is about from now.
    void trainingEnded(const QString& runPath);
    // Shows the run's stored snapshot (without recomputation), or offers to compute one.
    void showRun(const QString& runPath);

    // The run whose features are shown when not training ("" before any).
    QString run() const { return run_; }
    SnapshotWorker* worker() const { return worker_; }

private:
    void pin(const QString& layer);
    void pinFromCanvas(const QStringList& nodeIds);
    // A fresh snapshot of run_ with the panel's probe image and pinned layer; `full` also
    // runs the linear probes (the slowest part), else the last snapshot's probe points stay.
    void recompute(bool full);

    MainWindow* window_;
    TrainingSession* session_;
    FeaturesPanel* panel_;
    SnapshotWorker* worker_;
    QString run_;
};

}  // namespace strata
