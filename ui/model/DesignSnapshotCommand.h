#pragma once
// One undo step of the design editor: the whole design before and after (designs are a
// few kilobytes, so snapshots are cheaper to get right than inverse operations).
#include <QUndoCommand>

#include "design/Design.h"

namespace strata {

class DesignDocument;

class DesignSnapshotCommand : public QUndoCommand {
public:
    // mergeId >= 0: consecutive commands with the same id merge into one (drag moves).
    DesignSnapshotCommand(DesignDocument* document, Design before, Design after, const QString& text, int mergeId = -1);

    void undo() override;
    void redo() override;
    int id() const override { return mergeId_; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    DesignDocument* document_;
    Design before_, after_;
    int mergeId_;
};

}  // namespace strata
