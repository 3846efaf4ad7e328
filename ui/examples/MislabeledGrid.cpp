#include "examples/MislabeledGrid.h"

#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

#include "examples/ExampleCard.h"

namespace strata {

namespace {

constexpr int kThumbBox = 56;
const QSize kCellSize(150, 118);  // the picture and three lines: label →, preferred, p
const char* const kErrorColor = "#c62828";

struct RankingChoice {
    MapRanking ranking;
    const char* title;
};
constexpr RankingChoice kRankings[] = {
    {MapRanking::Mislabeled, QT_TRANSLATE_NOOP("strata::MislabeledGrid", "Probably mislabeled")},
    {MapRanking::Hardest, QT_TRANSLATE_NOOP("strata::MislabeledGrid", "Hardest")},
    {MapRanking::Ambiguous, QT_TRANSLATE_NOOP("strata::MislabeledGrid", "Most ambiguous")},
};

QString classOfPath(const QString& path) { return QFileInfo(path).dir().dirName(); }

}  // namespace

MislabeledGrid::MislabeledGrid(QWidget* parent) : QWidget(parent) {
    setObjectName("mislabeledGrid");
    points_ = std::make_shared<const std::vector<MapPoint>>();
    opener_ = [](const QString& folder) { QDesktopServices::openUrl(QUrl::fromLocalFile(folder)); };
    rankingBox_ = new QComboBox(this);
    rankingBox_->setObjectName("rankingBox");
    for (const RankingChoice& r : kRankings) rankingBox_->addItem(tr(r.title), int(r.ranking));
    list_ = new QListWidget(this);
    list_->setObjectName("mislabeledList");
    list_->setViewMode(QListView::IconMode);
    list_->setMovement(QListView::Static);
    list_->setResizeMode(QListView::Adjust);
    list_->setUniformItemSizes(true);
    list_->setWordWrap(true);
    list_->setIconSize(QSize(kThumbBox, kThumbBox));
    list_->setGridSize(kCellSize);
    list_->setSelectionMode(QAbstractItemView::SingleSelection);
    list_->setContextMenuPolicy(Qt::CustomContextMenu);
    status_ = new QLabel(this);
    status_->setObjectName("moveStatus");
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(buildButtons());
    layout->addWidget(list_, 1);
    layout->addWidget(status_);
    connect(rankingBox_, &QComboBox::currentIndexChanged, this, &MislabeledGrid::rerank);
    // Selection, not the current row: the current item stays when Ctrl+click deselects it.
    connect(list_, &QListWidget::itemSelectionChanged, this, &MislabeledGrid::updateButtons);
    connect(list_, &QWidget::customContextMenuRequested, this, &MislabeledGrid::showContextMenu);
    updateButtons();
}

QLayout* MislabeledGrid::buildButtons() {
    auto make = [this](const QString& text, const char* name, const QString& tip) {
        auto* b = new QPushButton(text, this);
        b->setObjectName(name);
        b->setToolTip(tip);
        return b;
    };
    open_ = make(tr("Open Folder"), "openFolderButton", tr("Show the image's folder in the file manager"));
    move_ = make(tr("Move to…"), "moveButton", tr("Move the image to the class folder the network prefers (logged; Undo Moves reverses it)"));
    moveTo_ = make(tr("Move to Class"), "moveToButton", tr("Move the image to another class folder (logged)"));
    auto* menu = new QMenu(moveTo_);
    connect(menu, &QMenu::aboutToShow, this, [this, menu] { fillMoveMenu(menu); });
    moveTo_->setMenu(menu);
    undo_ = make(tr("Undo Moves"), "undoMovesButton", tr("Move back every image moved since the studio started"));
    more_ = make(tr("More"), "moreButton", tr("Show the next %1 images").arg(kPageSize));
    connect(open_, &QPushButton::clicked, this, &MislabeledGrid::openCurrentFolder);
    connect(move_, &QPushButton::clicked, this, [this] {
        const int row = currentRow();
        if (row >= 0) moveCurrent(exampleClassName(classes_, ranked_[size_t(row)].preferred));
    });
    connect(undo_, &QPushButton::clicked, this, &MislabeledGrid::undoMoves);
    connect(more_, &QPushButton::clicked, this, &MislabeledGrid::showMore);
    auto* row = new QHBoxLayout;
    row->addWidget(rankingBox_);
    for (QPushButton* b : {open_, move_, moveTo_, undo_}) row->addWidget(b);
    row->addStretch(1);
    row->addWidget(more_);
    return row;
}

void MislabeledGrid::setPoints(MapPoints points, const QStringList& classes, int epochs) {
    points_ = points ? std::move(points) : std::make_shared<const std::vector<MapPoint>>();
    classes_ = classes;
    epochs_ = epochs;
    rerank();
}

void MislabeledGrid::setRanking(MapRanking ranking) {
    rankingBox_->setCurrentIndex(rankingBox_->findData(int(ranking)));
}

MapRanking MislabeledGrid::ranking() const { return MapRanking(rankingBox_->currentData().toInt()); }

int MislabeledGrid::shownCount() const { return list_->count(); }

int MislabeledGrid::currentRow() const {
    const QListWidgetItem* item = list_->currentItem();
    return item && item->isSelected() ? list_->row(item) : -1;
}

QString MislabeledGrid::currentPath(int row) const {
    const QString original = QString::fromStdString(ranked_[size_t(row)].path);
    const QString moved = moves_.movedTo(original);
    return moved.isEmpty() ? original : moved;
}

void MislabeledGrid::rerank() {
    ranked_ = rankMap(*points_, ranking(), -1);
    list_->clear();
    showMore();
}

void MislabeledGrid::showMore() {
    const int end = std::min(int(ranked_.size()), list_->count() + kPageSize);
    for (int row = list_->count(); row < end; ++row) {
        auto* item = new QListWidgetItem;
        item->setSizeHint(kCellSize - QSize(4, 4));  // the text wraps at the cell's width, not the picture's
        list_->addItem(item);
        refreshItem(row);
    }
    updateButtons();
}

// The item's picture, text and look from the candidate and whether it was moved.
void MislabeledGrid::refreshItem(int row) {
    const MapPoint& p = ranked_[size_t(row)];
    QListWidgetItem* item = list_->item(row);
    const QString original = QString::fromStdString(p.path), now = currentPath(row);
    const bool moved = !moves_.movedTo(original).isEmpty();
    QIcon icon(QPixmap::fromImage(exampleThumbnail(now, kThumbBox)));
    const QString label = exampleClassName(classes_, p.label), preferred = exampleClassName(classes_, p.preferred);
    item->setIcon(moved ? QIcon(icon.pixmap(kThumbBox, QIcon::Disabled)) : icon);
    item->setText(moved ? tr("moved to %1\n(was %2)").arg(classOfPath(now), label)
                        : tr("%1 →\n%2\np %3").arg(label, preferred).arg(p.meanProbability, 0, 'f', 3));
    item->setForeground(moved ? palette().color(QPalette::Disabled, QPalette::Text) : palette().color(QPalette::Text));
    item->setToolTip(QDir::toNativeSeparators(now) + "\n" + tr("label %1, preferred %2").arg(label, preferred) + "\n" +
                     exampleNumbers(p, epochs_));
    item->setData(Qt::UserRole, moved);
}

void MislabeledGrid::updateButtons() {
    const int row = currentRow();
    const bool any = row >= 0;
    open_->setEnabled(any);
    moveTo_->setEnabled(any);
    const QString preferred = any ? exampleClassName(classes_, ranked_[size_t(row)].preferred) : QString();
    move_->setText(any ? tr("Move to %1").arg(preferred) : tr("Move to Preferred"));
    move_->setEnabled(any && classOfPath(currentPath(row)) != preferred);
    undo_->setEnabled(moves_.count() > 0);
    more_->setEnabled(list_->count() < int(ranked_.size()));
    more_->setText(tr("More (%1 of %2 shown)").arg(QLocale().toString(list_->count()), QLocale().toString(int(ranked_.size()))));
}

void MislabeledGrid::fillMoveMenu(QMenu* menu) {
    menu->clear();
    const int row = currentRow();
    if (row < 0) return;
    const QString here = classOfPath(currentPath(row));
    for (const QString& c : classes_)
        if (c != here) menu->addAction(c, this, [this, c] { moveCurrent(c); });
}

void MislabeledGrid::showContextMenu(QPoint pos) {
    QListWidgetItem* item = list_->itemAt(pos);
    if (!item) return;
    list_->setCurrentItem(item);
    QMenu menu(this);
    menu.addAction(open_->text(), this, &MislabeledGrid::openCurrentFolder);
    menu.addAction(move_->text(), move_, &QPushButton::click)->setEnabled(move_->isEnabled());
    fillMoveMenu(menu.addMenu(tr("Move to")));
    menu.addSeparator();
    menu.addAction(undo_->text(), this, &MislabeledGrid::undoMoves)->setEnabled(undo_->isEnabled());
    menu.exec(list_->viewport()->mapToGlobal(pos));
}

// --- Actions ---------------------------------------------------------------------------------

void MislabeledGrid::openCurrentFolder() {
    const int row = currentRow();
    if (row >= 0) opener_(QFileInfo(currentPath(row)).absolutePath());
}

void MislabeledGrid::moveCurrent(const QString& className) {
    const int row = currentRow();
    if (row < 0) return;
    const QString original = QString::fromStdString(ranked_[size_t(row)].path);
    try {
        const QString to = moves_.move(original, className);
        report(tr("Moved %1 to %2 (undo: Undo Moves, or strata data undo-moves %3)")
                   .arg(QFileInfo(to).fileName(), className, QDir::toNativeSeparators(moves_.log())),
               false);
    } catch (const std::exception& e) {
        report(QString::fromStdString(e.what()), true);
        return;
    }
    refreshItem(row);
    updateButtons();
    emit filesMoved();
}

void MislabeledGrid::undoMoves() {
    try {
        const int undone = moves_.undoAll();
        report(undone == 1 ? tr("Moved 1 image back") : tr("Moved %1 images back").arg(undone), false);
    } catch (const std::exception& e) {
        report(QString::fromStdString(e.what()), true);
        return;
    }
    for (int row = 0; row < list_->count(); ++row) refreshItem(row);
    updateButtons();
    emit filesMoved();
}

void MislabeledGrid::report(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? QStringLiteral("color: %1").arg(kErrorColor) : QString());
    if (error) emit problem(text);
}

}  // namespace strata
