#pragma once
// resolveFrozen's objection (core/train/Transfer.h) in the studio's words: the core names the
// command line's options ("--freeze: node ..."), which the studio does not have.
#include <QCoreApplication>
#include <QString>

namespace strata {

inline QString freezeMessage(const QString& what) {
    for (const char* option : {"--freeze-through: ", "--freeze: "})
        if (what.startsWith(QLatin1String(option)))
            return QCoreApplication::translate("strata", "Frozen layers: %1").arg(what.mid(int(qstrlen(option))));
    return what;
}

}  // namespace strata
