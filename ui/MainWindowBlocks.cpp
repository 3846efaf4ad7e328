// The main window's block commands (design/DesignGroups.h): Group as Block (Ctrl+G), Ungroup
// (Ctrl+Shift+G), Repeat Block ×N, Rename Block and Collapse All Blocks, in the Edit and View
// menus and the node context menu. Each is one undo step of the document; refusals say why.
#include <QAction>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QStatusBar>

#include "Actions.h"
#include "MainWindow.h"
#include "canvas/DesignScene.h"
#include "canvas/DesignView.h"
#include "design/DesignGroups.h"
#include "model/DesignDocument.h"

namespace strata {

void MainWindow::createBlockActions() {
    Actions& a = *actions_;
    const DesignEffect edits = DesignEffect::Edits;
    a.add("edit.group", tr("&Group as Block"), {QKeySequence(Qt::CTRL | Qt::Key_G)}, {}, edits);
    connect(a["edit.group"], &QAction::triggered, this, &MainWindow::groupSelection);
    a.add("edit.ungroup", tr("U&ngroup Block"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G)}, {}, edits);
    connect(a["edit.ungroup"], &QAction::triggered, this, &MainWindow::ungroupSelection);
    a.add("edit.repeat", tr("&Repeat Block ×N..."), {}, {}, edits);
    connect(a["edit.repeat"], &QAction::triggered, this, &MainWindow::repeatSelection);
    a.add("edit.renameBlock", tr("Rena&me Block..."), {}, {}, edits);
    connect(a["edit.renameBlock"], &QAction::triggered, this, &MainWindow::renameSelectedBlock);
    // Collapsed or not is saved with the design: an edit, undone like any other.
    a.add("view.collapseBlocks", tr("&Collapse All Blocks"), {}, {}, edits);
    connect(a["view.collapseBlocks"], &QAction::triggered, this, &MainWindow::toggleAllBlocksCollapsed);
    connect(view_, &DesignView::nodeMenuRequested, this, &MainWindow::fillBlockMenu);
    // A collapsed card stands for its layers (it is selected): the same commands.
    connect(view_->designScene(), &DesignScene::blockMenuRequested, this, [this](const QString&, QMenu* menu) {
        menu->addSeparator();
        for (const char* id : {"edit.ungroup", "edit.repeat", "edit.renameBlock"}) menu->addAction(actions_->get(id));
    });
    connect(document_, &DesignDocument::changed, this, &MainWindow::updateBlockActions);
}

QString MainWindow::selectedBlock() const {
    QString block;
    for (const QString& id : view_->selectedNodeIds()) {
        const QString group = document_->groupOf(id);
        if (group.isEmpty() || (!block.isEmpty() && group != block)) return QString();
        block = group;
    }
    return block;
}

void MainWindow::updateBlockActions() {
    const QStringList selected = view_->selectedNodeIds();
    bool anyGrouped = false;
    for (const QString& id : selected) anyGrouped = anyGrouped || !document_->groupOf(id).isEmpty();
    actions_->setAvailable("edit.group", !selected.isEmpty() && !anyGrouped);
    actions_->setAvailable("edit.ungroup", !selectedBlock().isEmpty());
    actions_->setAvailable("edit.renameBlock", !selectedBlock().isEmpty());
    // A block repeats; a selection of free layers is grouped first.
    actions_->setAvailable("edit.repeat", !selected.isEmpty() && (!anyGrouped || !selectedBlock().isEmpty()));
    const std::vector<Group>& groups = document_->design().groups;
    const bool allCollapsed = std::all_of(groups.begin(), groups.end(), [](const Group& g) { return g.collapsed; });
    actions_->setAvailable("view.collapseBlocks", !groups.empty());
    actions_->get("view.collapseBlocks")->setText(!groups.empty() && allCollapsed ? tr("&Expand All Blocks")
                                                                                 : tr("&Collapse All Blocks"));
}

void MainWindow::fillBlockMenu(const QString& nodeId, QMenu* menu) {
    if (!menu->isEmpty()) menu->addSeparator();
    const bool grouped = !document_->groupOf(nodeId).isEmpty();
    menu->addAction(actions_->get(grouped ? "edit.ungroup" : "edit.group"));
    menu->addAction(actions_->get("edit.repeat"));
    if (grouped) menu->addAction(actions_->get("edit.renameBlock"));
}

void MainWindow::groupSelection() {
    const QStringList ids = view_->selectedNodeIds();
    QString error;
    const QString block = document_->groupNodes(ids, &error);
    if (block.isEmpty()) {
        if (!error.isEmpty()) reportError(tr("Cannot group"), error);
        return;
    }
    view_->selectNodes(ids);
    statusBar()->showMessage(tr("Grouped %n layer(s) as a block", nullptr, int(ids.size())), 4000);
}

void MainWindow::ungroupSelection() {
    const QString block = selectedBlock();
    const QStringList ids = view_->selectedNodeIds();
    if (block.isEmpty() || !document_->ungroup(block)) return;
    view_->selectNodes(ids);
}

void MainWindow::repeatSelection() {
    const QStringList ids = view_->selectedNodeIds();
    if (ids.isEmpty()) return;
    const QString block = selectedBlock();
    // Automation (tests of the window, screenshots) never opens a dialog: it repeats twice.
    bool ok = true;
    const int times = automation_ ? 2
                                  : QInputDialog::getInt(this, tr("Repeat Block"),
                                                         tr("Copies of the block in a chain (2–%1):").arg(kMaxRepeat), 2,
                                                         2, kMaxRepeat, 1, &ok);
    if (!ok) return;
    QString error;
    const bool done = block.isEmpty() ? !document_->groupAndRepeat(ids, times, &error).isEmpty()
                                      : document_->repeatGroup(block, times, &error);
    if (!done) {
        reportError(tr("Cannot repeat"), error);
        return;
    }
    statusBar()->showMessage(tr("Repeated the block ×%1").arg(times), 4000);
}

void MainWindow::renameSelectedBlock() {
    const QString block = selectedBlock();
    const Group* group = findGroup(document_->design(), block.toStdString());
    if (!group || automation_) return;  // automation never opens a dialog
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename Block"), tr("Name of the block:"), QLineEdit::Normal,
                                               QString::fromStdString(group->name), &ok)
                             .trimmed();
    if (ok && !name.isEmpty()) document_->renameGroup(block, name);
}

void MainWindow::toggleAllBlocksCollapsed() {
    const std::vector<Group>& groups = document_->design().groups;
    const bool allCollapsed = std::all_of(groups.begin(), groups.end(), [](const Group& g) { return g.collapsed; });
    document_->setAllGroupsCollapsed(!allCollapsed);
}

}  // namespace strata
