#pragma once
// The moves the Data dock made since it opened: each file moved to another class folder of its
// data folder by core's moveToClass (data/FileMoves.h), all in one log under
// $XDG_DATA_HOME/strata/moves/, exactly as `strata data move --log` appends to one, so
// `strata data undo-moves LOG` reverses them too; and Undo Moves, which reverses that log.
#include <QHash>
#include <QString>

namespace strata {

class ExampleMoves {
public:
    // Moves the image first known at `original` (wherever an earlier move put it) to the class
    // folder `className`; returns its new path. Throws DataError (nothing changed) with core's
    // reason: the target exists, the file is gone, the class folder does not exist.
    QString move(const QString& original, const QString& className);
    // Reverses every move of this session, last first; returns how many. Throws DataError
    // (nothing changed) when a moved file is gone or changed, or its old place is taken.
    int undoAll();

    // Where the image first known at `original` is now ("" when it was not moved).
    QString movedTo(const QString& original) const { return moved_.value(original); }
    int count() const { return int(moved_.size()); }
    // The session's move log ("" before the first move).
    QString log() const { return log_; }

private:
    QString log_;
    QHash<QString, QString> moved_;  // first known path -> current path
};

// The data folder's class folder `className` for the image at `path` (DATA/<class>/<name>):
// DATA/<className>/<name>.
QString pathInClass(const QString& path, const QString& className);

}  // namespace strata
