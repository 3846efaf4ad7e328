#pragma once
// The open design as the editor sees it: the core Design value (the one source of truth),
// its analysis (shapes, parameter counts, issues) and cost (MACs, output sizes) recomputed
// after every change, the file it came from, and the undo stack. Every edit is a
// QUndoCommand holding JSON snapshots of the design before and after (as QtNodes does for
// delete/paste), so undo, redo, save and load share one serialization. Views never change the
// Design directly: they call the edit functions below and follow the single `changed()`
// signal, reconciling their items by id.
#include <QObject>
#include <QPointF>
#include <QSizeF>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QUndoStack>

#include "design/DesignAnalysis.h"
#include "design/DesignCost.h"
#include "design/DesignLayout.h"

namespace strata {

class DesignDocument : public QObject {
    Q_OBJECT
public:
    explicit DesignDocument(QObject* parent = nullptr);

    const Design& design() const { return design_; }
    const DesignAnalysis& analysis() const { return analysis_; }
    // Each node's parameters, MACs and output bytes per image, from analysis().
    const DesignCost& cost() const { return cost_; }
    // The undo history, for its state (canUndo, texts, clean). Undo and redo go through
    // undo() and redo() below, which the lock refuses; the stack's own slots do not ask.
    QUndoStack* undoStack() { return &undo_; }
    bool undo();
    bool redo();

    // The class count used for "classes" (10 until a dataset says otherwise).
    int classes() const { return classes_; }
    void setClasses(int classes);

    // --- Files ---------------------------------------------------------------------------
    QString path() const { return path_; }   // "" for a new, never-saved design
    bool isModified() const { return !undo_.isClean(); }
    // Replaces the design and clears the undo stack. Returns false with a message naming the
    // file on bad input, or while locked; the current design is then left untouched.
    bool load(const QString& path, QString* error = nullptr);
    // Replaces the design (false, and nothing changes, while locked).
    bool reset(const Design& design, const QString& path = QString());
    // Marks the design as having unsaved changes (a restored autosave is not on disk).
    void markModified() { undo_.resetClean(); }
    // Atomic save; on success the document becomes clean and takes `path`. While locked only
    // to the file it already has: a new path would move its runs folder (docs/ARCHITECTURE.md §13).
    bool save(const QString& path, QString* error = nullptr);

    // Locked from the moment a training is asked for until it has ended: the trainer and the
    // panels showing its run assume this design and its file. Every edit below, undo, redo,
    // load, reset and a save under a new path are refused (false / empty) while locked.
    bool isLocked() const { return locked_; }
    void setLocked(bool locked);
    // Why a change was refused, for people ("" when not locked).
    QString lockReason() const;

    // --- Edits (each one undo step; each returns false and changes nothing when invalid) ---
    // Adds a node of `type` with default params at `pos`; returns its new id ("conv1", ...).
    QString addNode(const QString& type, QPointF pos);
    // Moves nodes; consecutive moves of the same nodes merge into one undo step (drag).
    bool moveNodes(const QMap<QString, QPointF>& positions);
    // Connects from's output to to's input `port` (-1: the first free port; multi-input nodes
    // grow a new port). Refuses self-loops, duplicates, edges into Input or out of Output, and
    // replaces an existing edge on a single-input port.
    bool connectNodes(const QString& from, const QString& to, int port = -1);
    bool disconnect(const Edge& edge);
    // Deletes nodes (with their edges) and edges.
    bool remove(const QStringList& nodeIds, const QList<Edge>& edges = {});
    // Sets one param (a JSON value; null removes it, falling back to the default).
    bool setParam(const QString& nodeId, const QString& param, const nlohmann::json& value);
    bool renameNode(const QString& oldId, const QString& newId);
    // Inserts a new node of `type` on `edge`: from -> new -> to, at `pos`; where it would cover
    // a card it takes edge.to's place instead, and edge.to moves down one layer with what
    // follows it in its column (one undo step). Returns the new id.
    QString spliceNode(const QString& type, const Edge& edge, QPointF pos);
    // Copy/paste: the selected nodes and the edges among them, as design JSON text.
    QString copy(const QStringList& nodeIds) const;
    // Pastes with fresh ids, offset by `offset`; returns the new ids.
    QStringList paste(const QString& json, QPointF offset);
    // Lays out the nodes to fit a view of `viewSize` (design/DesignLayout.h: columns left to
    // right when it is wider than tall, one column otherwise) at a zoom of at least `minZoom`
    // where it can, one undo step. An empty size lays out one column.
    void autoLayout(QSizeF viewSize = {}, double minZoom = 0.0);


    // --- Blocks (design/DesignGroups.h; DesignDocumentBlocks.cpp) -----------------------------
    // Each is one undo step; on refusal nothing changes and *error says why, for people.
    // Groups the nodes as a new block; returns its id ("" when refused).
    QString groupNodes(const QStringList& nodeIds, QString* error = nullptr);
    bool ungroup(const QString& groupId);
    bool setGroupCollapsed(const QString& groupId, bool collapsed);
    // Collapses (or expands) every block at once.
    bool setAllGroupsCollapsed(bool collapsed);
    bool renameGroup(const QString& groupId, const QString& name);
    // Chains `times` copies of the block (2..kMaxRepeat), shape-checked.
    bool repeatGroup(const QString& groupId, int times, QString* error = nullptr);
    // Groups the nodes and repeats the new block, as one undo step; returns its id ("" when refused).
    QString groupAndRepeat(const QStringList& nodeIds, int times, QString* error = nullptr);
    // The block holding node `nodeId` ("" when none).
    QString groupOf(const QString& nodeId) const;

    // A fresh node id for `type` ("conv3" for the third Conv2d).
    QString uniqueId(const QString& type) const;
    // The node's position; for a node the file gives none, its place in the auto layout of the
    // whole design for the default window's canvas (as Auto Layout would put it).
    QPointF position(const QString& nodeId) const;

signals:
    // After any change to the design or its analysis (edits, undo/redo, load, classes).
    void changed();
    void pathChanged(const QString& path);
    void lockChanged(bool locked);

private:
    friend class DesignSnapshotCommand;
    // Applies a whole design value (used by the undo commands) and re-analyzes.
    void apply(const Design& design);
    // The analysis and the cost of design_ with classes_.
    void analyze();
    // Pushes an undo step from the current design to `after`; false when locked.
    bool commit(const Design& after, const QString& text, int mergeId = -1);

    Design design_;
    DesignAnalysis analysis_;
    DesignCost cost_;
    // Where auto layout puts each node, kept only while some node has no position, and the
    // graph it was computed for (a param edit does not move anything).
    std::map<std::string, LayoutPoint> laidOut_;
    std::string laidOutGraph_;
    QUndoStack undo_;
    QString path_;
    int classes_ = 10;
    bool locked_ = false;
};

}  // namespace strata
