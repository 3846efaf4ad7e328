#pragma once
// The scene of the canvas: a view of a DesignDocument. It is built from the document and
// follows only its `changed()` signal, reconciling its items by node id and edge value
// (creating missing ones, updating the rest, removing stale ones), so selection and hover
// survive edits. User gestures become document edits: moves (one `moveNodes` per drag, snapped
// to the grid), connections dragged from output ports, and layers dropped from the palette
// (onto an edge: spliced into it; elsewhere: added).
#include <QGraphicsScene>
#include <QHash>
#include <QList>
#include <QStringList>

#include <memory>

#include <optional>

#include "canvas/NodeItem.h"
#include "design/Design.h"

class QGraphicsPathItem;
class QMenu;

namespace strata {

class BlockLayer;
class DesignDocument;
class EdgeItem;
class NodeItem;
class PortItem;

// What the cost overlay tints the cards by (none, or each node's share of the design's total;
// MeasuredTime: of the forward and backward milliseconds "Measure speed" measured).
enum class CostOverlay { None, Parameters, Macs, MeasuredTime };

class DesignScene : public QGraphicsScene {
    Q_OBJECT
public:
    explicit DesignScene(DesignDocument* document, QObject* parent = nullptr);
    ~DesignScene() override;

    DesignDocument* document() const { return document_; }
    // The blocks' cards and frames (canvas/BlockLayer.h).
    BlockLayer* blockLayer() const { return blocks_.get(); }

    // --- Items (for the view and tests) ---------------------------------------------------
    NodeItem* nodeItem(const QString& id) const;
    QList<NodeItem*> nodeItems() const;
    EdgeItem* edgeItem(const Edge& edge) const;
    QList<EdgeItem*> edgeItems() const;
    // The edge whose curve passes within `tolerance` px of `scenePos` (nullptr if none).
    EdgeItem* edgeNear(QPointF scenePos, qreal tolerance = 6.0) const;
    // The bounding rectangle of the nodes and edges (empty for an empty design).
    QRectF contentRect() const;

    // --- Selection --------------------------------------------------------------------------
    QStringList selectedNodeIds() const;  // in design order
    QList<Edge> selectedEdges() const;
    void selectNodes(const QStringList& ids);  // replaces the selection

    static QPointF snapToGrid(QPointF p);

    // --- Gestures, called by the items ------------------------------------------------------
    // A node item moved: its edges follow.
    void nodeMoved(NodeItem* node);
    // A drag of node cards ended: records the moved nodes' snapped positions as one edit.
    void commitMoves();
    // Connection drag from `from`'s output port.
    void beginConnection(NodeItem* from, QPointF scenePos);
    void updateConnection(QPointF scenePos);
    void endConnection(QPointF scenePos);  // connects when released over another node
    void cancelConnection();
    bool isConnecting() const { return pending_ != nullptr; }
    // A wire's target end dragged (EdgeItem): the same line as a connection drag from its
    // source; endConnection() then moves the wire to the input released on (one undo step),
    // or removes it when released on empty canvas.
    void beginReroute(const Edge& edge, QPointF scenePos);
    // A card's snowflake was clicked: asks the owner of the training settings (the scene does
    // not keep them; setNodeTraining() shows the outcome).
    void requestFreeze(const QString& id, bool frozen) { emit freezeToggleRequested(id, frozen); }
    // A collapsed block's card was right-clicked: the owner of the block commands adds them.
    void requestBlockMenu(const QString& groupId, QMenu* menu) { emit blockMenuRequested(groupId, menu); }

    // --- Cost overlay (a view setting, not part of the design) ------------------------------
    // Tints every card by its node's share of the design's parameters or MACs per image, now
    // and after every change.
    void setCostOverlay(CostOverlay overlay);
    CostOverlay costOverlay() const { return costOverlay_; }
    // Each node's measured forward + backward milliseconds, for CostOverlay::MeasuredTime
    // (nodes not named: none); empty when nothing was measured for the design as it is.
    void setMeasuredTimes(const QHash<QString, double>& milliseconds);

    // --- Training marks (not part of the design) -------------------------------------------
    // What the training settings say about each node: init badges and freezing. Nodes not
    // named show none; cards created later get theirs too.
    void setNodeTraining(const QHash<QString, NodeTraining>& training);
    NodeTraining nodeTraining(const QString& id) const { return training_.value(id); }

public slots:
    // Brings the items in line with the document (the slot of `changed()`).
    void sync();

signals:
    // The selected node ids changed (edges do not count).
    void nodeSelectionChanged(const QStringList& nodeIds);
    // The user clicked a card's snowflake: freeze (or unfreeze) that node.
    void freezeToggleRequested(const QString& id, bool frozen);
    // Add actions for block `groupId` to `menu` (connect directly: the menu is shown right after).
    void blockMenuRequested(const QString& groupId, QMenu* menu);
    // An image file was dropped on the canvas (the live previews' sample).
    void imageDropped(const QString& path);

protected:
    void dragEnterEvent(QGraphicsSceneDragDropEvent* event) override;
    void dragMoveEvent(QGraphicsSceneDragDropEvent* event) override;
    void dragLeaveEvent(QGraphicsSceneDragDropEvent* event) override;
    void dropEvent(QGraphicsSceneDragDropEvent* event) override;

private:
    struct Target {
        QString node;
        int port = -1;
    };
    // The node and input slot a connection released at `scenePos` would go to.
    Target connectionTarget(QPointF scenePos) const;
    void endReroute(const Edge& edge, const Target& target);
    NodeItem* nodeAt(QPointF scenePos) const;
    void updateEdgeGeometry(EdgeItem* edge) const;
    void setSpliceTarget(EdgeItem* edge);
    void setConnectionTarget(PortItem* port);
    void emitSelectionIfChanged();
    // The parts of sync(): renamed items kept, then nodes, then edges.
    void keepRenamedItem();
    void syncNodes();
    void syncEdges();
    void applyCostOverlay();

    DesignDocument* document_;
    std::unique_ptr<BlockLayer> blocks_;
    QHash<QString, NodeItem*> nodes_;
    QHash<QString, NodeTraining> training_;
    QHash<QString, EdgeItem*> edges_;            // by edgeKey()
    QMultiHash<QString, EdgeItem*> edgesOfNode_; // both ends
    CostOverlay costOverlay_ = CostOverlay::None;
    QHash<QString, double> measuredMs_;
    bool syncing_ = false;
    bool selecting_ = false;  // selectNodes() in progress: one signal at the end
    QStringList lastSelection_;

    QGraphicsPathItem* pending_ = nullptr;  // the line of a connection drag
    QString pendingFrom_;
    std::optional<Edge> rerouted_;  // the wire whose end is being dragged
    PortItem* targetPort_ = nullptr;
    EdgeItem* spliceTarget_ = nullptr;
};

}  // namespace strata
