#include "canvas/EdgeLabelItem.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include "canvas/CanvasStyle.h"
#include "canvas/EdgeItem.h"

namespace strata {

using namespace canvas;

EdgeLabelItem::EdgeLabelItem(EdgeItem* edge) : edge_(edge) {
    setAcceptedMouseButtons(Qt::NoButton);
    setZValue(0.5);  // wires 0, tags 0.5, cards 1
}

EdgeLabelItem::~EdgeLabelItem() {
    if (edge_) edge_->labelItemDeleted();
}

QRectF EdgeLabelItem::boundingRect() const {
    return edge_ ? edge_->labelRect().adjusted(-1, -1, 1, 1) : QRectF();
}

void EdgeLabelItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
    if (!edge_ || edge_->labelRect().isEmpty()) return;
    // Zoomed far out the tag would be a smudge: the cards tell the structure then.
    if (QStyleOptionGraphicsItem::levelOfDetailFromTransform(painter->worldTransform()) < kDetailZoom) return;
    const bool selected = edge_->isSelected();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(selected ? selectionColor() : cardBorder(), 1.0));
    painter->setBrush(QColor(255, 255, 255, 240));
    painter->drawRoundedRect(edge_->labelRect(), 4, 4);
    painter->setFont(EdgeItem::labelFont());
    painter->setPen(selected ? selectionColor() : mutedTextColor());
    painter->drawText(edge_->labelRect(), Qt::AlignCenter, edge_->label());
}

}  // namespace strata
