#include "TrainingController.h"

#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QMessageBox>
#include <QStatusBar>

#include <cstdio>

#include "Actions.h"
#include "MainWindow.h"
#include "canvas/DesignView.h"
#include "data/DatasetPanel.h"
#include "data/InputSpec.h"
#include "insight/FeaturesController.h"
#include "insight/FeaturesPanel.h"
#include "model/DesignDocument.h"
#include "panels/PalettePanel.h"
#include "panels/PropertyPanel.h"
#include "runs/EpochTable.h"
#include "runs/PredictPanel.h"
#include "runs/RunFile.h"
#include "runs/RunsPanel.h"
#include "training/EpochPlot.h"
#include "training/TrainingPanel.h"
#include "training/TrainingSession.h"
#include "training/TrainingSettingsPanel.h"

namespace strata {

namespace {
// Actions that would change the design or replace it: off while the design is locked.
const char* const kEditingActions[] = {"file.new",   "file.open",   "edit.undo",   "edit.redo",       "edit.cut",
                                       "edit.paste", "edit.delete", "edit.autoLayout", nullptr};

}  // namespace

TrainingController::TrainingController(MainWindow* window) : QObject(window), window_(window) {
    dataset_ = new DatasetPanel(window);
    settings_ = new TrainingSettingsPanel(window);
    training_ = new TrainingPanel(window);
    runs_ = new RunsPanel(window);
    predict_ = new PredictPanel(window);

    // Each dock joins its area's tab group as it is added: side by side, even for a moment,
    // their minimum widths would add up and widen the window beyond the screen.
    auto addTabbed = [window](QWidget* panel, const QString& title, const char* name, Qt::DockWidgetArea area,
                              QDockWidget* tabWith) {
        QDockWidget* dock = window->addPanelDock(panel, title, name, area);
        if (tabWith) window->tabifyDockWidget(tabWith, dock);
        return dock;
    };
    auto* properties = window->findChild<QDockWidget*>("propertiesDock");
    auto* issues = window->findChild<QDockWidget*>("issuesDock");
    QDockWidget* datasetDock = addTabbed(dataset_, tr("Dataset"), "datasetDock", Qt::RightDockWidgetArea, properties);
    addTabbed(settings_, tr("Training Settings"), "settingsDock", Qt::RightDockWidgetArea, datasetDock);
    QDockWidget* trainingDock = addTabbed(training_, tr("Training"), "trainingDock", Qt::BottomDockWidgetArea, issues);
    QDockWidget* runsDock = addTabbed(runs_, tr("Runs"), "runsDock", Qt::BottomDockWidgetArea, trainingDock);
    QDockWidget* predictDock = addTabbed(predict_, tr("Predict"), "predictDock", Qt::BottomDockWidgetArea, runsDock);
    features_ = new FeaturesPanel(window);
    addTabbed(features_, tr("Features"), "featuresDock", Qt::BottomDockWidgetArea, predictDock);
    featuresController_ = new FeaturesController(window, training_->session(), features_, this);
    // The canvas keeps most of the window; the editor's docks stay in front.
    if (properties) properties->raise();
    trainingDock->raise();

    DesignDocument* doc = window->document();
    connect(training_, &TrainingPanel::trainRequested, this, &TrainingController::startTraining);
    connect(training_, &TrainingPanel::trainingEnded, this, [this](bool ok, const QString& runPath) {
        setLocked(false);
        runs_->refresh();
        if (!runPath.isEmpty() && QFileInfo::exists(runPath)) predict_->setRun(runPath);
        featuresController_->trainingEnded(runPath);
        window_->statusBar()->showMessage(ok ? tr("Training finished: %1").arg(runPath)
                                             : tr("Training ended: %1").arg(training_->lastError()));
        emit trainingEnded(ok, runPath);
    });
    connect(runs_, &RunsPanel::openRequested, this, &TrainingController::openRun);
    connect(runs_, &RunsPanel::resumeRequested, this, &TrainingController::resumeRun);
    connect(dataset_, &DatasetPanel::scanned, this, [this, doc](bool ok) {
        if (ok && !dataset_->classNames().isEmpty()) doc->setClasses(int(dataset_->classNames().size()));
    });
    connect(doc, &DesignDocument::changed, this, [this, doc] { dataset_->setInputSpec(inputImageSpec(doc->design())); });
    connect(doc, &DesignDocument::pathChanged, this, &TrainingController::followDesignPath);
    dataset_->setInputSpec(inputImageSpec(doc->design()));
    followDesignPath();
}

bool TrainingController::isTraining() const { return training_->session()->isActive(); }

QString TrainingController::runsFolder() const { return RunsPanel::defaultRunsFolder(window_->document()->path()); }

void TrainingController::followDesignPath() {
    const QString path = window_->document()->path();
    settings_->load(path.isEmpty() ? QStringLiteral("<unsaved>") : path);
    runs_->setFolder(runsFolder());
}

bool TrainingController::startTraining() {
    DesignDocument* doc = window_->document();
    if (dataset_->trainFolder().isEmpty()) {
        training_->showError(tr("Choose a training image folder in the Dataset panel first."));
        return false;
    }
    TrainConfig config = settings_->config();
    config.data = dataset_->trainFolder().toStdString();
    config.val = dataset_->valFolder().toStdString();
    config.valSplit = dataset_->valSplit();
    config.test = dataset_->testFolder().toStdString();
    const QString name = QString::fromStdString(doc->design().name.empty() ? "design" : doc->design().name);
    const QString folder = runsFolder();
    QDir().mkpath(folder);
    config.run = QDir(folder).filePath(name + "-" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss") + ".h5")
                     .toStdString();
    settings_->save(doc->path().isEmpty() ? QStringLiteral("<unsaved>") : doc->path());
    return launch(config);
}

bool TrainingController::resumeRun(const QString& runPath) {
    RunData run;
    try {
        run = readRunSummary(runPath.toStdString());
    } catch (const std::exception& e) {
        training_->showError(QString::fromStdString(e.what()));
        return false;
    }
    // The panel's epochs and threads, read before openRun: opening the run's design makes it
    // a new document, and the settings panel then shows that document's settings.
    const TrainConfig panel = settings_->config();
    const size_t recorded = loadEpochs(run).size();
    if (size_t(panel.epochs) <= recorded) {
        training_->showError(tr("%1 already has %2 epochs: set Epochs above that in the training settings to "
                                "continue it.").arg(runPath).arg(recorded));
        return false;
    }
    if (!openRun(runPath)) return false;
    // Every recorded setting, so the resume check passes; epochs and threads from the panel.
    TrainConfig config = TrainConfig::fromJson(run.config, panel);
    config.epochs = panel.epochs;
    config.threads = panel.threads;
    settings_->setConfig(config);
    config.run = runPath.toStdString();
    config.resume = true;
    return launch(config);
}

bool TrainingController::launch(const TrainConfig& settings) {
    TrainConfig config = settings;
    featuresController_->prepareTraining(config);  // the studio always trains with feature snapshots
    setLocked(true);
    if (!training_->start(window_->document()->design(), config)) {
        setLocked(false);
        window_->statusBar()->showMessage(training_->lastError());
        return false;
    }
    window_->statusBar()->showMessage(tr("Training %1 ...").arg(QString::fromStdString(config.run)));
    return true;
}

bool TrainingController::openRun(const QString& runPath) {
    if (isTraining()) return false;
    try {
        const RunData run = readRunSummary(runPath.toStdString());
        const Design design = parseDesign(run.designJson, runPath.toStdString() + ":/design");
        window_->document()->reset(design);
        // The design is now unsaved: keep listing the runs beside the one just opened.
        runs_->setFolder(QFileInfo(runPath).absolutePath());
        training_->epochPlot()->setEpochs(loadEpochs(run));
        predict_->setRun(runPath);
        featuresController_->showRun(runPath);
        window_->statusBar()->showMessage(tr("Opened run %1").arg(runPath));
        return true;
    } catch (const std::exception& e) {
        training_->showError(QString::fromStdString(e.what()));
        return false;
    }
}

bool TrainingController::confirmClose() {
    if (!isTraining()) return true;
    if (!window_->automation()) {
        const auto answer = QMessageBox::question(window_, tr("Training in progress"),
                                                  tr("A training is running. Stop it and close? The run keeps its "
                                                     "last complete epoch."),
                                                  QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) return false;
    }
    training_->session()->stop();
    training_->session()->wait();
    return true;
}

void TrainingController::setLocked(bool locked) {
    window_->document()->setReadOnly(locked);
    window_->view()->setInteractive(!locked);
    window_->palettePanel()->setEnabled(!locked);
    window_->propertyPanel()->setEnabled(!locked);
    dataset_->setEnabled(!locked);
    settings_->setReadOnly(locked);
    for (const char* const* id = kEditingActions; *id; ++id)
        if (window_->actions()->contains(*id)) window_->actions()->get(*id)->setEnabled(!locked);
    if (!locked) window_->updateActions();
}

}  // namespace strata
