#include "canvas/Minimap.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

#include "canvas/BlockItem.h"
#include "canvas/CanvasStyle.h"
#include "canvas/DesignScene.h"
#include "canvas/DesignView.h"
#include "canvas/NodeItem.h"

namespace strata {

using namespace canvas;

namespace {

// At most this large, and a quarter of the view's width: it must not hide what it maps.
constexpr int kMaxWidth = 220, kMinWidth = 120;
constexpr double kAspect = 0.68;  // height / width
constexpr qreal kPadding = 8.0;
constexpr qreal kWorldMargin = 40.0;  // scene units around the design

}  // namespace

Minimap::Minimap(DesignView* view) : QWidget(view), view_(view) {
    setObjectName("minimap");
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("Overview: click or drag to move the view"));
    hide();
}

QRectF Minimap::visibleRect() const { return view_->mapToScene(view_->viewport()->rect()).boundingRect(); }

Minimap::Mapping Minimap::mapping() const {
    Mapping m;
    const QRectF content = view_->designScene()->contentRect();
    // The design alone, so the map holds still while a drag on it pans the view.
    m.world = content.adjusted(-kWorldMargin, -kWorldMargin, kWorldMargin, kWorldMargin);
    const QRectF area = QRectF(rect()).adjusted(kPadding, kPadding, -kPadding, -kPadding);
    m.frame = area;
    if (m.world.isEmpty()) return m;
    const qreal s = std::min(area.width() / m.world.width(), area.height() / m.world.height());
    m.frame = QRectF(0, 0, m.world.width() * s, m.world.height() * s);
    m.frame.moveCenter(area.center());
    return m;
}

QPointF Minimap::Mapping::toScene(QPointF pos) const {
    if (frame.isEmpty()) return world.center();
    return world.topLeft() + (pos - frame.topLeft()) * (world.width() / frame.width());
}

QPointF Minimap::Mapping::fromScene(QPointF scenePos) const {
    if (world.isEmpty()) return frame.center();
    return frame.topLeft() + (scenePos - world.topLeft()) * scale();
}

QPointF Minimap::toScene(QPointF pos) const { return mapping().toScene(pos); }

QPointF Minimap::fromScene(QPointF scenePos) const { return mapping().fromScene(scenePos); }

void Minimap::fitTo(QSize viewSize) {
    const int width = std::clamp(viewSize.width() / 4, kMinWidth, kMaxWidth);
    setFixedSize(width, int(width * kAspect));
}

void Minimap::refresh() {
    const QRectF content = view_->designScene()->contentRect();
    const bool needed = !content.isEmpty() && !visibleRect().contains(content);
    if (needed != isVisible()) setVisible(needed);
    if (needed) update();
}

void Minimap::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(cardBorder(), 1.0));
    p.setBrush(QColor(255, 255, 255, 225));
    p.drawRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
    const Mapping m = mapping();
    if (m.world.isEmpty()) return;
    const qreal s = m.scale();
    p.setPen(Qt::NoPen);
    auto drawCard = [&](const QRectF& card, QColor fill) {
        fill.setAlphaF(0.75f);
        p.setBrush(fill);
        p.drawRect(QRectF(m.fromScene(card.topLeft()), card.size() * s));
    };
    // The cards as the canvas shows them: a collapsed block's layers are hidden behind its card.
    for (QGraphicsItem* item : view_->designScene()->items()) {
        if (!item->isVisible()) continue;
        if (item->type() == NodeItem::Type)
            drawCard(item->mapRectToScene(NodeItem::cardRect()),
                     groupColor(static_cast<NodeItem*>(item)->content().group));
        else if (item->type() == BlockItem::Type)
            drawCard(item->mapRectToScene(BlockItem::cardRect()), selectionColor());
    }
    const QRectF visible = visibleRect();
    const QRectF shown = QRectF(m.fromScene(visible.topLeft()), visible.size() * s) & m.frame;
    QColor tint = selectionColor();
    tint.setAlphaF(0.12f);
    p.setBrush(tint);
    p.setPen(QPen(selectionColor(), 1.5));
    p.drawRect(shown);
}

void Minimap::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return QWidget::mousePressEvent(event);
    view_->centerOn(toScene(event->position()));
    event->accept();
}

void Minimap::mouseMoveEvent(QMouseEvent* event) {
    if (!(event->buttons() & Qt::LeftButton)) return QWidget::mouseMoveEvent(event);
    view_->centerOn(toScene(event->position()));
    event->accept();
}

}  // namespace strata
