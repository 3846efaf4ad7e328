#pragma once
// The one action registry of the studio (qView's habit): every command a menu, a toolbar or a
// context menu offers is a QAction owned here under a stable id ("file.open", "edit.undo"),
// so menus and toolbars share one action and one enabled state. The owner connects the
// actions' triggered() signals; this class creates, stores and looks them up, and derives
// their enabled state: each action declares what it does to the open design, and while the
// design is locked (a training runs) every action that would change or replace it is off.
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

// What an action does to the open design.
enum class DesignEffect {
    None,      // leaves it as it is (view, copy, save to its file, export, quit)
    Edits,     // changes it (undo, paste, delete, layout)
    Replaces,  // puts another design, or another file, in its place (new, open, templates, Save As)
};

class Actions : public QObject {
    Q_OBJECT
public:
    explicit Actions(QObject* parent = nullptr);

    // Creates and registers an action; its tooltip names the first shortcut.
    QAction* add(const QString& id, const QString& text, const QList<QKeySequence>& shortcuts = {},
                 const QIcon& icon = {}, DesignEffect effect = DesignEffect::None);
    // Registers an action created elsewhere (a dock's toggle); takes ownership only when the
    // action has no parent.
    QAction* adopt(const QString& id, QAction* action, DesignEffect effect = DesignEffect::None);

    // The action with `id`; nullptr (and a warning) when there is none.
    QAction* get(const QString& id) const;
    QAction* operator[](const QString& id) const { return get(id); }
    bool contains(const QString& id) const { return actions_.contains(id); }
    QStringList ids() const { return order_; }
    DesignEffect effect(const QString& id) const { return effects_.value(id, DesignEffect::None); }

    // Whether the action could run now (a selection to delete, a step to undo). It is enabled
    // when it could and the design lock does not hold it; use this, not setEnabled().
    void setAvailable(const QString& id, bool available);
    // While locked, every action whose effect is not None is disabled, whatever its
    // availability; unlocking restores each one's availability.
    void setDesignLocked(bool locked);
    bool isDesignLocked() const { return locked_; }

    // Appends the actions named by `ids` to a menu or toolbar; "-" adds a separator.
    void fill(QMenu* menu, const QStringList& ids) const;
    void fill(QToolBar* toolBar, const QStringList& ids) const;

private:
    void updateEnabled(const QString& id);

    QHash<QString, QAction*> actions_;
    QHash<QString, DesignEffect> effects_;
    QHash<QString, bool> available_;  // absent: available
    QStringList order_;
    bool locked_ = false;
};

}  // namespace strata
