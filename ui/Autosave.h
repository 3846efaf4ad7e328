#pragma once
// Autosave of the open design, so a crash loses at most a few seconds of editing: while the
// document has unsaved changes it is written (atomically) to
// $XDG_DATA_HOME/strata/autosave/session-<pid>.strata.json a few seconds after each edit;
// a clean state or a normal exit removes the file. A file left by a process that is gone
// is a crash leftover that the next launch offers to restore (docs/ARCHITECTURE.md §13).
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace strata {

class DesignDocument;

class Autosave : public QObject {
    Q_OBJECT
public:
    explicit Autosave(DesignDocument* document, QObject* parent = nullptr);

    static QString folder();
    QString filePath() const;          // this session's autosave file
    void setDelay(int ms) { timer_.setInterval(ms); }

    // Writes the design now when it has unsaved changes, else removes the file.
    void saveNow();
    // Removes this session's file (a normal exit).
    void discard();

    // Autosave files of sessions whose process no longer runs: crash leftovers, newest first.
    static QStringList leftovers();

private:
    DesignDocument* document_;
    QTimer timer_;
};

}  // namespace strata
