#pragma once
// A JSON file's top-level object, for tests that check what strata wrote (metrics, index.json).
// An unreadable or malformed file gives an empty object, which the caller's checks then fail on.
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

namespace strata::test {

inline QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

}  // namespace strata::test
