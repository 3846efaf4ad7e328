#pragma once
// The live training view: Train, Pause/Resume and Stop buttons, overall progress with ETA, a
// status line, and the loss, epoch and rate plots. It owns the TrainingSession but neither the
// design nor the data: Train emits trainRequested(), and the main window answers with
// start(design, config). Plots and texts refresh on throttled timers, so a fast trainer never
// floods the UI thread.
#include <QString>
#include <QTimer>
#include <QWidget>

#include "design/Design.h"
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

    // Validates `config`, clears the current run's curves (keeping the epoch curve when
    // config.resume, so a reopened run continues) and starts training a copy of
    // `design`. False, with the reason shown in red and kept in lastError(), when the config
    // is invalid or a training is already running. Errors found later (bad data, NaN loss)
    // arrive through trainingEnded(false, ...) and lastError().
    bool start(const Design& design, const TrainConfig& config);

    // Shows `text` in red and keeps it in lastError(): for errors found outside the panel
    // (no data folder chosen, an unreadable run).
    void showError(const QString& text);

    TrainingSession* session() { return &session_; }
    QPushButton* trainButton() const { return train_; }
    QPushButton* pauseButton() const { return pause_; }  // "Pause" / "Resume"
    QPushButton* stopButton() const { return stop_; }
    QProgressBar* progressBar() const { return progress_; }
    LossPlot* lossPlot() const { return lossPlot_; }
    EpochPlot* epochPlot() const { return epochPlot_; }
    RatePlot* ratePlot() const { return ratePlot_; }
    // The error of the last start() or training ("" when it went well).
    QString lastError() const { return lastError_; }
    // The run file of the last training that ended ("" before one ended).
    QString lastRunPath() const { return lastRunPath_; }
    // The status line's text (live loss and speed, or the end of training).
    QString statusText() const;

signals:
    // The user clicked Train: answer with start(design, config).
    void trainRequested();
    void trainingStarted();
    // The training ended: ok when it finished every epoch (false when stopped or failed).
    void trainingEnded(bool ok, const QString& runPath);

private:
    void onStateChanged(TrainingSession::State state);
    void onLoading(qint64 done, qint64 total);
    void onBatch(const BatchEvent& event);
    void onEnded(bool ok, bool stopped, const QString& error, const QString& runPath, const MetricsSummary& metrics);
    void showMessage(const QString& text, bool error);
    void refreshText();
    void flushPlots();

    TrainingSession session_;
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
    bool haveBatch_ = false;
    bool textDirty_ = false;
    QString lastError_, lastRunPath_;
    QString precision_;  // what the running training computes in: fp32 or bf16
};

}  // namespace strata
