#include "FeaturesController.h"

#include <QFileDialog>
#include <QFileInfo>

#include "Settings.h"
#include "TrainingFlow.h"
#include "canvas/DesignView.h"
#include "insight/AttentionMapView.h"
#include "insight/FeaturesPanel.h"
#include "insight/SnapshotWorker.h"
#include "model/DesignDocument.h"

namespace strata {

FeaturesController::FeaturesController(TrainingFlow* flow, FeaturesPanel* panel, const DesignDocument* document,
                                       DesignView* view, QObject* parent)
    : QObject(parent),
      flow_(flow),
      panel_(panel),
      document_(document),
      worker_(new SnapshotWorker(this)),
      attention_(new AttentionWorker(this)) {
    // The next training uses what the panel shows now; later choices follow below.
    flow_->setProbeImage(panel_->probeImage());
    flow_->setPinnedLayer(panel_->pinnedLayer());
    connectFlow();
    connectWorker();
    connectAttention();
    connect(panel_, &FeaturesPanel::pinRequested, this, &FeaturesController::pin);
    connect(panel_, &FeaturesPanel::computeRequested, this, [this] { recompute(true); });
    connect(panel_, &FeaturesPanel::probeImageChosen, this, [this](const QString& path) {
        flow_->setProbeImage(path);
        if (flow_->isTraining())
            panel_->setStatus(tr("The new probe image is used from the next training."));
        else if (!run_.isEmpty()) {
            recompute(false);
            computeAttention();
        }
    });
    connect(view, &DesignView::selectionChanged, this, &FeaturesController::pinFromCanvas);
}

void FeaturesController::connectFlow() {
    connect(flow_->session(), &TrainingSession::featuresReady, this, [this](const FeatureSnapshot& snapshot) {
        panel_->setSnapshot(snapshot);
        panel_->setStatus(QString());
    });
    connect(flow_, &TrainingFlow::trainingStarted, panel_, &FeaturesPanel::beginTraining);
    connect(flow_, &TrainingFlow::trainingFinished, this,
            [this](const TrainResult& result) { trainingEnded(QString::fromStdString(result.runPath)); });
    connect(flow_, &TrainingFlow::runOpened, this, [this](const QString& runPath) { showRun(runPath); });
}

void FeaturesController::connectWorker() {
    connect(worker_, &SnapshotWorker::ready, this, [this](const QString& runPath, FeatureSnapshot snapshot, bool computed) {
        if (runPath != run_ || flow_->isTraining()) return;  // stale: another run or a training took over
        // A quick recomputation skips the linear probes: keep the ones already shown.
        if (computed && snapshot.probe.empty() && panel_->hasSnapshot()) snapshot.probe = panel_->snapshot().probe;
        panel_->setSnapshot(snapshot);
        panel_->setStatus(computed ? tr("computed for %1").arg(QFileInfo(runPath).fileName())
                                   : tr("stored in %1").arg(QFileInfo(runPath).fileName()));
    });
    connect(worker_, &SnapshotWorker::missing, this, [this](const QString& runPath) {
        if (runPath != run_ || flow_->isTraining()) return;
        panel_->setStatus(QString());
        panel_->showEmpty(tr("%1 was trained without features. Compute them now (a few seconds to a minute, in the "
                             "background), or train again.")
                              .arg(QFileInfo(runPath).fileName()),
                          true);
        if (sight_.run == runPath) panel_->setSight(sight_);  // the attention came first: keep it in view
    });
    connect(worker_, &SnapshotWorker::failed, this, [this](const QString& runPath, const QString& error) {
        if (runPath != run_) return;
        panel_->setStatus(error, true);
    });
}

void FeaturesController::trainingEnded(const QString& runPath) {
    if (!runPath.isEmpty() && QFileInfo::exists(runPath)) {
        run_ = runPath;
        computeAttention();
    }
    if (panel_->statusText().startsWith(tr("training"))) panel_->setStatus(QString());
}

void FeaturesController::showRun(const QString& runPath) {
    run_ = runPath;
    panel_->setStatus(tr("reading the features of %1…").arg(QFileInfo(runPath).fileName()));
    worker_->readStored(runPath);
    computeAttention();
}

void FeaturesController::connectAttention() {
    connect(attention_, &AttentionWorker::ready, this, [this](const RunSight& sight) {
        if (sight.run != run_) return;  // another run took over
        sight_ = sight;
        panel_->setSight(sight);
        // A CNN run shown becomes the one the next attention run is compared with.
        if (sight.error.isEmpty() && !sight.hasAttention && !sight.convolutions.empty())
            Settings::instance().setAttentionComparisonRun(sight.run);
    });
    connect(attention_, &AttentionWorker::compared, this, [this](const RunSight& sight) { panel_->setComparison(sight); });
    connect(panel_, &FeaturesPanel::compareRequested, this, &FeaturesController::chooseComparison);
    const QString remembered = Settings::instance().attentionComparisonRun();
    if (!remembered.isEmpty() && QFileInfo::exists(remembered)) attention_->compare(remembered);
}

void FeaturesController::computeAttention() {
    if (run_.isEmpty()) return;
    sight_ = RunSight();
    panel_->attentionView()->clear(tr("Computing the attention of %1…").arg(QFileInfo(run_).fileName()));
    attention_->compute(run_, panel_->probeImage());
}

void FeaturesController::compareWith(const QString& runPath) {
    Settings::instance().setAttentionComparisonRun(runPath);
    attention_->compare(runPath);
}

void FeaturesController::chooseComparison() {
    const QString file = QFileDialog::getOpenFileName(panel_, tr("Compare with run"),
                                                      QFileInfo(Settings::instance().attentionComparisonRun()).absolutePath(),
                                                      tr("Runs (*.h5)"));
    if (!file.isEmpty()) compareWith(file);
}

void FeaturesController::pin(const QString& layer) {
    panel_->setPinnedLayer(layer);
    flow_->setPinnedLayer(layer);
    if (flow_->isTraining()) {
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
    const Node* node = document_->design().findNode(nodeIds.first().toStdString());
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
