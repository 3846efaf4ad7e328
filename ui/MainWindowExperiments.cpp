// The main window's Experiments dock: what its Start trains (the open design with the
// training settings and the dataset panel's folders, as Train uses them) and where a
// variant's run opens (the same path as the Runs panel's Open).
#include "MainWindow.h"

#include <QDockWidget>
#include <QStatusBar>

#include "TrainingFlow.h"
#include "data/DatasetPanel.h"
#include "experiments/ExperimentsPanel.h"
#include "model/DesignDocument.h"
#include "training/TrainingSettingsPanel.h"

namespace strata {

void MainWindow::createExperiments() {
    ExperimentsPanel* panel = trainingDocks_.experiments;
    docks_[size_t(StudioPanel::Experiments)] = trainingDocks_.experimentsDock;
    panel->setInputsSource([this] {
        ExperimentInputs in;
        in.design = document_->design();
        in.designPath = document_->path();  // new experiments go beside it, as its runs do (§13)
        const DatasetPanel* data = trainingDocks_.dataset;
        in.config = trainingDocks_.settings->config();
        in.config.data = data->trainFolder().toStdString();
        in.config.val = data->valFolder().toStdString();
        in.config.valSplit = data->valSplit();
        in.config.test = data->testFolder().toStdString();
        if (data->trainFolder().isEmpty())
            in.problem = tr("Choose a training image folder in the Dataset panel first.");
        // Both would train on the same cores, each at half speed.
        else if (flow_->isTraining())
            in.problem = tr("A training is running; start the experiment when it has ended.");
        return in;
    });
    connect(panel, &ExperimentsPanel::openRunRequested, flow_, [this](const QString& run) { flow_->openRun(run); });
    connect(panel, &ExperimentsPanel::problem, this, [this](const QString& text) { statusBar()->showMessage(text); });
}

}  // namespace strata
