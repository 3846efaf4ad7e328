#include "canvas/BlockLayer.h"

#include <QMap>
#include <algorithm>

#include "canvas/CanvasStyle.h"
#include "canvas/DesignScene.h"
#include "canvas/EdgeItem.h"
#include "canvas/NodeItem.h"
#include "canvas/NodeSummary.h"
#include "canvas/StaleItems.h"
#include "design/DesignGroups.h"
#include "model/DesignDocument.h"

namespace strata {

using namespace canvas;

namespace {

constexpr qreal kFrameMargin = 14.0;  // around the cards of an expanded block

QString q(const std::string& s) { return QString::fromStdString(s); }

QString edgeKey(const Edge& e) { return q(e.from) + QChar(0x1f) + q(e.to) + QChar(0x1f) + QString::number(e.port); }

QStringList membersOf(const Group& g) {
    QStringList ids;
    for (const std::string& id : g.nodes) ids << q(id);
    return ids;
}

}  // namespace

BlockLayer::BlockLayer(DesignScene* scene) : scene_(scene), document_(scene->document()) {}

BlockLayer::~BlockLayer() {
    qDeleteAll(cards_);
    qDeleteAll(frames_);
}

void BlockLayer::sync() {
    const Design& design = document_->design();
    collapsedOf_.clear();
    frameOf_.clear();
    QSet<QString> liveCards, liveFrames;
    for (const Group& g : design.groups) {
        const QString id = q(g.id);
        const QStringList members = membersOf(g);
        for (const QString& m : members) (g.collapsed ? collapsedOf_ : frameOf_).insert(m, id);
        (g.collapsed ? liveCards : liveFrames).insert(id);
    }
    dropStaleItems(cards_, liveCards);
    dropStaleItems(frames_, liveFrames);
    for (NodeItem* node : scene_->nodeItems()) node->setVisible(!collapsedOf_.contains(node->id()));
    for (const Group& g : design.groups) {
        if (g.collapsed) syncCard(q(g.id), membersOf(g));
        else syncFrame(q(g.id), membersOf(g));
    }
    // One wire per neighbour of a collapsed card: a residual block's body and skip edges come
    // from the same node and would be drawn twice on the same curve.
    hiddenEdges_.clear();
    QSet<QString> drawn;
    for (const Edge& e : design.edges) {
        const QString from = collapsedOf_.value(q(e.from)), to = collapsedOf_.value(q(e.to));
        if (from.isEmpty() && to.isEmpty()) continue;
        const QString ends = (from.isEmpty() ? q(e.from) : from) + QChar(0x1f) +
                             (to.isEmpty() ? q(e.to) + QChar(0x1f) + QString::number(e.port) : to);
        if (drawn.contains(ends)) hiddenEdges_.insert(edgeKey(e));
        drawn.insert(ends);
    }
}

BlockContent BlockLayer::contentOf(const Group* g, const BlockSummary& s) const {
    BlockContent c;
    if (!g) return c;
    c.name = q(g->name);
    c.input = shapeText(s.input);
    c.output = shapeText(s.output);
    c.parameters = s.parameters > 0 ? compactCount(s.parameters) : QString();
    c.layers = s.layers;
    c.repeat = g->repeat;
    for (const DesignIssue& issue : document_->analysis().issues)
        c.hasIssues = c.hasIssues || std::find(g->nodes.begin(), g->nodes.end(), issue.node) != g->nodes.end();
    return c;
}

QPointF BlockLayer::cardPosition(const QStringList& members, const std::string& exit) const {
    qreal left = 0, top = 0;
    for (int i = 0; i < members.size(); ++i) {
        const QPointF p = document_->position(members[i]);
        left = i ? std::min(left, p.x()) : p.x();
        top = i ? std::min(top, p.y()) : p.y();
    }
    const qreal x = exit.empty() ? left : document_->position(q(exit)).x();
    return DesignScene::snapToGrid(QPointF(x, top));
}

void BlockLayer::syncCard(const QString& groupId, const QStringList& members) {
    BlockItem* card = cards_.value(groupId);
    if (!card) {
        card = new BlockItem(this, groupId);
        scene_->addItem(card);
        cards_.insert(groupId, card);
    }
    const Group* g = findGroup(document_->design(), groupId.toStdString());
    const BlockSummary s = g ? summarizeBlock(document_->design(), document_->analysis(), *g) : BlockSummary();
    card->setContent(contentOf(g, s));
    const QPointF pos = cardPosition(members, s.exit);
    if (card->pos() != pos) card->setPos(pos);
}

void BlockLayer::syncFrame(const QString& groupId, const QStringList& members) {
    BlockFrameItem* frame = frames_.value(groupId);
    if (!frame) {
        frame = new BlockFrameItem(this, groupId);
        scene_->addItem(frame);
        frames_.insert(groupId, frame);
    }
    const Group* g = findGroup(document_->design(), groupId.toStdString());
    frame->setContent(contentOf(g, g ? summarizeBlock(document_->design(), document_->analysis(), *g) : BlockSummary()));
    placeFrame(frame, members);
}

void BlockLayer::placeFrame(BlockFrameItem* frame, const QStringList& members) const {
    QRectF r;
    for (const QString& id : members)
        if (NodeItem* node = scene_->nodeItem(id)) r = r.united(node->mapRectToScene(NodeItem::cardRect()));
    frame->setFrame(r.adjusted(-kFrameMargin, -4, kFrameMargin, kFrameMargin));
}

void BlockLayer::routeEdge(EdgeItem* edge) const {
    const Edge& e = edge->edge();
    const QString from = collapsedOf_.value(q(e.from)), to = collapsedOf_.value(q(e.to));
    if (from.isEmpty() && to.isEmpty()) return;
    BlockItem* source = cards_.value(from);
    BlockItem* target = cards_.value(to);
    if (from == to || hiddenEdges_.contains(edgeKey(e))) {
        edge->setVisible(false);
        return;
    }
    NodeItem* fromNode = scene_->nodeItem(q(e.from));
    NodeItem* toNode = scene_->nodeItem(q(e.to));
    if ((!source && !fromNode) || (!target && !toNode)) return;
    edge->setVisible(true);
    edge->setEnds(source ? source->outputPortScenePos() : fromNode->outputPortScenePos(),
                  target ? target->inputPortScenePos() : toNode->inputPortScenePos(e.port));
}

void BlockLayer::nodeMoved(NodeItem* node) {
    const QString groupId = frameOf_.value(node->id());
    if (groupId.isEmpty()) return;
    const Group* g = findGroup(document_->design(), groupId.toStdString());
    if (BlockFrameItem* frame = frames_.value(groupId); frame && g) placeFrame(frame, membersOf(*g));
}

QStringList BlockLayer::selectedMembers() const {
    QStringList ids;
    for (const Group& g : document_->design().groups)
        if (BlockItem* card = cards_.value(q(g.id)); card && card->isSelected()) ids << membersOf(g);
    return ids;
}

void BlockLayer::selectCards(const QStringList& nodeIds) {
    for (const Group& g : document_->design().groups) {
        BlockItem* card = cards_.value(q(g.id));
        if (!card) continue;
        const QStringList members = membersOf(g);
        // Any of its layers: a hidden layer (named by the issues list, say) is shown by its card.
        card->setSelected(std::any_of(members.begin(), members.end(),
                                      [&](const QString& id) { return nodeIds.contains(id); }));
    }
}

QRectF BlockLayer::contentRect() const {
    QRectF r;
    for (BlockItem* card : cards_) r = r.united(card->sceneBoundingRect());
    for (BlockFrameItem* frame : frames_) r = r.united(frame->sceneBoundingRect());
    return r;
}

void BlockLayer::requestCollapsed(const QString& groupId, bool collapsed) {
    document_->setGroupCollapsed(groupId, collapsed);
}

std::unique_ptr<QMenu> BlockLayer::cardMenu(const QString& groupId) {
    auto menu = std::make_unique<QMenu>();
    menu->setObjectName("blockMenu");
    QAction* expand = menu->addAction(QObject::tr("Expand Block"));
    QObject::connect(expand, &QAction::triggered, [this, groupId] { requestCollapsed(groupId, false); });
    expand->setEnabled(!document_->isLocked());
    scene_->requestBlockMenu(groupId, menu.get());
    return menu;
}

void BlockLayer::showCardMenu(BlockItem* card, QPoint screenPos) {
    if (!card->isSelected()) {
        scene_->clearSelection();
        card->setSelected(true);
    }
    const QString groupId = card->groupId();  // the card may go while the menu runs
    const std::unique_ptr<QMenu> menu = cardMenu(groupId);
    menu->exec(screenPos);
}

void BlockLayer::cardMoved(BlockItem* card) {
    const Group* g = findGroup(document_->design(), card->groupId().toStdString());
    if (!g) return;
    for (const std::string& id : g->nodes)
        if (NodeItem* node = scene_->nodeItem(q(id))) scene_->nodeMoved(node);
}

void BlockLayer::commitCardMove(BlockItem* card, QPointF delta) {
    const Group* g = findGroup(document_->design(), card->groupId().toStdString());
    const QPointF step = DesignScene::snapToGrid(delta);
    if (!g || step.isNull()) {
        scene_->sync();  // back in place
        return;
    }
    QMap<QString, QPointF> moves;
    for (const std::string& id : g->nodes) moves.insert(q(id), document_->position(q(id)) + step);
    if (!document_->moveNodes(moves)) scene_->sync();
}

}  // namespace strata
