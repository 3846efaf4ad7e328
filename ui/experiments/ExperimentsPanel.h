#pragma once
// The Experiments dock (docs/ARCHITECTURE.md §4): starts an experiment of a chosen kind on the
// studio's data and training settings (stabilizers, scaling, variants of the open design,
// transfer: §3) in a new folder (defaultExperimentFolder, as the command line), trains it in the
// background (ExperimentQueue), and shows it as it goes: the queue with progress and time
// left, the variants' curves overlaid, their gradient heat maps on one colour scale, for
// scaling the log-log fits, and the results table. Stop leaves the experiment resumable;
// Resume continues it; Open shows any experiment folder as it stands, from experiment.json and
// the run files alone (nothing is recomputed). Activating a variant asks for its run to be
// opened. The studio supplies what to train through an InputsSource, so this dock never
// reaches into the other panels.
#include <QString>
#include <QWidget>

#include <functional>

#include "experiments/ExperimentSetup.h"
#include "experiments/ExperimentView.h"

class QLabel;
class QPushButton;
class QTabWidget;

namespace strata {

class BackgroundJob;
class ExperimentCurves;
class ExperimentQueue;
class GradientStrips;
class QueueTable;
class ResultsTable;
class ScalingPlots;

class ExperimentsPanel : public QWidget {
    Q_OBJECT
public:
    enum Tab { CurvesTab, GradientsTab, ScalingTab, ResultsTab };
    using InputsSource = std::function<ExperimentInputs()>;

    explicit ExperimentsPanel(QWidget* parent = nullptr);
    ~ExperimentsPanel() override;

    // Where Start takes the design, the settings and the parent folder from.
    void setInputsSource(InputsSource source);

    // Start: a new experiment of the setup's kind in a new folder. False, with the reason in
    // *error and in problem(), when it cannot start.
    bool startExperiment(QString* error = nullptr);
    // Continues the experiment shown (stopped or killed) where it stands.
    bool resumeExperiment(QString* error = nullptr);
    void stopExperiment();
    // Shows the experiment in `dir`, read in the background; loaded() follows (or problem()).
    // Refused while an experiment trains.
    bool openExperiment(const QString& dir, QString* error = nullptr);
    bool isRunning() const;
    // The folder of the experiment shown ("" before any).
    QString folder() const { return view_.dir; }
    const ExperimentView& view() const { return view_; }

    // The parts, for tests and automation.
    ExperimentSetup* setup() const { return setup_; }
    ExperimentQueue* queue() const { return queue_; }
    QueueTable* queueTable() const { return queueTable_; }
    ExperimentCurves* curves() const { return curves_; }
    GradientStrips* gradients() const { return gradients_; }
    ScalingPlots* scaling() const { return scaling_; }
    ResultsTable* results() const { return results_; }
    QTabWidget* tabs() const { return tabs_; }
    QPushButton* startButton() const { return start_; }
    QPushButton* stopButton() const { return stop_; }
    QPushButton* resumeButton() const { return resume_; }

signals:
    // A variant was activated (double-click, Enter) and its run file exists.
    void openRunRequested(const QString& runPath);
    // An experiment opened with openExperiment() is shown.
    void loaded(const QString& dir);
    // A started or resumed experiment's training ended.
    void finished(bool stopped, const QString& error);
    // Why a request was refused or an experiment failed, for people.
    void problem(const QString& text);

private:
    QWidget* buildControls();
    QTabWidget* buildTabs();
    void connectQueue();
    bool refuse(const QString& text, QString* error);
    void chooseAndOpen();
    void display(const ExperimentView& view, bool live);
    void showKindTab();
    void onEpoch(int index, const EpochRecord& record);
    void onGradients(int index, const GradientHistory& gradients);
    void onVariantStarted(int index, const ExperimentVariant& record);
    void onVariantFinished(int index, const VariantView& view);
    void onFinished(const Experiment& experiment, bool stopped, const QString& error);
    void activateVariant(int index);
    void updateButtons();
    void setStatus(const QString& text, bool isError = false);
    bool valid(int index) const { return index >= 0 && size_t(index) < view_.variants.size(); }

    InputsSource inputs_;
    ExperimentView view_;
    ExperimentSetup* setup_ = nullptr;
    ExperimentQueue* queue_ = nullptr;
    BackgroundJob* loader_ = nullptr;
    QueueTable* queueTable_ = nullptr;
    ExperimentCurves* curves_ = nullptr;
    GradientStrips* gradients_ = nullptr;
    ScalingPlots* scaling_ = nullptr;
    ResultsTable* results_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QPushButton* start_ = nullptr;
    QPushButton* stop_ = nullptr;
    QPushButton* resume_ = nullptr;
    QPushButton* open_ = nullptr;
    QLabel* folderLabel_ = nullptr;
    QLabel* status_ = nullptr;
};

}  // namespace strata
