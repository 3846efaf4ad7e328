#pragma once
// The runs panel: every run file (*.h5) of a runs folder, newest first, with its design name,
// date, epochs, best accuracy and training time as core/runs/RunSummary defines them (the
// same as `strata runs`); files that cannot be read are listed greyed
// with the reason as tooltip. Selecting runs overlays their accuracy curves per epoch
// (validation solid, training dashed, one colour per run). Double-click or "Open" asks to
// reopen a run (design and curves), "Resume" to continue training one; a run's context menu
// also offers "Start a training from this run" (transfer: the next training of the open design
// starts from its weights). "Compare" (button, context menu or the Compare tab) sets the
// selected runs side by side in the Compare tab (RunsCompareView: settings, design differences,
// curves, CSV export). Run files are small to
// summarize (attributes and metric columns only), so listing stays on the UI thread.
#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>
#include <vector>

#include "runs/RunSummary.h"

class QCustomPlot;
class QLabel;
class QMenu;
class QPushButton;
class QSplitter;
class QTabWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace strata {

class RunsCompareView;

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
    // The context menu of the listed run at `path` (empty for an unreadable one); public for
    // tests, since a popup cannot be clicked offscreen.
    std::unique_ptr<QMenu> runMenu(const QString& path);

    // Where runs of the design at `designPath` go (docs/ARCHITECTURE.md §13): "<design dir>/runs", or
    // $XDG_DATA_HOME/strata/runs (default ~/.local/share/strata/runs) for an unsaved design,
    // a design in a folder that is not writable, or an installed template (runs/OutputFolders.h,
    // which the command line's experiments share).
    static QString defaultRunsFolder(const QString& designPath);

    // The tabs: "Runs" (the list and overlay) and "Compare" (the selected runs side by side).
    QTabWidget* tabs() const { return tabs_; }
    RunsCompareView* compareView() const { return compare_; }
    // Compares the selected runs in the Compare tab and brings it forward.
    void showCompare();

signals:
    void selectionChanged(const QStringList& paths);
    void openRequested(const QString& path);
    void resumeRequested(const QString& path);
    // Start the next training of the open design from this run's weights.
    void startFromRequested(const QString& path);

protected:
    // Lays the list and the curves side by side in a wide, short panel (a bottom dock),
    // one above the other otherwise.
    void resizeEvent(QResizeEvent* event) override;

private:
    void buildUi();
    void showRunMenu(const QPoint& pos);
    void onSelectionChanged();
    void updateButtons();
    void updatePlot();
    void fillItem(QTreeWidgetItem* item, const RunSummary& run) const;
    const RunSummary* rowOf(const QTreeWidgetItem* item) const;
    QWidget* buildCompareTabs(QLayout* runsTab);
    void updateCompare();

    QString folder_;
    std::vector<RunSummary> rows_;  // display order; tree items hold their index (Qt::UserRole)
    QLabel* folderLabel_ = nullptr;
    QTreeWidget* tree_ = nullptr;
    QPushButton* openButton_ = nullptr;
    QPushButton* resumeButton_ = nullptr;
    QCustomPlot* plot_ = nullptr;
    QSplitter* splitter_ = nullptr;
    QPushButton* compareButton_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    RunsCompareView* compare_ = nullptr;
};

}  // namespace strata
