#include "canvas/EdgeItem.h"

#include <QFontMetricsF>
#include <QLineF>
#include <QGraphicsScene>
#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>
#include <cmath>

#include "canvas/CanvasStyle.h"
#include "canvas/EdgeLabelItem.h"

namespace strata {

using namespace canvas;

namespace {

constexpr qreal kArrow = 6.0;      // arrow head length at the input port
constexpr qreal kLabelPadX = 5.0, kLabelPadY = 2.0;

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
    path_ = curve(from_, to_);
    QPainterPathStroker stroker;
    stroker.setWidth(kEdgeHitWidth);
    hitShape_ = stroker.createStroke(path_);
    labelRect_ = QRectF();
    const QFontMetricsF fm(labelFont());
    const QSizeF size(fm.horizontalAdvance(label_) + 2 * kLabelPadX, fm.height() + 2 * kLabelPadY);
    // A tag on a wire too short for it would cover both ports; the source card shows the
    // shape anyway (and the wire's tooltip).
    const bool fits = QLineF(from_, to_).length() >= size.height() + 2 * kPortRadius + 4;
    if (!label_.isEmpty() && fits) {
        labelRect_ = QRectF(midPoint() - QPointF(size.width() / 2, size.height() / 2), size);
        hitShape_.addRect(labelRect_);
    }
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
    update();
}

}  // namespace strata
