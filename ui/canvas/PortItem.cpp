#include "canvas/PortItem.h"

#include <QCursor>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>

#include "canvas/CanvasStyle.h"
#include "canvas/DesignScene.h"
#include "canvas/NodeItem.h"

namespace strata {

using namespace canvas;

PortItem::PortItem(Kind kind, int port, NodeItem* node)
    : QGraphicsItem(node), kind_(kind), port_(port), node_(node) {
    setAcceptHoverEvents(true);
    setAcceptedMouseButtons(kind == Kind::Output ? Qt::LeftButton : Qt::NoButton);
    setCursor(kind == Kind::Output ? Qt::CrossCursor : Qt::ArrowCursor);
    setZValue(1);
}

void PortItem::setConnected(bool connected) {
    if (connected_ == connected) return;
    connected_ = connected;
    update();
}

void PortItem::setTargeted(bool targeted) {
    if (targeted_ == targeted) return;
    targeted_ = targeted;
    update();
}

QRectF PortItem::boundingRect() const {
    return QRectF(-kPortHitRadius, -kPortHitRadius, 2 * kPortHitRadius, 2 * kPortHitRadius);
}

QPainterPath PortItem::shape() const {
    QPainterPath path;
    path.addEllipse(boundingRect());
    return path;
}

void PortItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
    const bool lit = hovered_ || targeted_;
    const qreal r = lit ? kPortRadius + 1.5 : kPortRadius;
    QColor fill = connected_ ? edgeColor().darker(115) : cardFill();
    QColor border = connected_ ? edgeColor().darker(130) : edgeColor();
    if (lit) {
        fill = connected_ ? selectionColor() : selectionColor().lighter(185);
        border = selectionColor();
    }
    painter->setPen(QPen(border, 1.5));
    painter->setBrush(fill);
    painter->drawEllipse(QPointF(0, 0), r, r);
}

void PortItem::hoverEnterEvent(QGraphicsSceneHoverEvent*) {
    hovered_ = true;
    update();
}

void PortItem::hoverLeaveEvent(QGraphicsSceneHoverEvent*) {
    hovered_ = false;
    update();
}

void PortItem::mousePressEvent(QGraphicsSceneMouseEvent* event) {
    auto* s = qobject_cast<DesignScene*>(scene());
    if (kind_ != Kind::Output || event->button() != Qt::LeftButton || !s) {
        event->ignore();
        return;
    }
    dragging_ = true;
    s->beginConnection(node_, event->scenePos());
    event->accept();
}

void PortItem::mouseMoveEvent(QGraphicsSceneMouseEvent* event) {
    if (auto* s = qobject_cast<DesignScene*>(scene()); s && dragging_) s->updateConnection(event->scenePos());
}

void PortItem::mouseReleaseEvent(QGraphicsSceneMouseEvent* event) {
    if (!dragging_) return;
    dragging_ = false;
    if (auto* s = qobject_cast<DesignScene*>(scene())) s->endConnection(event->scenePos());
}

}  // namespace strata
