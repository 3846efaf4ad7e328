#pragma once
// The live training view: Train, Pause/Resume and Stop buttons, overall progress with ETA, a
// status line, and the loss, epoch and rate plots. It only observes a TrainingSession (owned
// by the studio's TrainingFlow): the session's events fill it, and its buttons emit requests
// that the owner answers. Plots and texts refresh on throttled timers, so a fast trainer
// never floods the UI thread.
#include <QString>
#include <QTimer>
#include <QWidget>

#include <vector>

#include "data/LoadingEta.h"
#include "train/TrainConfig.h"
#include "training/TrainingSession.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace strata {

class EpochPlot;
class LossPlot;
class RatePlot;

class TrainingPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kTextRefreshMs = 100;  // progress bar and status line, at most 10 Hz

    explicit TrainingPanel(QWidget* parent = nullptr);
    ~TrainingPanel() override;

    // Follows `session` from now on: a start clears the current run's curves (keeping the
    // epoch curve of a resumed run, which continues), its events fill the progress, the
    // status line and the plots.
    void observe(const TrainingSession* session);
    // Shows how a training ended. Called by the session's owner once it has dealt with the
    // end (the studio: on TrainingFlow::trainingFinished), so that the panel's final state
    // and the rest of the window agree.
    void showResult(const TrainResult& result);
    // Shows the recorded epochs of an opened run (instead of the current curves).
    void showRun(const std::vector<EpochRecord>& epochs);
    // Shows `text` in red and keeps it in lastError(): for errors found outside the panel
    // (no data folder chosen, invalid settings, an unreadable run).
    void showError(const QString& text);

    QPushButton* trainButton() const { return train_; }
    QPushButton* pauseButton() const { return pause_; }  // "Pause" / "Resume"
    QPushButton* stopButton() const { return stop_; }
    QProgressBar* progressBar() const { return progress_; }
    LossPlot* lossPlot() const { return lossPlot_; }
    EpochPlot* epochPlot() const { return epochPlot_; }
    RatePlot* ratePlot() const { return ratePlot_; }
    // The error of the last failed start or training ("" when it went well).
    QString lastError() const { return lastError_; }
    // The run file of the last training that ended ("" before one ended).
    QString lastRunPath() const { return lastRunPath_; }
    // The status line's text (live loss and speed, or the end of training).
    QString statusText() const;

signals:
    // The user clicked a button; the owner of the session answers.
    void trainRequested();
    void pauseRequested();
    void resumeRequested();
    void stopRequested();

private:
    void onStarted(const TrainConfig& config, const QString& designName, const QString& precision);
    void onStateChanged(TrainingSession::State state);
    void onLoading(qint64 done, qint64 total);
    void onBatch(const BatchEvent& event);
    void showMessage(const QString& text, bool error);
    void refreshText();
    void flushPlots();

    TrainingSession::State state_ = TrainingSession::State::Idle;
    QPushButton* train_ = nullptr;
    QPushButton* pause_ = nullptr;
    QPushButton* stop_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* message_ = nullptr;
    LossPlot* lossPlot_ = nullptr;
    EpochPlot* epochPlot_ = nullptr;
    RatePlot* ratePlot_ = nullptr;
    QTimer textTimer_;
    BatchEvent last_;          // the newest batch, shown at the next text refresh
    LoadingEta loadingEta_;    // of a folder's first decoding pass, which can take minutes
    bool haveBatch_ = false;
    bool textDirty_ = false;
    QString lastError_, lastRunPath_;
    QString precision_;  // what the running training computes in: fp32 or bf16
};

}  // namespace strata
