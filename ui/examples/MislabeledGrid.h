#pragma once
// The Data dock's ranked images (insight/DatasetMap.h rankMap): probably mislabeled by default,
// or the hardest or the most ambiguous, as a grid of thumbnails, kPageSize at a time ("More"
// adds the next). Each shows its folder label → the class the network prefers, and its mean
// probability. For the current image (buttons, or the context menu): Open Folder (through an
// injectable opener: tests and automation never spawn a file manager), Move to <preferred> and
// Move to <any class> (ExampleMoves: core's logged moves), and Undo Moves for this session's
// moves. A moved image stays in the grid, greyed, with its new class; a refused move shows
// core's reason and changes nothing.
#include <QStringList>
#include <QWidget>

#include <functional>
#include <vector>

#include "examples/ExampleMoves.h"
#include "examples/RunExamples.h"

class QComboBox;
class QLabel;
class QListWidget;
class QMenu;
class QPushButton;

namespace strata {

class MislabeledGrid : public QWidget {
    Q_OBJECT
public:
    static constexpr int kPageSize = 48;
    using FolderOpener = std::function<void(const QString& folder)>;

    explicit MislabeledGrid(QWidget* parent = nullptr);

    void setPoints(MapPoints points, const QStringList& classes, int epochs);
    void setRanking(MapRanking ranking);
    MapRanking ranking() const;
    // Replaces how Open Folder opens a folder (default: QDesktopServices::openUrl).
    void setFolderOpener(FolderOpener opener) { opener_ = std::move(opener); }

    // The candidate shown in grid row `row` (best first) and how many are shown.
    const MapPoint& candidate(int row) const { return ranked_[size_t(row)]; }
    int shownCount() const;
    int candidateCount() const { return int(ranked_.size()); }
    const ExampleMoves& moves() const { return moves_; }

    // The actions on the current image, as the buttons and the context menu run them.
    void openCurrentFolder();
    void moveCurrent(const QString& className);
    void undoMoves();

    QListWidget* list() const { return list_; }
    QComboBox* rankingBox() const { return rankingBox_; }
    QPushButton* moreButton() const { return more_; }
    QPushButton* openButton() const { return open_; }
    QPushButton* moveButton() const { return move_; }
    QPushButton* moveToButton() const { return moveTo_; }
    QPushButton* undoButton() const { return undo_; }
    QLabel* statusLabel() const { return status_; }

signals:
    // A refusal (move, undo), for the status bar too.
    void problem(const QString& text);
    // Files were moved or moved back: the data folder changed.
    void filesMoved();

private:
    QLayout* buildButtons();
    void rerank();
    void showMore();
    void refreshItem(int row);
    void updateButtons();
    void fillMoveMenu(QMenu* menu);
    void showContextMenu(QPoint pos);
    void report(const QString& text, bool error);
    int currentRow() const;
    // The current place of the candidate in `row` (moved or not).
    QString currentPath(int row) const;

    MapPoints points_;
    QStringList classes_;
    int epochs_ = 0;
    std::vector<MapPoint> ranked_;
    ExampleMoves moves_;
    FolderOpener opener_;
    QComboBox* rankingBox_;
    QListWidget* list_;
    QPushButton *more_, *open_, *move_, *moveTo_, *undo_;
    QLabel* status_;
};

}  // namespace strata
