#include "insight/FeaturesController.h"

#include <QFileInfo>

#include "MainWindow.h"
#include "canvas/DesignView.h"
#include "insight/FeaturesPanel.h"
#include "insight/SnapshotWorker.h"
#include "model/DesignDocument.h"
#include "train/TrainConfig.h"
#include "training/TrainingSession.h"

namespace strata {

FeaturesController::FeaturesController(MainWindow* window, TrainingSession* session, FeaturesPanel* panel,
                                       QObject* parent)
    : QObject(parent), window_(window), session_(session), panel_(panel), worker_(new SnapshotWorker(this)) {
    connect(session_, &TrainingSession::featuresReady, this, [this](const FeatureSnapshot& snapshot) {
        panel_->setSnapshot(snapshot);
        panel_->setStatus(QString());
    });
    connect(panel_, &FeaturesPanel::pinRequested, this, &FeaturesController::pin);
    connect(panel_, &FeaturesPanel::computeRequested, this, [this] { recompute(true); });
    connect(panel_, &FeaturesPanel::probeImageChosen, this, [this] {
        if (session_->isActive())
            panel_->setStatus(tr("The new probe image is used from the next training."));
        else if (!run_.isEmpty())
            recompute(false);
    });
    connect(window_->view(), &DesignView::selectionChanged, this, &FeaturesController::pinFromCanvas);

    connect(worker_, &SnapshotWorker::ready, this, [this](const QString& runPath, FeatureSnapshot snapshot, bool computed) {
        if (runPath != run_ || session_->isActive()) return;  // stale: another run or a training took over
        // A quick recomputation skips the linear probes: keep the ones already shown.
        if (computed && snapshot.probe.empty() && panel_->hasSnapshot()) snapshot.probe = panel_->snapshot().probe;
        panel_->setSnapshot(snapshot);
        panel_->setStatus(computed ? tr("computed for %1").arg(QFileInfo(runPath).fileName())
                                   : tr("stored in %1").arg(QFileInfo(runPath).fileName()));
    });
    connect(worker_, &SnapshotWorker::missing, this, [this](const QString& runPath) {
        if (runPath != run_ || session_->isActive()) return;
        panel_->setStatus(QString());
        panel_->showEmpty(tr("%1 was trained without features. Compute them now (a few seconds to a minute, in the "
                             "background), or train again.")
                              .arg(QFileInfo(runPath).fileName()),
                          true);
    });
    connect(worker_, &SnapshotWorker::failed, this, [this](const QString& runPath, const QString& error) {
        if (runPath != run_) return;
        panel_->setStatus(error, true);
    });
}

void FeaturesController::prepareTraining(TrainConfig& config) {
    config.features = true;
    config.probeImage = panel_->probeImage().toStdString();
    session_->setPinnedLayer(panel_->pinnedLayer().toStdString());
    panel_->beginTraining();
}

void FeaturesController::trainingEnded(const QString& runPath) {
    if (!runPath.isEmpty() && QFileInfo::exists(runPath)) run_ = runPath;
    if (panel_->statusText().startsWith(tr("training"))) panel_->setStatus(QString());
}

void FeaturesController::showRun(const QString& runPath) {
    run_ = runPath;
    panel_->setStatus(tr("reading the features of %1…").arg(QFileInfo(runPath).fileName()));
    worker_->readStored(runPath);
}

void FeaturesController::pin(const QString& layer) {
    panel_->setPinnedLayer(layer);
    session_->setPinnedLayer(layer.toStdString());
    if (session_->isActive()) {
        panel_->setStatus(layer.isEmpty() ? tr("unpinned: from the next epoch end")
                                          : tr("%1 pinned: shown from the next epoch end").arg(layer));
    } else if (!run_.isEmpty()) {
        recompute(false);
    }
}

void FeaturesController::pinFromCanvas(const QStringList& nodeIds) {
    // Only while the user looks at the features, and only a single layer that has outputs
    // worth showing: selecting for editing elsewhere must not start computations.
    // (A dock behind another tab stays "visible" but is moved out of sight: ask what shows.)
    if (nodeIds.size() != 1 || panel_->visibleRegion().isEmpty() || nodeIds.first() == panel_->pinnedLayer()) return;
    const Node* node = window_->document()->design().findNode(nodeIds.first().toStdString());
    if (!node || node->type == "Input" || node->type == "Output") return;
    pin(nodeIds.first());
}

void FeaturesController::recompute(bool full) {
    if (run_.isEmpty()) return;
    SnapshotOptions options;
    options.probeImage = panel_->probeImage().toStdString();
    options.pinnedLayer = panel_->pinnedLayer().toStdString();
    options.probe = full || !panel_->hasSnapshot();
    panel_->setStatus(tr("computing features of %1…").arg(QFileInfo(run_).fileName()));
    worker_->compute(run_, options);
}

}  // namespace strata
