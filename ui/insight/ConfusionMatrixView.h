#pragma once
// Evaluation on held-out data: the confusion matrix as a heat-mapped table (rows: true class,
// columns: predicted, shaded by the share of the row) with each class's accuracy in the last
// column. Clicking a cell lists that cell's example images as thumbnails; until the user
// clicks one, the largest confusion is shown.
#include <QStringList>
#include <QWidget>

#include <utility>

#include "insight/FeatureSnapshot.h"

class QLabel;
class QListWidget;
class QTableWidget;

namespace strata {

class ConfusionMatrixView : public QWidget {
    Q_OBJECT
public:
    explicit ConfusionMatrixView(QWidget* parent = nullptr);

    void setConfusion(const ConfusionView& confusion, const std::vector<std::string>& classes);
    void clear();

    // Lists the example images of cell (trueClass, predicted) and emits cellChosen.
    void chooseCell(int trueClass, int predicted);

    QTableWidget* table() const { return table_; }
    QListWidget* examples() const { return examples_; }
    QStringList shownPaths() const { return shownPaths_; }

signals:
    void cellChosen(int trueClass, int predicted, const QStringList& paths);

private:
    ConfusionView confusion_;
    std::vector<std::string> classes_;
    QTableWidget* table_ = nullptr;
    QLabel* caption_ = nullptr;
    QListWidget* examples_ = nullptr;
    QStringList shownPaths_;
    std::pair<int, int> chosen_{-1, -1};  // the cell the user clicked last, kept across epochs
};

}  // namespace strata
