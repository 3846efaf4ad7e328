// The block edits of DesignDocument (design/DesignGroups.h): each one undo step through
// commit(), so undo, redo and save treat blocks like any other change.
#include "model/DesignDocument.h"

#include "design/DesignGroups.h"

namespace strata {

namespace {

std::vector<std::string> stdIds(const QStringList& ids) {
    std::vector<std::string> out;
    for (const QString& id : ids) out.push_back(id.toStdString());
    return out;
}

// Runs `edit` on a copy of `design`; false with the reason in *error when it refuses.
template <typename Edit>
bool tryEdit(const Design& design, Design& after, QString* error, Edit edit) {
    after = design;
    try {
        edit(after);
        return true;
    } catch (const DesignError& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

}  // namespace

QString DesignDocument::groupNodes(const QStringList& nodeIds, QString* error) {
    Design after;
    std::string id;
    if (!tryEdit(design_, after, error, [&](Design& d) { id = strata::groupNodes(d, stdIds(nodeIds)); })) return {};
    if (!commit(after, tr("Group as block"))) {
        if (error) *error = lockReason();
        return {};
    }
    return QString::fromStdString(id);
}

bool DesignDocument::ungroup(const QString& groupId) {
    Design after;
    if (!tryEdit(design_, after, nullptr, [&](Design& d) { strata::ungroup(d, groupId.toStdString()); })) return false;
    return commit(after, tr("Ungroup"));
}

bool DesignDocument::setGroupCollapsed(const QString& groupId, bool collapsed) {
    const Group* group = findGroup(design_, groupId.toStdString());
    if (!group || group->collapsed == collapsed) return false;
    Design after = design_;
    strata::setGroupCollapsed(after, groupId.toStdString(), collapsed);
    return commit(after, collapsed ? tr("Collapse block") : tr("Expand block"));
}

bool DesignDocument::setAllGroupsCollapsed(bool collapsed) {
    Design after = design_;
    bool changed = false;
    for (Group& g : after.groups) {
        changed = changed || g.collapsed != collapsed;
        g.collapsed = collapsed;
    }
    return changed && commit(after, collapsed ? tr("Collapse blocks") : tr("Expand blocks"));
}

bool DesignDocument::renameGroup(const QString& groupId, const QString& name) {
    const Group* group = findGroup(design_, groupId.toStdString());
    if (!group || group->name == name.toStdString()) return false;
    Design after;
    if (!tryEdit(design_, after, nullptr, [&](Design& d) { strata::renameGroup(d, groupId.toStdString(), name.toStdString()); }))
        return false;
    return commit(after, tr("Rename block"));
}

bool DesignDocument::repeatGroup(const QString& groupId, int times, QString* error) {
    Design after;
    if (!tryEdit(design_, after, error, [&](Design& d) { strata::repeatGroup(d, groupId.toStdString(), times, classes_); }))
        return false;
    if (commit(after, tr("Repeat block ×%1").arg(times))) return true;
    if (error) *error = lockReason();
    return false;
}

QString DesignDocument::groupAndRepeat(const QStringList& nodeIds, int times, QString* error) {
    Design after;
    std::string id;
    const bool ok = tryEdit(design_, after, error, [&](Design& d) {
        id = strata::groupNodes(d, stdIds(nodeIds));
        strata::repeatGroup(d, id, times, classes_);
    });
    if (!ok) return {};
    if (!commit(after, tr("Repeat block ×%1").arg(times))) {
        if (error) *error = lockReason();
        return {};
    }
    return QString::fromStdString(id);
}

QString DesignDocument::groupOf(const QString& nodeId) const {
    const Group* group = groupOfNode(design_, nodeId.toStdString());
    return group ? QString::fromStdString(group->id) : QString();
}

}  // namespace strata
