#pragma once
// The Runs panel's Compare tab: the table of RunsCompare.h (settings and design differences,
// differing cells highlighted, a column per run headed by its colour) beside the runs' loss and
// accuracy curves per epoch overlaid (one colour per run, validation solid and training dashed,
// a legend below them with each run's best accuracy), and "Export CSV…" for the table. No modal dialog
// except the file chooser of the export button; a failed export shows in the caption.
#include <QString>
#include <QStringList>
#include <QWidget>

#include "runs/RunsCompare.h"

class QCheckBox;
class QCPAxisRect;
class QCPLegend;
class QCustomPlot;
class QLabel;
class QPushButton;
class QSplitter;
class QTableView;

namespace strata {

class RunsCompareView : public QWidget {
    Q_OBJECT
public:
    explicit RunsCompareView(QWidget* parent = nullptr);

    // Reads the runs at `paths` (readValidRun, summary parts) and compares them, in that order.
    void setRuns(const QStringList& paths);
    QStringList runs() const;
    RunsCompareModel* model() const { return model_; }
    // Shows only the rows that differ (the "Differences only" box).
    void setDifferencesOnly(bool only);

    // Writes the table as shown to `path` as CSV, atomically. Returns "" on success, else why
    // not (also shown in the caption).
    QString exportCsv(const QString& path);
    // The caption above the table: what is compared, or the last export's outcome.
    QString caption() const;
    // Curves drawn: graphs of the loss and accuracy plots, and runs in the legend (for tests).
    int lossGraphCount() const;
    int accuracyGraphCount() const;
    int legendCount() const;

protected:
    // Table and curves side by side when the view is wide (a bottom dock), stacked otherwise.
    void resizeEvent(QResizeEvent* event) override;

private:
    void buildUi();
    void buildCurves();
    QCPAxisRect* addAxisRect(int row, const QString& yLabel);
    void fitRanges();
    void updateTable();
    void updatePlots();
    void plotRun(int index, const ComparedRun& run);
    void updateCaption();
    void chooseExportFile();

    RunsCompareModel* model_ = nullptr;
    QLabel* caption_ = nullptr;
    QCheckBox* differencesOnly_ = nullptr;
    QPushButton* exportButton_ = nullptr;
    QTableView* table_ = nullptr;
    // One plot: loss above accuracy (x axes aligned), the legend below them.
    QCustomPlot* curves_ = nullptr;
    QCPAxisRect* loss_ = nullptr;
    QCPAxisRect* accuracy_ = nullptr;
    QCPLegend* legend_ = nullptr;
    QSplitter* splitter_ = nullptr;
};

}  // namespace strata
