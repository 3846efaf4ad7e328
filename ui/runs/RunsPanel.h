#pragma once
// The runs panel: every run file (*.h5) of a runs folder, newest first, with its design name,
// date, epochs, best accuracy and training time; files that cannot be read are listed greyed
// with the reason as tooltip. Selecting runs overlays their accuracy curves per epoch
// (validation solid, training dashed, one colour per run). Double-click or "Open" asks to
// reopen a run (design and curves), "Resume" to continue training one. Run files are small to
// summarize (attributes and metric columns only), so listing stays on the UI thread.
#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

#include "runs/MetricsJson.h"

class QCustomPlot;
class QLabel;
class QPushButton;
class QSplitter;
class QTreeWidget;
class QTreeWidgetItem;

namespace strata {

class RunsPanel : public QWidget {
    Q_OBJECT
public:
    explicit RunsPanel(QWidget* parent = nullptr);

    // Lists the runs of `dir` (which need not exist yet).
    void setFolder(const QString& dir);
    QString folder() const { return folder_; }
    // Reads the folder again, keeping the selection where the runs still exist.
    void refresh();

    // Rows listed (readable and unreadable), and their paths in display order (for tests).
    int runCount() const;
    QStringList runPaths() const;
    QStringList selectedRuns() const;
    void selectRuns(const QStringList& paths);
    // Curves in the overlay plot (for tests).
    int overlayGraphCount() const;

    // Where runs of the design at `designPath` go (DESIGN.md §6): "<design dir>/runs", or
    // $XDG_DATA_HOME/strata/runs (default ~/.local/share/strata/runs) for an unsaved design,
    // a design in a folder that is not writable, or an installed template.
    static QString defaultRunsFolder(const QString& designPath);

signals:
    void selectionChanged(const QStringList& paths);
    void openRequested(const QString& path);
    void resumeRequested(const QString& path);

protected:
    // Lays the list and the curves side by side in a wide, short panel (a bottom dock),
    // one above the other otherwise.
    void resizeEvent(QResizeEvent* event) override;

private:
    // One listed run file: its summary, or why it cannot be read.
    struct RunRow {
        QString path;
        QString name;  // file name without .h5
        QString error;  // set when the file cannot be read
        QString design;
        QString created;  // ISO 8601 UTC, as recorded
        std::vector<EpochRecord> epochs;
    };

    void buildUi();
    void onSelectionChanged();
    void updateButtons();
    void updatePlot();
    const RunRow* rowOf(const QTreeWidgetItem* item) const;

    QString folder_;
    std::vector<RunRow> rows_;  // display order; tree items hold their index (Qt::UserRole)
    QLabel* folderLabel_ = nullptr;
    QTreeWidget* tree_ = nullptr;
    QPushButton* openButton_ = nullptr;
    QPushButton* resumeButton_ = nullptr;
    QCustomPlot* plot_ = nullptr;
    QSplitter* splitter_ = nullptr;
};

}  // namespace strata
