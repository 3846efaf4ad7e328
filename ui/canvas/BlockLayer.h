#pragma once
// The blocks of the canvas (design/DesignGroups.h), kept by DesignScene: a BlockItem card for
// each collapsed block, whose layers' cards it hides and whose wires it takes (one wire per
// neighbour: the skip edge and the body of a residual block share theirs), and a
// BlockFrameItem behind the layers of each expanded block. Rebuilt from the document on every
// sync, reconciled by group id like the cards; gestures on its items become document edits.
#include <QHash>
#include <QMenu>
#include <QList>
#include <QRectF>
#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>

#include "canvas/BlockItem.h"
#include "design/DesignGroups.h"

namespace strata {

class DesignDocument;
class DesignScene;
class EdgeItem;
class NodeItem;

class BlockLayer {
public:
    explicit BlockLayer(DesignScene* scene);
    ~BlockLayer();
    BlockLayer(const BlockLayer&) = delete;
    BlockLayer& operator=(const BlockLayer&) = delete;

    // After the scene's cards are in line with the document, before its wires are.
    void sync();
    // After the scene placed `edge` between its nodes' cards: wires of collapsed blocks end on
    // the block's card instead, or hide when they stay inside it.
    void routeEdge(EdgeItem* edge) const;
    // A card is being dragged: the frame of its block follows.
    void nodeMoved(NodeItem* node);

    // --- Items and selection, for the scene, the window and tests -------------------------
    BlockItem* card(const QString& groupId) const { return cards_.value(groupId); }
    BlockFrameItem* frame(const QString& groupId) const { return frames_.value(groupId); }
    // The layers of the selected collapsed cards.
    QStringList selectedMembers() const;
    // Selects the collapsed cards holding any of `nodeIds` (their layers cannot be selected).
    void selectCards(const QStringList& nodeIds);
    QRectF contentRect() const;
    // The context menu of a collapsed block's card: Expand, then what the scene's
    // blockMenuRequested adds. Public so that tests can trigger its actions.
    std::unique_ptr<QMenu> cardMenu(const QString& groupId);

    // --- Gestures of the items -------------------------------------------------------------
    void requestCollapsed(const QString& groupId, bool collapsed);
    // A right-click on a card: selects it and shows cardMenu() at `screenPos`.
    void showCardMenu(BlockItem* card, QPoint screenPos);
    void cardMoved(BlockItem* card);
    // A drag of a collapsed card ended `delta` away from where it started.
    void commitCardMove(BlockItem* card, QPointF delta);

private:
    BlockContent contentOf(const Group* group, const BlockSummary& summary) const;
    void syncCard(const QString& groupId, const QStringList& members);
    void syncFrame(const QString& groupId, const QStringList& members);
    // The frame around its layers' cards where they are now (also during a drag).
    void placeFrame(BlockFrameItem* frame, const QStringList& members) const;
    // Where a collapsed block's card goes: in the column of the layer leaving it, at the row of
    // its first layers (next to what feeds it; a repeated block's rows can be many).
    QPointF cardPosition(const QStringList& members, const std::string& exit) const;

    DesignScene* scene_;
    DesignDocument* document_;
    QHash<QString, BlockItem*> cards_;       // by group id, collapsed blocks
    QHash<QString, BlockFrameItem*> frames_; // by group id, expanded blocks
    QHash<QString, QString> collapsedOf_;    // node id -> its collapsed block
    QHash<QString, QString> frameOf_;        // node id -> its expanded block
    QSet<QString> hiddenEdges_;              // wires a collapsed card takes once already
};

}  // namespace strata
