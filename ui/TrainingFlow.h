#pragma once
// The studio's training, from Train to the end of the run, with one owner: this controller
// owns the TrainingSession. It reads what to train from its inputs — the open design, the
// dataset panel's folders, the settings panel's settings, the probe image and pinned layer
// the Features dock chose — locks the design from the moment a training is asked for until
// it has ended, and reports through signals. The panels observe it (the training panel
// through session(); runs, predict, features and the status bar through the signals below)
// and send their requests to it; it never reaches into them.
#include <QObject>
#include <QString>

#include <vector>

#include "train/TrainConfig.h"
#include "training/TrainingSession.h"

namespace strata {

class DatasetPanel;
class DesignDocument;
struct RunData;
class TrainingSettingsPanel;

class TrainingFlow : public QObject {
    Q_OBJECT
public:
    TrainingFlow(DesignDocument* document, DatasetPanel* dataset, TrainingSettingsPanel* settings,
                 QObject* parent = nullptr);

    // The engine side, for observers of its events (batches, epochs, snapshots, state).
    const TrainingSession* session() const { return &session_; }
    bool isTraining() const { return session_.isActive(); }

    // Trains the open design on the dataset panel's folders with the settings panel's
    // settings (feature snapshots on, as the studio always trains). False, with the reason
    // in *error and in problem(), when it cannot start; the design is then unlocked again.
    bool startTraining(QString* error = nullptr);
    // What Train would train now: the settings panel's settings with the dataset panel's
    // folders, no run file (the learning-rate finder trains this too). False, with the reason
    // in *error, without a training folder.
    bool nextConfig(TrainConfig& config, QString* error = nullptr) const;
    // Continues a run file from its last complete epoch up to the settings' epoch count.
    bool resumeRun(const QString& runPath, QString* error = nullptr);
    // Shows a run: its design becomes the open (unsaved) design, and runOpened() tells the
    // panels. Refused while training.
    bool openRun(const QString& runPath, QString* error = nullptr);
    void pause() { session_.pause(); }
    void resume() { session_.resume(); }
    void stop() { session_.stop(); }
    // Closing the window: stops a training and waits for its thread (the run keeps its last
    // complete epoch).
    void stopAndWait();

    // Where runs of the open design go (docs/ARCHITECTURE.md §13).
    QString runsFolder() const;
    // What the Features dock chose, for the next training (the pinned layer also for the
    // running one, from its next epoch end).
    void setProbeImage(const QString& path) { probeImage_ = path; }
    void setPinnedLayer(const QString& layer) { session_.setPinnedLayer(layer.toStdString()); }

signals:
    // The design is locked and the session started, writing `runPath`.
    void trainingStarted(const QString& runPath);
    // The training ended (finished, stopped or failed) and the design is unlocked again.
    void trainingFinished(const strata::TrainResult& result);
    // A run was opened: its path and recorded epochs.
    void runOpened(const QString& runPath, const std::vector<strata::EpochRecord>& epochs);
    // The folder whose runs belong to what is open changed (another design file, an opened run).
    void runsFolderChanged(const QString& folder);
    // Why a request was refused, for people: no data folder, invalid settings, a bad run.
    void problem(const QString& text);
    // A line for the status bar.
    void statusMessage(const QString& text);

private:
    bool refusedWhileLocked(QString* error);
    bool showRun(const QString& runPath, const RunData& run, QString* error);
    bool launch(const TrainConfig& config, QString* error);
    bool refuse(const QString& text, QString* error);
    void onEnded(const TrainResult& result);
    void followDesignPath();
    QString settingsKey() const;

    DesignDocument* document_;
    DatasetPanel* dataset_;
    TrainingSettingsPanel* settings_;
    TrainingSession session_;
    QString probeImage_;
};

}  // namespace strata
