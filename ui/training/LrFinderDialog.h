#pragma once
// The learning-rate finder in the studio ("Find…" beside the learning rate): runs
// findLearningRate() (train/LrFinder.h) for a design and the settings Train would use, on a
// worker thread; shows its progress (the images loading, then step of steps with the time
// left at most: the ramp ends early once the loss blows up) and the curve as it grows; at
// the end marks the suggestion and offers it: "Use 7.6e-4" accepts (the caller then sets the
// learning-rate field to suggestion()), Cancel leaves the field as it is. Stop ends the ramp
// where it is and keeps the curve so far. The finder trains fresh weights that are thrown
// away: nothing of it reaches a run.
#include <QDialog>
#include <QElapsedTimer>

#include <atomic>
#include <memory>

#include "train/LrFinder.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace strata {

class BackgroundJob;
class LrCurvePlot;

class LrFinderDialog : public QDialog {
    Q_OBJECT
public:
    explicit LrFinderDialog(QWidget* parent = nullptr);
    // Stops the ramp and waits for its current step (or the images loading) to end.
    ~LrFinderDialog() override;

    // Runs the finder on a copy of `design` with `config` (its training folder set).
    void start(const Design& design, const TrainConfig& config, const LrRamp& ramp);
    // From start() until the worker has returned (a cancelled one included).
    bool isRunning() const;
    // Deletes the dialog once its worker has returned (at once when none runs), so closing it
    // never waits for a step or for the images to load.
    void releaseWhenIdle();

    // The suggestion as the accept button shows it (two significant digits); 0 when none.
    double suggestion() const { return suggestion_; }
    const LrCurve& curve() const { return curve_; }
    QString statusText() const;
    QPushButton* useButton() const { return use_; }
    QPushButton* stopButton() const { return stop_; }
    LrCurvePlot* plot() const { return plot_; }

signals:
    // The ramp ended: finished, stopped or failed (statusText() says which).
    void ended();

public slots:
    // Cancel, Escape or the close box: stops the ramp and drops its result.
    void reject() override;

private:
    struct Outcome {
        LrCurve curve;
        QString error;
    };
    void showLoading(qint64 done, qint64 total);
    void showStep(int step, double lr, double loss);
    void finish(const Outcome& outcome);
    static QString endText(const LrCurve& curve, const LrRamp& ramp);

    LrCurvePlot* plot_ = nullptr;
    QLabel* intro_ = nullptr;
    QLabel* status_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QPushButton* use_ = nullptr;
    QPushButton* stop_ = nullptr;
    QPushButton* cancel_ = nullptr;
    BackgroundJob* jobs_ = nullptr;
    std::shared_ptr<std::atomic<bool>> stopFlag_;

    LrRamp ramp_;
    LrCurve curve_;  // the final one, or the steps so far while running
    QElapsedTimer sinceFirstStep_;
    double suggestion_ = 0;
};

}  // namespace strata
