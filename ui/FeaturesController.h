#pragma once
// The flow behind the Features dock: snapshots from a training (the training flow's session)
// or from a saved run (read or computed on a worker thread) go to the panel; a layer pinned
// in the panel or by selecting one node on the canvas reaches the training flow (the running
// training and the next ones), or a fresh snapshot of the run otherwise; the probe image
// chosen in the panel is used by the next training (and recomputed for a finished run at
// once). It observes the flow and never starts or stops a training.
#include <QObject>
#include <QString>

#include "insight/AttentionWorker.h"

namespace strata {

class DesignDocument;
class DesignView;
class AttentionWorker;
class FeaturesPanel;
class SnapshotWorker;
class TrainingFlow;

class FeaturesController : public QObject {
    Q_OBJECT
public:
    FeaturesController(TrainingFlow* flow, FeaturesPanel* panel, const DesignDocument* document, DesignView* view,
                       QObject* parent);

    // The run whose features are shown when not training ("" before any).
    QString run() const { return run_; }
    SnapshotWorker* worker() const { return worker_; }
    AttentionWorker* attentionWorker() const { return attention_; }
    // The CNN run the attention chart compares with (remembered across sessions); "" = none.
    void compareWith(const QString& runPath);

private:
    void connectFlow();
    void connectWorker();
    // After a training ended, or when a run is opened: the run the panel is about from now.
    void trainingEnded(const QString& runPath);
    // Shows the run's stored snapshot (without recomputation), or offers to compute one.
    void showRun(const QString& runPath);
    void pin(const QString& layer);
    void pinFromCanvas(const QStringList& nodeIds);
    // A fresh snapshot of run_ with the panel's probe image and pinned layer; `full` also
    // runs the linear probes (the slowest part), else the last snapshot's probe points stay.
    void recompute(bool full);
    // The Attention tab's view of run_ for the panel's probe image.
    void computeAttention();
    void connectAttention();
    void chooseComparison();

    TrainingFlow* flow_;
    FeaturesPanel* panel_;
    const DesignDocument* document_;
    SnapshotWorker* worker_;
    AttentionWorker* attention_;
    RunSight sight_;  // the last attention view of run_, for when the panel is reset
    QString run_;
};

}  // namespace strata
