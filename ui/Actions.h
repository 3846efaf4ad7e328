#pragma once
// The one action registry of the studio (qView's habit): every command a menu, a toolbar or a
// context menu offers is a QAction owned here under a stable id ("file.open", "edit.undo"),
// so menus and toolbars share one action and one enabled state. The owner connects the
// actions' triggered() signals; this class only creates, stores and looks them up.
#include <QHash>
#include <QIcon>
#include <QKeySequence>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

class QAction;
class QMenu;
class QToolBar;

namespace strata {

class Actions : public QObject {
    Q_OBJECT
public:
    explicit Actions(QObject* parent = nullptr);

    // Creates and registers an action; its tooltip names the first shortcut.
    QAction* add(const QString& id, const QString& text, const QList<QKeySequence>& shortcuts = {},
                 const QIcon& icon = {});
    // Registers an action created elsewhere (the undo stack's, a dock's toggle); takes
    // ownership only when the action has no parent.
    QAction* adopt(const QString& id, QAction* action);

    // The action with `id`; nullptr (and a warning) when there is none.
    QAction* get(const QString& id) const;
    QAction* operator[](const QString& id) const { return get(id); }
    bool contains(const QString& id) const { return actions_.contains(id); }
    QStringList ids() const { return order_; }

    // Appends the actions named by `ids` to a menu or toolbar; "-" adds a separator.
    void fill(QMenu* menu, const QStringList& ids) const;
    void fill(QToolBar* toolBar, const QStringList& ids) const;

private:
    QHash<QString, QAction*> actions_;
    QStringList order_;
};

}  // namespace strata
