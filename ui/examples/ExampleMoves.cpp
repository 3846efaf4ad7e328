#include "examples/ExampleMoves.h"

#include <QDir>
#include <QFileInfo>

#include "data/FileMoves.h"

namespace strata {

QString pathInClass(const QString& path, const QString& className) {
    const QFileInfo file(path);
    QDir data = file.dir();
    data.cdUp();
    return data.filePath(className + "/" + file.fileName());
}

QString ExampleMoves::move(const QString& original, const QString& className) {
    const QString from = moved_.value(original, original);
    log_ = QString::fromStdString(moveToClass(from.toStdString(), className.toStdString(), log_.toStdString()));
    const QString to = pathInClass(from, className);
    moved_.insert(original, to);
    return to;
}

int ExampleMoves::undoAll() {
    if (log_.isEmpty()) return 0;
    const int undone = undoMoves(log_.toStdString());
    log_.clear();  // a reversed log is done; the next move starts a new one
    moved_.clear();
    return undone;
}

}  // namespace strata
