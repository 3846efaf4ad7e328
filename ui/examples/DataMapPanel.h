#pragma once
// The Data dock (docs/ARCHITECTURE.md §4): the dataset map of the run the studio shows (the
// one just trained or opened) and its ranked images. Tabs: Map (DataMapPlot and a table of
// the selected images) and Mislabeled (MislabeledGrid: probably mislabeled, hardest, most
// ambiguous). A selector switches between the training and the validation images when the run
// recorded both. The run is read off the UI thread; a run without a per-example record shows
// core's message (why, and how to get one) instead of an empty plot.
#include <QString>
#include <QWidget>

#include "examples/RunExamples.h"

class QComboBox;
class QLabel;
class QStackedWidget;
class QTabWidget;
class QTableWidget;

namespace strata {

class BackgroundJob;
class DataMapPlot;
class MislabeledGrid;

class DataMapPanel : public QWidget {
    Q_OBJECT
public:
    // Rows of the selection table at most: a lasso around 60,000 dots lists the first ones.
    static constexpr int kMostListed = 500;

    explicit DataMapPanel(QWidget* parent = nullptr);

    // Shows the map of the run at `runPath` once read ("" shows the hint); emits loaded().
    void setRun(const QString& runPath);
    QString run() const { return examples_.run; }
    bool isLoading() const { return loading_; }
    // What is shown: the map's points, or why there are none.
    const RunExamples& examples() const { return examples_; }
    bool showsValidation() const;
    void setShowsValidation(bool validation);

    QTabWidget* tabs() const { return tabs_; }
    DataMapPlot* plot() const { return plot_; }
    MislabeledGrid* grid() const { return grid_; }
    QTableWidget* selectionTable() const { return table_; }
    QComboBox* setBox() const { return setBox_; }
    // The hint or the reason there is no map; hidden while one is shown.
    QLabel* messageLabel() const { return message_; }
    // Shows either the message label or the tabs.
    QStackedWidget* stack() const { return stack_; }

signals:
    // The run's map (or the reason there is none) is shown.
    void loaded();
    // Why something failed, for the status bar (a refused move).
    void problem(const QString& text);

private:
    QWidget* buildMapTab();
    void showExamples(RunExamples examples);
    void showSet();
    void listSelection();
    void showMessage(const QString& text, bool error);

    RunExamples examples_;
    bool loading_ = false;
    BackgroundJob* job_;
    QLabel* header_;
    QComboBox* setBox_;
    QStackedWidget* stack_;
    QLabel* message_;
    QTabWidget* tabs_;
    DataMapPlot* plot_;
    QLabel* selectionCaption_;
    QTableWidget* table_;
    MislabeledGrid* grid_;
};

}  // namespace strata
