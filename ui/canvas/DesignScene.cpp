#include "canvas/DesignScene.h"

#include <QGraphicsPathItem>
#include <QGraphicsSceneDragDropEvent>
#include <QFileInfo>
#include <QMimeData>
#include <QPen>
#include <QSet>
#include <QUndoStack>
#include <algorithm>
#include <cmath>
#include <utility>

#include "canvas/BlockLayer.h"
#include "canvas/LayerMime.h"
#include "canvas/CanvasStyle.h"
#include "canvas/EdgeItem.h"
#include "canvas/NodeItem.h"
#include "canvas/NodeSummary.h"
#include "canvas/PortItem.h"
#include "canvas/StaleItems.h"
#include "model/DesignDocument.h"

namespace strata {

using namespace canvas;

namespace {

constexpr qreal kSceneMargin = 2000.0;  // room to pan and zoom around the design
constexpr qreal kSpliceTolerance = 6.0;

// The local image file a drag carries ("" for none): a sample for the live previews.
QString droppedImagePath(const QMimeData* mime) {
    if (!mime->hasUrls() || mime->urls().size() != 1 || !mime->urls().front().isLocalFile()) return QString();
    const QString path = mime->urls().front().toLocalFile();
    static const QStringList kImages{"png", "jpg", "jpeg", "bmp", "tif", "tiff"};
    return kImages.contains(QFileInfo(path).suffix().toLower()) ? path : QString();
}

QString q(const std::string& s) { return QString::fromStdString(s); }

QString edgeKey(const Edge& e) {
    return q(e.from) + QChar(0x1f) + q(e.to) + QChar(0x1f) + QString::number(e.port);
}

// How many input slots a card shows: none for Input, one for single-input layers, and for
// multi-input layers (Add, Concat) one per connected slot plus a free one (at least minInputs).
int inputSlots(const LayerSpec* spec, const QSet<int>& connected) {
    if (!spec) return 1;
    if (spec->maxInputs == 0) return 0;
    if (spec->maxInputs == 1) return 1;
    int highest = -1;
    for (int port : connected) highest = std::max(highest, port);
    int count = std::max(spec->minInputs, highest + 2);
    if (spec->maxInputs > 0) count = std::min(count, spec->maxInputs);
    return count;
}

int firstFreeSlot(const NodeItem* node) {
    for (int i = 0; i < node->inputPortCount(); ++i)
        if (!node->content().connectedInputs.contains(i)) return i;
    return node->inputPortCount() - 1;
}

}  // namespace

DesignScene::DesignScene(DesignDocument* document, QObject* parent)
    : QGraphicsScene(parent), document_(document) {
    setItemIndexMethod(QGraphicsScene::BspTreeIndex);
    blocks_ = std::make_unique<BlockLayer>(this);
    connect(document_, &DesignDocument::changed, this, &DesignScene::sync);
    connect(this, &QGraphicsScene::selectionChanged, this, &DesignScene::emitSelectionIfChanged);
    sync();
}

DesignScene::~DesignScene() {
    // QGraphicsScene's destructor deletes the items and emits selectionChanged() for the
    // selected ones: by then this part of the object is gone, so stop listening first.
    disconnect(this, &QGraphicsScene::selectionChanged, this, nullptr);
    disconnect(document_, nullptr, this, nullptr);
    cancelConnection();
    nodes_.clear();
    edges_.clear();
    edgesOfNode_.clear();
}

// --- Items -------------------------------------------------------------------------------

NodeItem* DesignScene::nodeItem(const QString& id) const { return nodes_.value(id); }

QList<NodeItem*> DesignScene::nodeItems() const {
    QList<NodeItem*> out;
    for (const Node& n : document_->design().nodes)
        if (NodeItem* item = nodes_.value(q(n.id)); item && !out.contains(item)) out.append(item);
    return out;
}

EdgeItem* DesignScene::edgeItem(const Edge& edge) const { return edges_.value(edgeKey(edge)); }

QList<EdgeItem*> DesignScene::edgeItems() const {
    QList<EdgeItem*> out;
    for (const Edge& e : document_->design().edges)
        if (EdgeItem* item = edges_.value(edgeKey(e)); item && !out.contains(item)) out.append(item);
    return out;
}

EdgeItem* DesignScene::edgeNear(QPointF scenePos, qreal tolerance) const {
    const QRectF probe(scenePos - QPointF(tolerance, tolerance), QSizeF(2 * tolerance, 2 * tolerance));
    for (QGraphicsItem* item : items(probe))
        if (item->type() == EdgeItem::Type && item->isVisible()) {
            auto* edge = static_cast<EdgeItem*>(item);
            if (edge->isNear(scenePos, tolerance)) return edge;
        }
    return nullptr;
}

QRectF DesignScene::contentRect() const {
    QRectF r;
    for (NodeItem* n : nodes_)
        if (n->isVisible()) r = r.united(n->sceneBoundingRect());  // a collapsed block's layers are not
    r = r.united(blocks_->contentRect());
    for (EdgeItem* e : edges_)
        if (e->isVisible()) r = r.united(e->sceneBoundingRect());
    return r;
}

// --- Selection ---------------------------------------------------------------------------

QStringList DesignScene::selectedNodeIds() const {
    QStringList ids;
    for (const Node& n : document_->design().nodes) {
        const QString id = q(n.id);
        if (NodeItem* item = nodes_.value(id); item && item->isSelected() && !ids.contains(id)) ids << id;
    }
    for (const QString& id : blocks_->selectedMembers())  // a selected collapsed block stands for its layers
        if (!ids.contains(id)) ids << id;
    return ids;
}

QList<Edge> DesignScene::selectedEdges() const {
    QList<Edge> out;
    for (EdgeItem* e : edgeItems())
        if (e->isSelected()) out.append(e->edge());
    return out;
}

void DesignScene::selectNodes(const QStringList& ids) {
    selecting_ = true;
    clearSelection();
    for (const QString& id : ids)
        if (NodeItem* item = nodes_.value(id)) item->setSelected(true);
    blocks_->selectCards(ids);
    selecting_ = false;
    emitSelectionIfChanged();
}

void DesignScene::emitSelectionIfChanged() {
    if (selecting_ || syncing_) return;
    const QStringList ids = selectedNodeIds();
    if (ids == lastSelection_) return;
    lastSelection_ = ids;
    emit nodeSelectionChanged(ids);
}

QPointF DesignScene::snapToGrid(QPointF p) {
    return QPointF(std::round(p.x() / kGrid) * kGrid, std::round(p.y() / kGrid) * kGrid);
}

// --- Reconciling with the document -------------------------------------------------------

namespace {

// What the cards show besides each node's own fields: the issues naming it and its wiring.
struct NodeFacts {
    QHash<QString, QStringList> issues;
    QHash<QString, QSet<int>> connectedInputs;
    QSet<QString> withOutputEdges;
};

NodeFacts nodeFacts(const Design& design, const DesignAnalysis& analysis) {
    NodeFacts f;
    for (const DesignIssue& issue : analysis.issues)
        if (!issue.node.empty()) f.issues[q(issue.node)] << q(issue.message);
    for (const Edge& e : design.edges) {
        f.connectedInputs[q(e.to)].insert(e.port);
        f.withOutputEdges.insert(q(e.from));
    }
    return f;
}

NodeContent nodeContent(const Node& node, const DesignAnalysis& analysis, const DesignCost& cost,
                        const NodeFacts& facts) {
    const QString id = q(node.id);
    const LayerSpec* spec = LayerRegistry::instance().find(node.type);
    const NodeAnalysis* na = analysis.find(node.id);
    const NodeCost* nc = cost.find(node.id);
    NodeContent c;
    c.type = q(node.type);
    c.group = spec ? q(spec->group) : QString();
    c.description = spec ? q(spec->description) : QString();
    c.params = keyParamsText(node, spec, analysis.classes);
    c.shape = na ? shapeText(na->output) : QString();
    c.parameters = na ? na->parameters : 0;
    c.macs = nc ? nc->macs : 0;
    c.memory = c.shape.isEmpty() || !nc ? QString() : byteSize(nc->outputBytes);
    c.cost = costText(c.parameters, c.macs);
    c.issues = facts.issues.value(id);
    c.blocked = c.issues.isEmpty() && (!na || !na->ok);
    c.connectedInputs = facts.connectedInputs.value(id);
    c.inputPorts = inputSlots(spec, c.connectedInputs);
    c.hasOutput = !spec || spec->hasOutput;
    c.outputConnected = facts.withOutputEdges.contains(id);
    return c;
}

}  // namespace

void DesignScene::sync() {
    // Pointers into items that this pass may delete.
    setConnectionTarget(nullptr);
    setSpliceTarget(nullptr);
    syncing_ = true;
    keepRenamedItem();
    syncNodes();
    blocks_->sync();  // hides the layers of collapsed blocks, which the wires then avoid
    syncEdges();
    syncing_ = false;

    const QRectF content = contentRect().adjusted(-kSceneMargin, -kSceneMargin, kSceneMargin, kSceneMargin);
    if (!sceneRect().contains(content)) setSceneRect(sceneRect().united(content));
    emitSelectionIfChanged();
}

// A rename (one id gone, one new id of the same type) keeps its item, and so its selection:
// the property panel that did the rename still shows the node.
void DesignScene::keepRenamedItem() {
    const Design& design = document_->design();
    QStringList added, gone;
    QSet<QString> ids;
    for (const Node& node : design.nodes) {
        ids.insert(q(node.id));
        if (!nodes_.contains(q(node.id))) added << q(node.id);
    }
    for (auto it = nodes_.cbegin(); it != nodes_.cend(); ++it)
        if (!ids.contains(it.key())) gone << it.key();
    if (added.size() != 1 || gone.size() != 1) return;
    NodeItem* item = nodes_.take(gone.first());
    const Node* node = design.findNode(added.first().toStdString());
    if (node && item->typeName() == q(node->type)) {
        item->setId(added.first());
        nodes_.insert(added.first(), item);
    } else {
        nodes_.insert(gone.first(), item);
    }
}

void DesignScene::syncNodes() {
    const Design& design = document_->design();
    const DesignAnalysis& analysis = document_->analysis();
    const DesignCost& cost = document_->cost();
    const NodeFacts facts = nodeFacts(design, analysis);
    QSet<QString> liveNodes;
    for (const Node& node : design.nodes) {
        const QString id = q(node.id);
        if (liveNodes.contains(id)) continue;  // a duplicate id (an issue of its own): first one wins
        liveNodes.insert(id);
        NodeItem* item = nodes_.value(id);
        if (!item) {
            item = new NodeItem(id);
            addItem(item);
            nodes_.insert(id, item);
        }
        item->setContent(nodeContent(node, analysis, cost, facts));
        item->setTraining(training_.value(id));
        const QPointF pos = document_->position(id);
        if (item->pos() != pos) item->setPos(pos);
    }
    dropStaleItems(nodes_, liveNodes);
    applyCostOverlay();
}

void DesignScene::setCostOverlay(CostOverlay overlay) {
    if (overlay == costOverlay_) return;
    costOverlay_ = overlay;
    applyCostOverlay();
}

void DesignScene::setMeasuredTimes(const QHash<QString, double>& milliseconds) {
    measuredMs_ = milliseconds;
    if (costOverlay_ == CostOverlay::MeasuredTime) applyCostOverlay();
}

void DesignScene::applyCostOverlay() {
    if (costOverlay_ == CostOverlay::MeasuredTime) {
        double total = 0;
        for (double ms : std::as_const(measuredMs_)) total += ms;
        for (NodeItem* item : std::as_const(nodes_))
            item->setCostTint(total > 0 ? measuredMs_.value(item->id()) / total : 0.0);
        return;
    }
    const DesignCost& cost = document_->cost();
    const qint64 total = costOverlay_ == CostOverlay::Macs ? cost.totalMacs : cost.totalParameters;
    for (NodeItem* item : std::as_const(nodes_)) {
        const qint64 own = costOverlay_ == CostOverlay::Macs ? item->content().macs : item->content().parameters;
        item->setCostTint(costOverlay_ == CostOverlay::None ? -1.0 : total > 0 ? double(own) / double(total) : 0.0);
    }
}

void DesignScene::setNodeTraining(const QHash<QString, NodeTraining>& training) {
    training_ = training;
    for (auto it = nodes_.cbegin(); it != nodes_.cend(); ++it) it.value()->setTraining(training_.value(it.key()));
}

void DesignScene::syncEdges() {
    const Design& design = document_->design();
    const DesignAnalysis& analysis = document_->analysis();
    QSet<QString> liveEdges;
    edgesOfNode_.clear();
    for (const Edge& e : design.edges) {
        const QString key = edgeKey(e);
        if (liveEdges.contains(key)) continue;
        liveEdges.insert(key);
        EdgeItem* item = edges_.value(key);
        if (!item) {
            item = new EdgeItem(e);
            addItem(item);
            edges_.insert(key, item);
        }
        edgesOfNode_.insert(q(e.from), item);
        edgesOfNode_.insert(q(e.to), item);
        const NodeAnalysis* source = analysis.find(e.from);
        item->setLabel(source ? shapeText(source->output) : QString());
        QString tip = q(e.from) + QStringLiteral(" \u2192 ") + q(e.to);
        if (e.port > 0) tip += QStringLiteral(" (input %1)").arg(e.port + 1);
        if (!item->label().isEmpty()) tip += '\n' + item->label();
        if (item->toolTip() != tip) item->setToolTip(tip);
        updateEdgeGeometry(item);
    }
    dropStaleItems(edges_, liveEdges);
}

void DesignScene::updateEdgeGeometry(EdgeItem* edge) const {
    NodeItem* from = nodes_.value(q(edge->edge().from));
    NodeItem* to = nodes_.value(q(edge->edge().to));
    edge->setVisible(from && to);
    if (from && to) edge->setEnds(from->outputPortScenePos(), to->inputPortScenePos(edge->edge().port));
    blocks_->routeEdge(edge);  // wires of collapsed blocks end on the block's card
}

// --- Moves -------------------------------------------------------------------------------

void DesignScene::nodeMoved(NodeItem* node) {
    if (syncing_) return;
    for (EdgeItem* edge : edgesOfNode_.values(node->id())) updateEdgeGeometry(edge);
    blocks_->nodeMoved(node);
}

void DesignScene::commitMoves() {
    QMap<QString, QPointF> moves;
    for (NodeItem* node : nodes_) {
        const QPointF current = document_->position(node->id());
        if (node->pos() == current) continue;
        const QPointF snapped = snapToGrid(node->pos());
        if (snapped == current)
            node->setPos(current);  // moved less than half a grid step: back in place
        else
            moves.insert(node->id(), snapped);
    }
    if (!moves.isEmpty() && !document_->moveNodes(moves)) sync();
}

// --- Connecting --------------------------------------------------------------------------

NodeItem* DesignScene::nodeAt(QPointF scenePos) const {
    for (QGraphicsItem* item : items(scenePos)) {
        if (item->type() == NodeItem::Type) return static_cast<NodeItem*>(item);
        if (item->type() == PortItem::Type) return static_cast<PortItem*>(item)->node();
    }
    return nullptr;
}

DesignScene::Target DesignScene::connectionTarget(QPointF scenePos) const {
    for (QGraphicsItem* item : items(scenePos)) {
        if (item == pending_) continue;
        NodeItem* node = nullptr;
        int port = -1;
        if (item->type() == PortItem::Type) {
            auto* p = static_cast<PortItem*>(item);
            node = p->node();
            if (p->kind() == PortItem::Kind::Input) port = p->port();
        } else if (item->type() == NodeItem::Type) {
            node = static_cast<NodeItem*>(item);
        } else {
            continue;
        }
        if (node->id() == pendingFrom_ || node->inputPortCount() == 0) return {};
        // A single-input layer takes slot 0 (replacing its edge); a multi-input one takes the
        // slot under the mouse when free, else its first free slot (-1).
        const LayerSpec* spec = LayerRegistry::instance().find(node->typeName().toStdString());
        const bool multi = spec && spec->maxInputs != 1;
        if (!multi)
            port = 0;
        else if (port >= 0 && node->content().connectedInputs.contains(port))
            port = -1;
        return {node->id(), port};
    }
    return {};
}

void DesignScene::setConnectionTarget(PortItem* port) {
    if (port == targetPort_) return;
    if (targetPort_) targetPort_->setTargeted(false);
    targetPort_ = port;
    if (targetPort_) targetPort_->setTargeted(true);
}

void DesignScene::beginConnection(NodeItem* from, QPointF scenePos) {
    cancelConnection();
    pendingFrom_ = from->id();
    pending_ = new QGraphicsPathItem;
    QPen pen(selectionColor(), 2.0, Qt::DashLine, Qt::RoundCap);
    pending_->setPen(pen);
    pending_->setZValue(3);
    addItem(pending_);
    updateConnection(scenePos);
}

void DesignScene::updateConnection(QPointF scenePos) {
    NodeItem* from = nodes_.value(pendingFrom_);
    if (!pending_ || !from) return;
    const Target target = connectionTarget(scenePos);
    PortItem* port = nullptr;
    if (NodeItem* to = nodes_.value(target.node))
        port = to->inputPort(target.port >= 0 ? target.port : firstFreeSlot(to));
    setConnectionTarget(port);
    pending_->setPath(EdgeItem::curve(from->outputPortScenePos(), port ? port->scenePos() : scenePos));
}

void DesignScene::endConnection(QPointF scenePos) {
    if (!pending_) return;
    const Target target = connectionTarget(scenePos);
    const QString from = pendingFrom_;
    const std::optional<Edge> rerouted = rerouted_;
    cancelConnection();
    if (rerouted) endReroute(*rerouted, target);
    else if (!target.node.isEmpty()) document_->connectNodes(from, target.node, target.port);
}

void DesignScene::beginReroute(const Edge& edge, QPointF scenePos) {
    NodeItem* from = nodes_.value(q(edge.from));
    if (!from || document_->isLocked()) return;
    beginConnection(from, scenePos);
    rerouted_ = edge;
    if (EdgeItem* item = edgeItem(edge)) item->setOpacity(0.3);
}

// Released on an input: the wire goes there (removed and connected in one undo step); on empty
// canvas: it is removed; back on its own input (or on a refused one): nothing changes.
void DesignScene::endReroute(const Edge& edge, const Target& target) {
    const QString to = q(edge.to), from = q(edge.from);
    if (target.node.isEmpty()) {
        document_->disconnect(edge);
        return;
    }
    const bool samePort = target.node == to && (target.port == edge.port || target.port < 0);
    const bool duplicate = std::any_of(document_->design().edges.begin(), document_->design().edges.end(),
                                       [&](const Edge& e) { return q(e.from) == from && q(e.to) == target.node; });
    if (samePort || duplicate) return;
    QUndoStack* undo = document_->undoStack();
    undo->beginMacro(tr("Move connection %1 \u2192 %2").arg(from, target.node));
    const bool moved = document_->disconnect(edge) &&
                       document_->connectNodes(from, target.node, target.node == to ? -1 : target.port);
    undo->endMacro();
    if (!moved) document_->undo();  // nothing half done stays (the step is left to redo)
}

void DesignScene::cancelConnection() {
    if (rerouted_)
        if (EdgeItem* item = edgeItem(*rerouted_)) item->setOpacity(1.0);
    rerouted_.reset();
    setConnectionTarget(nullptr);
    delete pending_;
    pending_ = nullptr;
    pendingFrom_.clear();
}

// --- Drops from the palette --------------------------------------------------------------

void DesignScene::setSpliceTarget(EdgeItem* edge) {
    if (edge == spliceTarget_) return;
    if (spliceTarget_) spliceTarget_->setSpliceTarget(false);
    spliceTarget_ = edge;
    if (spliceTarget_) spliceTarget_->setSpliceTarget(true);
}

void DesignScene::dragEnterEvent(QGraphicsSceneDragDropEvent* event) {
    if (!event->mimeData()->hasFormat(kLayerMimeType) && droppedImagePath(event->mimeData()).isEmpty()) {
        event->ignore();
        return;
    }
    event->setDropAction(Qt::CopyAction);
    event->accept();
}

void DesignScene::dragMoveEvent(QGraphicsSceneDragDropEvent* event) {
    if (!event->mimeData()->hasFormat(kLayerMimeType)) {
        if (droppedImagePath(event->mimeData()).isEmpty()) event->ignore();
        else event->acceptProposedAction();
        return;
    }
    setSpliceTarget(nodeAt(event->scenePos()) ? nullptr : edgeNear(event->scenePos(), kSpliceTolerance));
    event->setDropAction(Qt::CopyAction);
    event->accept();
}

void DesignScene::dragLeaveEvent(QGraphicsSceneDragDropEvent* event) {
    setSpliceTarget(nullptr);
    event->accept();
}

void DesignScene::dropEvent(QGraphicsSceneDragDropEvent* event) {
    setSpliceTarget(nullptr);
    if (!event->mimeData()->hasFormat(kLayerMimeType)) {
        const QString image = droppedImagePath(event->mimeData());
        if (image.isEmpty()) {
            event->ignore();
            return;
        }
        event->acceptProposedAction();
        emit imageDropped(image);
        return;
    }
    const QString type = QString::fromUtf8(event->mimeData()->data(kLayerMimeType)).trimmed();
    // The card is centred on the drop point.
    const QPointF pos = snapToGrid(event->scenePos() - NodeItem::cardRect().center());
    EdgeItem* edge = nodeAt(event->scenePos()) ? nullptr : edgeNear(event->scenePos(), kSpliceTolerance);
    const QString id = edge ? document_->spliceNode(type, Edge(edge->edge()), pos) : document_->addNode(type, pos);
    if (!id.isEmpty()) selectNodes({id});
    event->setDropAction(Qt::CopyAction);
    event->accept();
}

}  // namespace strata
