#include "Actions.h"

#include <QAction>
#include <QMenu>
#include <QToolBar>
#include <QtDebug>

namespace strata {

Actions::Actions(QObject* parent) : QObject(parent) {}

QAction* Actions::add(const QString& id, const QString& text, const QList<QKeySequence>& shortcuts,
                      const QIcon& icon, DesignEffect effect) {
    auto* action = new QAction(icon, text, this);
    action->setShortcuts(shortcuts);
    if (!shortcuts.isEmpty()) {
        // Tooltips name the shortcut, as in most desktop tools ("Save (Ctrl+S)").
        QString tip = text;
        tip.remove(QLatin1Char('&'));
        tip.remove(QStringLiteral("..."));
        tip.remove(QChar(0x2026));
        action->setToolTip(QStringLiteral("%1 (%2)").arg(tip, shortcuts.first().toString(QKeySequence::NativeText)));
    }
    return adopt(id, action, effect);
}

QAction* Actions::adopt(const QString& id, QAction* action, DesignEffect effect) {
    Q_ASSERT_X(!actions_.contains(id), "Actions::adopt", qPrintable(id));
    if (!action->parent()) action->setParent(this);
    action->setObjectName(id);
    actions_.insert(id, action);
    effects_.insert(id, effect);
    order_.append(id);
    if (effect != DesignEffect::None) updateEnabled(id);  // added while locked: held at once
    return action;
}

void Actions::setAvailable(const QString& id, bool available) {
    if (!get(id)) return;
    available_.insert(id, available);
    updateEnabled(id);
}

void Actions::setDesignLocked(bool locked) {
    if (locked_ == locked) return;
    locked_ = locked;
    for (const QString& id : order_)
        if (effects_.value(id) != DesignEffect::None) updateEnabled(id);
}

void Actions::updateEnabled(const QString& id) {
    const bool held = locked_ && effects_.value(id) != DesignEffect::None;
    actions_.value(id)->setEnabled(available_.value(id, true) && !held);
}

QAction* Actions::get(const QString& id) const {
    QAction* action = actions_.value(id);
    if (!action) qWarning() << "strata: no action" << id;
    return action;
}

void Actions::fill(QMenu* menu, const QStringList& ids) const {
    for (const QString& id : ids) {
        if (id == QLatin1String("-")) menu->addSeparator();
        else if (QAction* a = get(id)) menu->addAction(a);
    }
}

void Actions::fill(QToolBar* toolBar, const QStringList& ids) const {
    for (const QString& id : ids) {
        if (id == QLatin1String("-")) toolBar->addSeparator();
        else if (QAction* a = get(id)) toolBar->addAction(a);
    }
}

}  // namespace strata
