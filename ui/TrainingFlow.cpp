#include "TrainingFlow.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

#include "data/DatasetPanel.h"
#include "model/DesignDocument.h"
#include "runs/EpochTable.h"
#include "runs/RunReader.h"
#include "runs/RunsPanel.h"
#include "training/TrainingSettingsPanel.h"

namespace strata {

TrainingFlow::TrainingFlow(DesignDocument* document, DatasetPanel* dataset, TrainingSettingsPanel* settings,
                           QObject* parent)
    : QObject(parent), document_(document), dataset_(dataset), settings_(settings) {
    connect(&session_, &TrainingSession::ended, this, &TrainingFlow::onEnded);
    connect(document_, &DesignDocument::pathChanged, this, &TrainingFlow::followDesignPath);
    settings_->load(settingsKey());
}

QString TrainingFlow::runsFolder() const { return RunsPanel::defaultRunsFolder(document_->path()); }

// The settings panel remembers its settings per design file ("<unsaved>" for a new design).
QString TrainingFlow::settingsKey() const {
    return document_->path().isEmpty() ? QStringLiteral("<unsaved>") : document_->path();
}

void TrainingFlow::followDesignPath() {
    settings_->load(settingsKey());
    emit runsFolderChanged(runsFolder());
}

bool TrainingFlow::refuse(const QString& text, QString* error) {
    if (error) *error = text;
    emit problem(text);
    return false;
}

bool TrainingFlow::startTraining(QString* error) {
    if (isTraining()) return refuse(tr("A training is already running."), error);
    TrainConfig config;
    QString why;
    if (!nextConfig(config, &why)) return refuse(why, error);
    const Design& design = document_->design();
    const QString name = QString::fromStdString(design.name.empty() ? "design" : design.name);
    const QString folder = runsFolder();
    QDir().mkpath(folder);
    const QString stamp = QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss");
    config.run = QDir(folder).filePath(name + "-" + stamp + ".h5").toStdString();
    settings_->save(settingsKey());
    return launch(config, error);
}

bool TrainingFlow::nextConfig(TrainConfig& config, QString* error) const {
    if (dataset_->trainFolder().isEmpty()) {
        if (error) *error = tr("Choose a training image folder in the Dataset panel first.");
        return false;
    }
    config = settings_->config();
    config.data = dataset_->trainFolder().toStdString();
    config.val = dataset_->valFolder().toStdString();
    config.valSplit = dataset_->valSplit();
    config.test = dataset_->testFolder().toStdString();
    return true;
}

bool TrainingFlow::resumeRun(const QString& runPath, QString* error) {
    if (isTraining()) return refuse(tr("A training is already running."), error);
    RunData run;
    try {
        run = readValidRun(runPath.toStdString()).data;  // whole: a damaged checkpoint is refused here
    } catch (const std::exception& e) {
        return refuse(QString::fromStdString(e.what()), error);
    }
    // The panel's epochs and threads, read before showRun: opening the run's design makes it
    // a new document, and the settings panel then shows that document's settings.
    const TrainConfig panel = settings_->config();
    const size_t recorded = loadEpochs(run).size();
    if (size_t(panel.epochs) <= recorded)
        return refuse(tr("%1 already has %2 epochs: set Epochs above that in the training settings to continue it.")
                          .arg(runPath)
                          .arg(recorded),
                      error);
    if (!showRun(runPath, run, error)) return false;
    // Every recorded setting, so the resume check passes; epochs and threads from the panel.
    // Transfer settings come from the run (none in older runs), never from the open design's panel.
    TrainConfig base = panel;
    base.initFrom.clear();
    base.restat = false;
    base.freeze.clear();
    base.freezeThrough.clear();
    TrainConfig config = TrainConfig::fromJson(run.config, base);
    config.epochs = panel.epochs;
    config.threads = panel.threads;
    settings_->setConfig(config);
    config.run = runPath.toStdString();
    config.resume = true;
    return launch(config, error);
}

bool TrainingFlow::launch(const TrainConfig& settings, QString* error) {
    TrainConfig config = settings;
    config.features = true;  // the studio always trains with feature snapshots
    config.probeImage = probeImage_.toStdString();
    // Locked before anything of the training exists, so that nothing can change the design
    // between the press of Train and the end of the run (decoding the data included).
    document_->setLocked(true);
    QString why;
    if (!session_.start(document_->design(), config, &why)) {
        document_->setLocked(false);
        emit statusMessage(why);
        return refuse(why, error);
    }
    const QString run = QString::fromStdString(config.run);
    emit trainingStarted(run);
    emit statusMessage(tr("Training %1 ...").arg(run));
    return true;
}

void TrainingFlow::onEnded(const TrainResult& result) {
    document_->setLocked(false);
    const QString run = QString::fromStdString(result.runPath);
    switch (result.status) {
    case TrainResult::Status::Finished: emit statusMessage(tr("Training finished: %1").arg(run)); break;
    case TrainResult::Status::Stopped: emit statusMessage(tr("Training stopped: %1").arg(run)); break;
    case TrainResult::Status::Failed:
        emit statusMessage(tr("Training ended: %1").arg(QString::fromStdString(result.error)));
        break;
    }
    emit trainingFinished(result);
}

bool TrainingFlow::refusedWhileLocked(QString* error) {
    if (!isTraining() && !document_->isLocked()) return false;
    emit statusMessage(document_->lockReason());
    refuse(document_->lockReason(), error);
    return true;
}

bool TrainingFlow::openRun(const QString& runPath, QString* error) {
    if (refusedWhileLocked(error)) return false;  // before reading: the lock is the reason
    RunData run;
    try {
        run = readValidRun(runPath.toStdString()).data;  // whole: a damaged checkpoint is refused here
    } catch (const std::exception& e) {
        return refuse(QString::fromStdString(e.what()), error);
    }
    return showRun(runPath, run, error);
}

// The run's design becomes the open (unsaved) design; the panels hear of it.
bool TrainingFlow::showRun(const QString& runPath, const RunData& run, QString* error) {
    if (refusedWhileLocked(error)) return false;
    try {
        const Design design = parseDesign(run.designJson, runPath.toStdString() + ":/design");
        document_->reset(design);
    } catch (const std::exception& e) {
        return refuse(QString::fromStdString(e.what()), error);
    }
    // The design is now unsaved: keep listing the runs beside the one just opened.
    emit runsFolderChanged(QFileInfo(runPath).absolutePath());
    emit runOpened(runPath, loadEpochs(run));
    emit statusMessage(tr("Opened run %1").arg(runPath));
    return true;
}

void TrainingFlow::stopAndWait() {
    session_.stop();
    session_.wait();
}

}  // namespace strata
