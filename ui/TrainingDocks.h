#pragma once
// The training side of the studio as docks: dataset and training settings on the right
// (tabbed with the properties), training, runs, predict, features, experiments and data at the
// bottom (tabbed with the issues). Building them is all this does: TrainingFlow runs the trainings, and the
// main window lets the panels observe the flow and send it their requests.
class QDockWidget;

namespace strata {

class DataMapPanel;
class DatasetPanel;
class ExperimentsPanel;
class FeaturesPanel;
class MainWindow;
class PredictPanel;
class RunsPanel;
class TrainingPanel;
class TrainingSettingsPanel;

struct TrainingDocks {
    DatasetPanel* dataset = nullptr;
    TrainingSettingsPanel* settings = nullptr;
    TrainingPanel* training = nullptr;
    RunsPanel* runs = nullptr;
    PredictPanel* predict = nullptr;
    FeaturesPanel* features = nullptr;
    ExperimentsPanel* experiments = nullptr;
    DataMapPanel* data = nullptr;
    QDockWidget* datasetDock = nullptr;
    QDockWidget* settingsDock = nullptr;
    QDockWidget* trainingDock = nullptr;
    QDockWidget* runsDock = nullptr;
    QDockWidget* predictDock = nullptr;
    QDockWidget* featuresDock = nullptr;
    QDockWidget* experimentsDock = nullptr;
    QDockWidget* dataDock = nullptr;

    // Adds the docks to `window`, tabbed with `right` and `bottom` (either may be null).
    static TrainingDocks build(MainWindow* window, QDockWidget* right, QDockWidget* bottom);
};

}  // namespace strata
