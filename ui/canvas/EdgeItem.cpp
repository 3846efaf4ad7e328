#include "canvas/EdgeItem.h"

#include <QFontMetricsF>
#include <QLineF>
#include <QGraphicsScene>
#include <QGraphicsSceneHoverEvent>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>
#include <algorithm>
#include <cmath>

#include "canvas/CanvasStyle.h"
#include "canvas/DesignScene.h"
#include "canvas/EdgeLabelItem.h"
#include "canvas/NodeItem.h"

namespace strata {

using namespace canvas;

namespace {

constexpr qreal kArrow = 6.0;      // arrow head length at the input port
constexpr qreal kLabelPadX = 5.0, kLabelPadY = 2.0;
constexpr qreal kEndGrab = 14.0;    // a press this close above the input port grabs the wire's end
constexpr qreal kClimbStub = 20.0;  // a climbing wire's straight run below its source and above its target
constexpr qreal kCorner = 12.0;     // radius of its corners
constexpr qreal kLaneClearance = 10.0;

}  // namespace

EdgeItem::EdgeItem(const Edge& edge) : edge_(edge), labelItem_(new EdgeLabelItem(this)) {
    setFlags(ItemIsSelectable);
    setAcceptHoverEvents(true);
    setZValue(0);
}

EdgeItem::~EdgeItem() {
    if (labelItem_) {
        labelItem_->detach();
        delete labelItem_;
    }
}

const QFont& EdgeItem::labelFont() {
    static const QFont f = canvasFont(11, /*bold=*/false, /*fixed=*/true);
    return f;
}

QVariant EdgeItem::itemChange(GraphicsItemChange change, const QVariant& value) {
    if (labelItem_) {
        if (change == ItemSceneHasChanged) {
            if (labelItem_->scene()) labelItem_->scene()->removeItem(labelItem_);
            if (scene()) scene()->addItem(labelItem_);
        } else if (change == ItemVisibleHasChanged) {
            labelItem_->setVisible(value.toBool());
        } else if (change == ItemSelectedHasChanged) {
            labelItem_->update();
        }
    }
    return QGraphicsItem::itemChange(change, value);
}

QPainterPath EdgeItem::curve(QPointF from, QPointF to) {
    // Leave the output straight down and enter the input straight down; the further apart
    // (or the more the edge runs upwards), the longer the tangents.
    const qreal dy = to.y() - from.y();
    const qreal pull = dy > 0 ? std::max(30.0, dy * 0.5) : std::max(60.0, -dy * 0.5 + 40.0);
    QPainterPath p(from);
    p.cubicTo(from + QPointF(0, pull), to - QPointF(0, pull), to);
    return p;
}

QPainterPath EdgeItem::climb(QPointF from, QPointF to, qreal laneX) {
    const qreal low = from.y() + kClimbStub, high = to.y() - kClimbStub;
    const qreal out = laneX >= from.x() ? 1 : -1, in = to.x() >= laneX ? 1 : -1;
    const qreal c1 = std::min(kCorner, std::abs(laneX - from.x()) / 2), c2 = std::min(kCorner, std::abs(to.x() - laneX) / 2);
    QPainterPath p(from);
    p.lineTo(from.x(), low - c1);
    p.quadTo(from.x(), low, from.x() + out * c1, low);
    p.lineTo(laneX - out * c1, low);
    p.quadTo(laneX, low, laneX, low - c1);
    p.lineTo(laneX, high + c2);
    p.quadTo(laneX, high, laneX + in * c2, high);
    p.lineTo(to.x() - in * c2, high);
    p.quadTo(to.x(), high, to.x(), high + c2);
    p.lineTo(to);
    return p;
}

qreal EdgeItem::freeLaneX(qreal top, qreal bottom) const {
    QList<QRectF> cards;
    if (scene())
        for (QGraphicsItem* item : scene()->items(QRectF(-1e6, top, 2e6, bottom - top), Qt::IntersectsItemBoundingRect))
            if (item->type() == NodeItem::Type) cards.append(item->mapRectToScene(NodeItem::cardRect()));
    auto free = [&](qreal x) {
        const QRectF lane(x - kLaneClearance, top, 2 * kLaneClearance, bottom - top);
        return std::none_of(cards.begin(), cards.end(), [&](const QRectF& c) { return c.intersects(lane); });
    };
    // From the middle outwards, first between the ends, then beyond them.
    const qreal mid = (from_.x() + to_.x()) / 2;
    for (qreal d = 0; d < 4000; d += kGrid)
        for (qreal x : {mid + d, mid - d})
            if (free(x)) return x;
    return mid;
}

bool EdgeItem::isNearTargetEnd(QPointF scenePos) const {
    return scenePos.y() <= to_.y() + 1 && QLineF(scenePos, to_).length() <= kEndGrab;
}

void EdgeItem::setEnds(QPointF from, QPointF to) {
    if (from == from_ && to == to_ && !path_.isEmpty()) return;
    prepareGeometryChange();
    from_ = from;
    to_ = to;
    rebuild();
}

void EdgeItem::setLabel(const QString& label) {
    if (label == label_) return;
    prepareGeometryChange();
    label_ = label;
    rebuild();
}

void EdgeItem::setSpliceTarget(bool on) {
    if (on == spliceTarget_) return;
    spliceTarget_ = on;
    update();
}

void EdgeItem::rebuild() {
    if (labelItem_) labelItem_->aboutToChange();
    const bool climbs = to_.y() < from_.y() - 2 * kClimbStub;
    path_ = climbs ? climb(from_, to_, freeLaneX(to_.y() - kClimbStub - 1, from_.y() + kClimbStub + 1)) : curve(from_, to_);
    QPainterPathStroker stroker;
    stroker.setWidth(kEdgeHitWidth);
    hitShape_ = stroker.createStroke(path_);
    labelRect_ = QRectF();
    const QFontMetricsF fm(labelFont());
    const QSizeF size(fm.horizontalAdvance(label_) + 2 * kLabelPadX, fm.height() + 2 * kLabelPadY);
    // A tag on a wire too short for it would cover both ports, and one beside a card (a skip
    // wire along a branch, a wire climbing to the next column) would cover the card's text; the
    // source card shows the shape anyway (and the wire's tooltip).
    const bool fits = QLineF(from_, to_).length() >= size.height() + 2 * kPortRadius + 4;
    const QRectF tag(midPoint() - QPointF(size.width() / 2, size.height() / 2), size);
    if (!label_.isEmpty() && fits && !climbs && !coversCard(tag)) {
        labelRect_ = tag;
        hitShape_.addRect(labelRect_);
    }
}

bool EdgeItem::coversCard(const QRectF& sceneRect) const {
    if (!scene()) return false;
    for (QGraphicsItem* item : scene()->items(sceneRect, Qt::IntersectsItemBoundingRect))
        if (item->type() == NodeItem::Type && item->mapRectToScene(NodeItem::cardRect()).intersects(sceneRect))
            return true;
    return false;
}

QPointF EdgeItem::midPoint() const { return path_.pointAtPercent(0.5); }

QRectF EdgeItem::labelRect() const { return labelRect_; }

bool EdgeItem::isNear(QPointF scenePos, qreal tolerance) const {
    if (labelRect_.contains(scenePos)) return true;
    QPainterPathStroker stroker;
    stroker.setWidth(2 * tolerance);
    return stroker.createStroke(path_).contains(scenePos);
}

QRectF EdgeItem::boundingRect() const {
    return path_.controlPointRect().united(labelRect_).adjusted(-kEdgeHitWidth, -kEdgeHitWidth, kEdgeHitWidth,
                                                                kEdgeHitWidth);
}

QPainterPath EdgeItem::shape() const { return hitShape_; }

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
    painter->setRenderHint(QPainter::Antialiasing);
    QColor color = edgeColor();
    qreal width = 1.6;
    if (hovered_) color = edgeColor().darker(130);
    if (isSelected()) color = selectionColor(), width = 2.4;
    QPen pen(color, width, Qt::SolidLine, Qt::RoundCap);
    if (spliceTarget_) pen = QPen(selectionColor(), 3.0, Qt::DashLine, Qt::RoundCap);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(path_);

