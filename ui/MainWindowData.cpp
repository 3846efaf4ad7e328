// The main window's Data dock: it shows the dataset map of the run the studio shows (the one a
// training just wrote, or one opened from the Runs panel, an experiment or the command line),
// as the Predict panel follows them; its refusals go to the status bar; a move rescans the
// dataset panel's folder; and its Open Folder never starts a file manager in automation
// (screenshots, tests).
#include "MainWindow.h"

#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QStatusBar>
#include <QUrl>

#include "TrainingFlow.h"
#include "data/DatasetPanel.h"
#include "examples/DataMapPanel.h"
#include "examples/MislabeledGrid.h"
#include "train/Trainer.h"

namespace strata {

void MainWindow::createDataDock() {
    DataMapPanel* panel = trainingDocks_.data;
    docks_[size_t(StudioPanel::Data)] = trainingDocks_.dataDock;
    connect(flow_, &TrainingFlow::trainingFinished, panel, [panel](const TrainResult& result) {
        const QString run = QString::fromStdString(result.runPath);
        if (!run.isEmpty() && QFileInfo::exists(run)) panel->setRun(run);
    });
    connect(flow_, &TrainingFlow::runOpened, panel, [panel](const QString& run) { panel->setRun(run); });
    connect(panel, &DataMapPanel::problem, this, [this](const QString& text) { statusBar()->showMessage(text); });
    // A moved image changes the class counts: the dataset panel scans its folder again.
    connect(panel->grid(), &MislabeledGrid::filesMoved, this, [this] {
        if (!dataFolder().isEmpty()) datasetPanel()->setTrainFolder(dataFolder());
    });
    panel->grid()->setFolderOpener([this](const QString& folder) {
        if (automation_) {
            statusBar()->showMessage(tr("Open Folder: %1").arg(QDir::toNativeSeparators(folder)));
            return;
        }
        QDesktopServices::openUrl(QUrl::fromLocalFile(folder));
    });
}

}  // namespace strata
