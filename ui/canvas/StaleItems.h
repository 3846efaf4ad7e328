#pragma once
// Reconciling a view's items with the document: the scene and its block layer keep items by
// key and delete those whose key the document no longer has.
#include <QHash>
#include <QSet>
#include <QString>

namespace strata {

// Deletes the items whose keys are not in `live` and forgets them.
template <typename Item>
void dropStaleItems(QHash<QString, Item*>& items, const QSet<QString>& live) {
    for (auto it = items.begin(); it != items.end();) {
        if (live.contains(it.key())) {
            ++it;
            continue;
        }
        delete it.value();
        it = items.erase(it);
    }
}

}  // namespace strata
