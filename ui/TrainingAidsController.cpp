#include "TrainingAidsController.h"

#include <QMessageBox>
#include <QStatusBar>

#include "MainWindow.h"
#include "TrainingFlow.h"
#include "data/DatasetPanel.h"
#include "data/InputSpec.h"
#include "experiments/ExperimentsPanel.h"
#include "model/DesignDocument.h"
#include "training/AugmentPreviewGrid.h"
#include "training/LrCurvePlot.h"
#include "training/LrFinderDialog.h"
#include "training/TrainingSettingsPanel.h"
#include "widgets/FloatSpinBox.h"

namespace strata {

namespace {
constexpr int kRefusalMs = 8000;
}  // namespace

TrainingAidsController::TrainingAidsController(MainWindow* window) : QObject(window), window_(window) {
    TrainingSettingsPanel* settings = window->settingsPanel();
    DatasetPanel* data = window->datasetPanel();
    AugmentPreviewGrid* preview = settings->augmentPreview();
    const DesignDocument* document = window->document();
    auto follow = [preview, data, document] {
        preview->setInputSpec(inputImageSpec(document->design()));
        preview->setFolder(data->trainFolder());
    };
    connect(data, &DatasetPanel::foldersChanged, preview, follow);
    connect(document, &DesignDocument::changed, preview, follow);
    follow();
    connect(settings, &TrainingSettingsPanel::findLearningRateRequested, this, [this] { findLearningRate(); });
}

LrFinderDialog* TrainingAidsController::dialog() const { return dialog_.data(); }

// Why the finder cannot run now ("" when it can), but for the folder: TrainingFlow says that.
QString TrainingAidsController::refusal() const {
    if (window_->training()->isTraining() || window_->experimentsPanel()->isRunning())
        return tr("A training is running: find the learning rate when it has ended.");
    const DesignAnalysis& analysis = window_->document()->analysis();
    if (!analysis.valid())
        return tr("The design has errors; fix them first (Issues panel): %1")
            .arg(QString::fromStdString(analysis.issues.front().text()));
    return QString();
}

bool TrainingAidsController::refuse(const QString& text, QString* error) {
    if (error) *error = text;
    window_->statusBar()->showMessage(text, kRefusalMs);
    if (!window_->automation()) QMessageBox::information(window_, tr("Find Learning Rate"), text);
    return false;
}

bool TrainingAidsController::findLearningRate(QString* error) {
    if (dialog_) {  // one finder at a time
        dialog_->raise();
        dialog_->activateWindow();
        return true;
    }
    if (const QString why = refusal(); !why.isEmpty()) return refuse(why, error);
    TrainConfig config;
    QString why;
    if (!window_->training()->nextConfig(config, &why)) return refuse(why, error);
    auto* dialog = new LrFinderDialog(window_);
    dialog_ = dialog;
    // Modal: the design and settings stay as the finder read them, and no training starts meanwhile.
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        window_->settingsPanel()->learningRateBox()->setValue(dialog->suggestion());
        window_->statusBar()->showMessage(tr("Learning rate set to %1, as the finder suggested.").arg(learningRateText(dialog->suggestion())), kRefusalMs);
    });
    connect(dialog, &QDialog::finished, dialog, &LrFinderDialog::releaseWhenIdle);
    dialog->start(window_->document()->design(), config, ramp_);
    dialog->open();
    return true;
}

}  // namespace strata
