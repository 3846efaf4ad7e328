#pragma once
// The studio's training side, wired into the main window: the dataset, settings, training,
// runs, predict and features panels as docks, and the flow between them — Train builds a
// TrainConfig from the panels and the open design (with feature snapshots on), locks the
// design while the worker trains, and on the end refreshes the runs and points Predict and
// Features at the new run.
#include <QObject>
#include <QString>

namespace strata {

class DatasetPanel;
class FeaturesController;
class FeaturesPanel;
class MainWindow;
class PredictPanel;
class RunsPanel;
class TrainingPanel;
class TrainingSettingsPanel;
struct TrainConfig;

class TrainingController : public QObject {
    Q_OBJECT
public:
    explicit TrainingController(MainWindow* window);

    DatasetPanel* datasetPanel() const { return dataset_; }
    TrainingSettingsPanel* settingsPanel() const { return settings_; }
    TrainingPanel* trainingPanel() const { return training_; }
    RunsPanel* runsPanel() const { return runs_; }
    PredictPanel* predictPanel() const { return predict_; }
    FeaturesPanel* featuresPanel() const { return features_; }
    FeaturesController* featuresController() const { return featuresController_; }

    bool isTraining() const;
    // Trains the open design on the dataset panel's folders with the settings panel's
    // settings; false (with the reason shown) when it cannot start.
    bool startTraining();
    // Continues a run file from its last complete epoch up to the settings' epoch count.
    bool resumeRun(const QString& runPath);
    // Shows a run: its design on the canvas (as a new, unsaved design) and its curves.
    bool openRun(const QString& runPath);
    // Closing the window: while training, asks (unless automation), then stops and waits.
    // False when the user chose to keep training.
    bool confirmClose();
    // Where runs of the open design go (DESIGN.md §6).
    QString runsFolder() const;

signals:
    void trainingEnded(bool ok, const QString& runPath);

private:
    bool launch(const TrainConfig& config);
    void setLocked(bool locked);
    void followDesignPath();

    MainWindow* window_;
    DatasetPanel* dataset_ = nullptr;
    TrainingSettingsPanel* settings_ = nullptr;
    TrainingPanel* training_ = nullptr;
    RunsPanel* runs_ = nullptr;
    PredictPanel* predict_ = nullptr;
    FeaturesPanel* features_ = nullptr;
    FeaturesController* featuresController_ = nullptr;
};

}  // namespace strata
