#pragma once
// The predict panel: classify image files with a trained run. Images arrive by drag and drop
// or the "Add images…" button; the run's network is loaded and applied off the UI thread (one
// batch at a time, the loaded network kept for the next batch) and each image is listed with
// its thumbnail and its top-3 classes as bars with probabilities, or the reason it could not
// be classified (unreadable image, bad run) in red.
#include <QImage>
#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>

#include "train/TrainedModel.h"

class QLabel;
class QMimeData;
class QPushButton;
class QVBoxLayout;

namespace strata {

class BackgroundJob;
class StopToken;

class PredictPanel : public QWidget {
    Q_OBJECT
public:
    // A batch in flight when the panel goes is asked to stop after its current image and
    // waited for, its result dropped.
    explicit PredictPanel(QWidget* parent = nullptr);

    // The run file to classify with; "" disables the panel with a hint. A different run
    // clears the results. The network is loaded again on first use, even for the same path
    // (a resumed training rewrites it). A run the reader refuses (RunReader.h) shows why in
    // the header and takes no images: at once when its summary is refused, after the first
    // batch when only its network is (a damaged checkpoint).
    void setRun(const QString& runPath);
    QString run() const { return run_; }

    // Classifies the images in the background; their rows are appended when done.
    void classify(const QStringList& paths);
    // Removes every result.
    void clear();

    // Every result shown, in order (for tests and the main window).
    QList<Prediction> results() const;
    bool isBusy() const { return busy_; }

signals:
    // On the UI thread when a batch is done, with the number of images in it.
    void predictionsReady(int count);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    struct Item {
        Prediction prediction;
        QImage thumbnail;  // null when the image could not be read
    };
    struct Batch;

    void buildUi();
    void addImages();
    void startNext();
    static void runBatch(Batch& batch, const StopToken& stop);  // on the worker thread
    void finishBatch(const std::shared_ptr<Batch>& batch);
    void addRow(const Item& item);
    void updateHeader();
    static QStringList localImageFiles(const QMimeData* mime);

    QString run_;
    QString runSummary_;  // "3 classes: a, b, c", or the error reading the run
    bool runBroken_ = false;
    std::shared_ptr<TrainedModel> model_;  // loaded for modelPath_; used only by the worker
    QString modelPath_;
    int runGeneration_ = 0;  // counts setRun calls: a batch started before one loaded an older file
    QStringList pending_;
    bool busy_ = false;
    BackgroundJob* jobs_ = nullptr;  // one batch at a time: the next starts when one is done
    QList<Item> items_;

    QLabel* header_ = nullptr;
    QPushButton* addButton_ = nullptr;
    QPushButton* clearButton_ = nullptr;
    QWidget* list_ = nullptr;
    QVBoxLayout* listLayout_ = nullptr;
    QLabel* placeholder_ = nullptr;
    QLabel* busyLabel_ = nullptr;
};

}  // namespace strata
