#include "canvas/NodeBadgeItem.h"

#include <QPainter>
#include <QPainterPath>

#include "canvas/CanvasStyle.h"

namespace strata {

using namespace canvas;

namespace {
// Amber, the usual colour of a warning that is not an error (errors are red on the card).
QColor warningColor() { return QColor(0xf5, 0x9e, 0x0b); }
}  // namespace

NodeBadgeItem::NodeBadgeItem(QGraphicsItem* card, const QString& text) : QGraphicsItem(card) {
    setToolTip(text);
    // Centred on the card's left edge, half outside it, above the card.
    setPos(-kSize / 2, (kCardHeight - kSize) / 2);
    setZValue(2);
    setAcceptHoverEvents(true);  // for the tooltip
    setAcceptedMouseButtons(Qt::NoButton);
}

QRectF NodeBadgeItem::boundingRect() const { return QRectF(-1, -1, kSize + 2, kSize + 2); }

void NodeBadgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
    painter->setRenderHint(QPainter::Antialiasing);
    QPainterPath triangle;
    triangle.moveTo(kSize / 2, 0);
    triangle.lineTo(kSize, kSize * 0.9);
    triangle.lineTo(0, kSize * 0.9);
    triangle.closeSubpath();
    painter->setPen(QPen(warningColor().darker(130), 1));
    painter->setBrush(warningColor());
    painter->drawPath(triangle);
    painter->setPen(textColor());
    painter->setFont(canvasFont(12, /*bold=*/true));
    painter->drawText(QRectF(0, kSize * 0.2, kSize, kSize * 0.7), Qt::AlignCenter, QStringLiteral("!"));
}

}  // namespace strata