    // Arrow head just above the input port, pointing along the curve's end tangent.
    const qreal angle = std::atan2(to_.y() - path_.pointAtPercent(0.97).y(), to_.x() - path_.pointAtPercent(0.97).x());
    const QPointF tip = to_ - QPointF(std::cos(angle), std::sin(angle)) * (kPortRadius + 1);
    const QPointF back = tip - QPointF(std::cos(angle), std::sin(angle)) * kArrow;
    const QPointF side = QPointF(-std::sin(angle), std::cos(angle)) * (kArrow * 0.55);
    painter->setPen(Qt::NoPen);
    painter->setBrush(pen.color());
    painter->drawPolygon(QPolygonF{tip, back + side, back - side});
}

void EdgeItem::hoverEnterEvent(QGraphicsSceneHoverEvent*) {
    hovered_ = true;
    update();
}

void EdgeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent*) {
    hovered_ = false;
    unsetCursor();
    update();
}

// Over its grabbable end the wire offers to be picked up.
void EdgeItem::hoverMoveEvent(QGraphicsSceneHoverEvent* event) {
    if (isNearTargetEnd(event->scenePos()))
        setCursor(Qt::OpenHandCursor);
    else
        unsetCursor();
}

void EdgeItem::mousePressEvent(QGraphicsSceneMouseEvent* event) {
    auto* s = qobject_cast<DesignScene*>(scene());
    if (event->button() == Qt::LeftButton && s && isNearTargetEnd(event->scenePos())) {
        draggingEnd_ = true;
        s->beginReroute(edge_, event->scenePos());
        event->accept();
        return;
    }
    QGraphicsItem::mousePressEvent(event);
}

void EdgeItem::mouseMoveEvent(QGraphicsSceneMouseEvent* event) {
    if (auto* s = qobject_cast<DesignScene*>(scene()); s && draggingEnd_) s->updateConnection(event->scenePos());
}

void EdgeItem::mouseReleaseEvent(QGraphicsSceneMouseEvent* event) {
    if (!draggingEnd_) return QGraphicsItem::mouseReleaseEvent(event);
    draggingEnd_ = false;
    // The scene may delete this item while it applies the edit: touch nothing after.
    if (auto* s = qobject_cast<DesignScene*>(scene())) s->endConnection(event->scenePos());
}

}  // namespace strata
