#pragma once
// The queue of an experiment: one row per variant with its status, a progress bar and its
// time left (or, once done, the time it took), and below it the whole experiment's progress
// and time left. The time left of a running variant is its trainer's ETA; a variant not yet
// started is estimated from the ones done (their training time), else from the running one.
#include <QElapsedTimer>
#include <QWidget>

#include <vector>

#include "experiments/ExperimentView.h"
#include "train/Trainer.h"

class QLabel;
class QProgressBar;
class QTableWidget;

namespace strata {

class QueueTable : public QWidget {
    Q_OBJECT
public:
    enum Column { VariantColumn, StatusColumn, ProgressColumn, TimeColumn, ColumnCount };
    static constexpr int kProgressSteps = 1000;

    explicit QueueTable(QWidget* parent = nullptr);

    // The experiment's variants as recorded (statuses from experiment.json). `live`: the
    // experiment is training now, so "running" means running, not "stopped".
    void setVariants(const std::vector<VariantView>& variants, bool live);
    void setLive(bool live);
    void variantStarted(int index);
    void variantLoading(int index, qint64 done, qint64 total);
    void variantProgress(int index, const BatchEvent& batch);
    void variantFinished(int index, const ExperimentVariant& record);

    // For tests and the panel.
    QTableWidget* table() const { return table_; }
    QProgressBar* overallBar() const { return overall_; }
    QLabel* overallLabel() const { return overallText_; }
    QProgressBar* rowBar(int row) const;
    QString statusText(int row) const;
    // The estimated seconds left for the whole experiment; negative when unknown.
    double remainingSeconds() const;

signals:
    // A row was double-clicked or chosen with Enter.
    void variantActivated(int index);

private:
    struct Row {
        ExperimentVariant record;
        double fraction = 0;  // of its training, 0..1
        double eta = -1;      // seconds left, from the trainer; -1 unknown
        QString loading;      // "decoding 40%" before its first batch
        QElapsedTimer clock;  // since it started here
    };

    void showRow(int index);
    void showOverall();
    double estimatePerVariant() const;
    bool valid(int index) const { return index >= 0 && size_t(index) < rows_.size(); }

    QTableWidget* table_ = nullptr;
    QProgressBar* overall_ = nullptr;
    QLabel* overallText_ = nullptr;
    std::vector<Row> rows_;
    bool live_ = false;
};

}  // namespace strata
