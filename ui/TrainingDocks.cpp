#include "TrainingDocks.h"

#include <QDockWidget>

#include "MainWindow.h"
#include "data/DatasetPanel.h"
#include "examples/DataMapPanel.h"
#include "experiments/ExperimentsPanel.h"
#include "insight/FeaturesPanel.h"
#include "runs/PredictPanel.h"
#include "runs/RunsPanel.h"
#include "training/TrainingPanel.h"
#include "training/TrainingSettingsPanel.h"

namespace strata {

TrainingDocks TrainingDocks::build(MainWindow* window, QDockWidget* right, QDockWidget* bottom) {
    TrainingDocks d;
    d.dataset = new DatasetPanel(window);
    d.settings = new TrainingSettingsPanel(window);
    d.training = new TrainingPanel(window);
    d.runs = new RunsPanel(window);
    d.predict = new PredictPanel(window);
    d.features = new FeaturesPanel(window);
    d.experiments = new ExperimentsPanel(window);
    d.data = new DataMapPanel(window);
    // Each dock joins its area's tab group as it is added: side by side, even for a moment,
    // their minimum widths would add up and widen the window beyond the screen.
    auto addTabbed = [window](QWidget* panel, const QString& title, const char* name, Qt::DockWidgetArea area,
                              QDockWidget* tabWith) {
        QDockWidget* dock = window->addPanelDock(panel, title, name, area);
        if (tabWith) window->tabifyDockWidget(tabWith, dock);
        return dock;
    };
    const auto R = Qt::RightDockWidgetArea, B = Qt::BottomDockWidgetArea;
    d.datasetDock = addTabbed(d.dataset, QObject::tr("Dataset"), "datasetDock", R, right);
    d.settingsDock = addTabbed(d.settings, QObject::tr("Training Settings"), "settingsDock", R, d.datasetDock);
    d.trainingDock = addTabbed(d.training, QObject::tr("Training"), "trainingDock", B, bottom);
    d.runsDock = addTabbed(d.runs, QObject::tr("Runs"), "runsDock", B, d.trainingDock);
    d.predictDock = addTabbed(d.predict, QObject::tr("Predict"), "predictDock", B, d.runsDock);
    d.featuresDock = addTabbed(d.features, QObject::tr("Features"), "featuresDock", B, d.predictDock);
    d.experimentsDock = addTabbed(d.experiments, QObject::tr("Experiments"), "experimentsDock", B, d.featuresDock);
    d.dataDock = addTabbed(d.data, QObject::tr("Data"), "dataDock", B, d.experimentsDock);
    // The canvas keeps most of the window; the editor's docks stay in front.
    if (right) right->raise();
    d.trainingDock->raise();
    return d;
}

}  // namespace strata
