#include "model/DesignSnapshotCommand.h"

#include "model/DesignDocument.h"

namespace strata {

DesignSnapshotCommand::DesignSnapshotCommand(DesignDocument* document, Design before, Design after,
                                             const QString& text, int mergeId)
    : QUndoCommand(text), document_(document), before_(std::move(before)), after_(std::move(after)), mergeId_(mergeId) {}

void DesignSnapshotCommand::undo() { document_->apply(before_); }

void DesignSnapshotCommand::redo() { document_->apply(after_); }

bool DesignSnapshotCommand::mergeWith(const QUndoCommand* other) {
    if (other->id() != id()) return false;
    after_ = static_cast<const DesignSnapshotCommand*>(other)->after_;
    return true;
}

}  // namespace strata
