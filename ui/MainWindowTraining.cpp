// The main window's training side: the training docks and the flow that runs trainings, the
// design lock as the window shows it, the data folder, and the named operations automation
// uses (start a training, show a panel).
#include "MainWindow.h"

#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>

#include "Actions.h"
#include "TrainingFlow.h"
#include "canvas/DesignView.h"
#include "data/DatasetPanel.h"
#include "data/InputSpec.h"
#include "examples/DataMapPanel.h"
#include "experiments/ExperimentsPanel.h"
#include "FeaturesController.h"
#include "insight/FeaturesPanel.h"
#include "model/DesignDocument.h"
#include "panels/PalettePanel.h"
#include "panels/PropertyPanel.h"
#include "runs/PredictPanel.h"
#include "runs/RunsPanel.h"
#include "training/TrainingPanel.h"
#include "training/TrainingSettingsPanel.h"

namespace strata {

namespace {
constexpr int kLockMessageMs = 6000;
constexpr int kEnlargedPercent = 45;  // of the window's height, for an enlarged bottom panel
}  // namespace

void MainWindow::createTraining() {
    TrainingDocks& d = trainingDocks_;
    d = TrainingDocks::build(this, propertiesDock_, issuesDock_);
    docks_ = {paletteDock_,   propertiesDock_, issuesDock_,   d.datasetDock, d.settingsDock,
              d.trainingDock, d.runsDock,      d.predictDock, d.featuresDock};
    flow_ = new TrainingFlow(document_, d.dataset, d.settings, this);
    connectTrainingPanels();
    featuresController_ = new FeaturesController(flow_, d.features, document_, view_, this);
    // Connected last: whoever hears of the end finds every panel already showing it.
    connect(flow_, &TrainingFlow::trainingFinished, this, &MainWindow::trainingFinished);
    connect(document_, &DesignDocument::lockChanged, this, &MainWindow::applyLock);
    connect(d.dataset, &DatasetPanel::scanned, this, &MainWindow::showDataScan);
    // The imbalance warning's fix goes to the training settings, where it can be undone.
    connect(d.dataset, &DatasetPanel::classWeightsRequested, this, [this] {
        settingsPanel()->classWeightsBox()->setCurrentText(QStringLiteral("auto"));
        showPanel(StudioPanel::Settings);
        statusBar()->showMessage(tr("Training will weight the loss by class (Training Settings > Class weights)."), 8000);
    });
}

// The training, runs and predict panels and the status bar follow the flow, and the training
// and runs panels' buttons go to it; the dataset panel decodes samples at the design's Input
// size. (The features panel has its own FeaturesController.)
void MainWindow::connectTrainingPanels() {
    TrainingFlow* flow = flow_;
    TrainingPanel* t = trainingDocks_.training;
    t->observe(flow->session());
    connect(t, &TrainingPanel::trainRequested, flow, [this, flow] {
        if (trainingDocks_.experiments->isRunning()) {  // one training at a time on the machine
            statusBar()->showMessage(tr("An experiment is running; train when it has ended."));
            return;
        }
        flow->startTraining();
    });
    connect(t, &TrainingPanel::pauseRequested, flow, &TrainingFlow::pause);
    connect(t, &TrainingPanel::resumeRequested, flow, &TrainingFlow::resume);
    connect(t, &TrainingPanel::stopRequested, flow, &TrainingFlow::stop);
    connect(flow, &TrainingFlow::problem, t, &TrainingPanel::showError);
    connect(flow, &TrainingFlow::trainingFinished, t, &TrainingPanel::showResult);
    connect(flow, &TrainingFlow::runOpened, t,
            [t](const QString&, const std::vector<EpochRecord>& epochs) { t->showRun(epochs); });

    RunsPanel* r = trainingDocks_.runs;
    connect(r, &RunsPanel::openRequested, flow, [flow](const QString& path) { flow->openRun(path); });
    connect(r, &RunsPanel::resumeRequested, flow, [flow](const QString& path) { flow->resumeRun(path); });
    connect(flow, &TrainingFlow::runsFolderChanged, r, &RunsPanel::setFolder);
    connect(flow, &TrainingFlow::trainingFinished, r, [r] { r->refresh(); });
    r->setFolder(flow->runsFolder());

    PredictPanel* p = trainingDocks_.predict;
    connect(flow, &TrainingFlow::trainingFinished, p, [p](const TrainResult& result) {
        const QString run = QString::fromStdString(result.runPath);
        if (!run.isEmpty() && QFileInfo::exists(run)) p->setRun(run);
    });
    connect(flow, &TrainingFlow::runOpened, p, [p](const QString& run) { p->setRun(run); });

    connect(flow, &TrainingFlow::statusMessage, this, [this](const QString& text) { statusBar()->showMessage(text); });
    // A refusal shows in the status bar too: the training panel that also shows it is often a
    // tab behind the one asked (Open or Resume in the Runs panel share its tab group).
    connect(flow, &TrainingFlow::problem, this, [this](const QString& text) { statusBar()->showMessage(text); });

    DatasetPanel* data = trainingDocks_.dataset;
    connect(document_, &DesignDocument::changed, data, [this, data] { data->setInputSpec(inputImageSpec(document_->design())); });
    data->setInputSpec(inputImageSpec(document_->design()));
}

bool MainWindow::startTraining(QString* error) { return flow_->startTraining(error); }

// --- The design lock ---------------------------------------------------------------------

void MainWindow::applyLock(bool locked) {
    actions_->setDesignLocked(locked);
    rebuildRecentMenu();  // its entries open designs
    view_->setInteractive(!locked);
    palette_->setEnabled(!locked);
    properties_->setEnabled(!locked);
    // What the training reads stays as it was when Train was pressed.
    trainingDocks_.dataset->setEnabled(!locked);
    trainingDocks_.settings->setReadOnly(locked);
}

bool MainWindow::refusedWhileLocked() {
    if (!document_->isLocked()) return false;
    statusBar()->showMessage(document_->lockReason(), kLockMessageMs);
    return true;
}

bool MainWindow::confirmStopTraining() {
    if (!flow_->isTraining()) return true;
    if (!automation_) {
        const auto answer = QMessageBox::question(this, tr("Training in progress"),
                                                  tr("A training is running. Stop it and close? The run keeps its "
                                                     "last complete epoch."),
                                                  QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) return false;
    }
    flow_->stopAndWait();
    return true;
}

// --- Data ------------------------------------------------------------------------------------

void MainWindow::setDataFolder(const QString& dir) {
    trainingDocks_.dataset->setTrainFolder(dir);  // schedules a scan, which ends in showDataScan()
    // A large folder takes a while to scan: say so until the scan has the classes.
    if (dir.isEmpty()) return;
    dataLabel_->setText(tr("Data: %1 (scanning\u2026)").arg(QFileInfo(dir).fileName()));
    dataLabel_->setToolTip(QDir::toNativeSeparators(dir));
    dataLabel_->setVisible(true);
}

QString MainWindow::dataFolder() const { return trainingDocks_.dataset->trainFolder(); }

void MainWindow::showDataScan() {
    const DatasetPanel* data = trainingDocks_.dataset;
    const QString dir = data->trainFolder();
    // Each class folder is a class (docs/ARCHITECTURE.md §6), so "classes" can be resolved now.
    const int classes = int(data->classNames().size());
    if (classes > 0) document_->setClasses(classes);
    const QString name = QFileInfo(dir).fileName();
    dataLabel_->setText(classes > 1    ? tr("Data: %1 (%2 classes)").arg(name).arg(classes)
                        : classes == 1 ? tr("Data: %1 (1 class)").arg(name)
                                       : tr("Data: %1").arg(name));
    dataLabel_->setToolTip(QDir::toNativeSeparators(dir));
    dataLabel_->setVisible(!dir.isEmpty());
}

// --- Panels ----------------------------------------------------------------------------------

bool MainWindow::showPanel(StudioPanel panel, const QString& tab) {
    QDockWidget* d = dock(panel);
    d->show();
    d->raise();
    if (tab.isEmpty()) return true;
    // The Features panel has tabs, and the Runs panel (Runs, Compare: it compares the selection).
    QTabWidget* tabs = panel == StudioPanel::Features      ? trainingDocks_.features->tabs()
                       : panel == StudioPanel::Runs        ? trainingDocks_.runs->tabs()
                       : panel == StudioPanel::Experiments ? trainingDocks_.experiments->tabs()
                       : panel == StudioPanel::Data        ? trainingDocks_.data->tabs()
                                                           : nullptr;
    for (int i = 0; tabs && i < tabs->count(); ++i)
        if (tabs->tabText(i).remove('&').startsWith(tab, Qt::CaseInsensitive)) {
            tabs->setCurrentIndex(i);
            return true;
        }
    return false;
}

void MainWindow::enlargePanel(StudioPanel panel) {
    QDockWidget* d = dock(panel);
    if (dockWidgetArea(d) == Qt::BottomDockWidgetArea) resizeDocks({d}, {height() * kEnlargedPercent / 100}, Qt::Vertical);
}

}  // namespace strata
