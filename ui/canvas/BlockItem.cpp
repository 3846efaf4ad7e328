#include "canvas/BlockItem.h"

#include <QFontMetricsF>
#include <algorithm>
#include <QGraphicsSceneContextMenuEvent>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include "canvas/BlockLayer.h"
#include "canvas/CanvasStyle.h"

namespace strata {

using namespace canvas;

namespace {

constexpr qreal kBlockHeight = 96.0;   // a card's header and three lines: layers, in, out
constexpr qreal kStackOffset = 5.0;    // the cards drawn behind: a block holds several layers
constexpr qreal kBlockToggleSize = 18.0;
constexpr qreal kTextLeft = 12.0;
constexpr qreal kHeaderHeight = 24.0;  // an expanded block's frame: the strip above its cards

QColor blockAccent() { return QColor(0x4f, 0x46, 0xe5); }  // indigo: the Merge group's, a block's "wiring"
QColor frameFill() { return QColor(0x4f, 0x46, 0xe5, 12); }
QColor frameBorder() { return QColor(0x4f, 0x46, 0xe5, 110); }

const QFont& nameFont() { static const QFont f = canvasFont(13, /*bold=*/true); return f; }
const QFont& lineFont() { static const QFont f = canvasFont(11); return f; }
const QFont& shapeFont() { static const QFont f = canvasFont(11, false, /*fixed=*/true); return f; }
const QFont& badgeFont() { static const QFont f = canvasFont(12, /*bold=*/true); return f; }
// Zoomed out (below kDetailZoom) cards and frames show their name in big letters, as node cards do.
const QFont& overviewNameFont() { static const QFont f = canvasFont(24, /*bold=*/true); return f; }
const QFont& overviewLineFont() { static const QFont f = canvasFont(18); return f; }

bool overview(const QPainter* painter) {
    return QStyleOptionGraphicsItem::levelOfDetailFromTransform(painter->worldTransform()) < kDetailZoom;
}

// The ▸ / ▾ toggle: a triangle pointing right (collapsed: expand) or down (expanded: collapse).
void paintToggle(QPainter* painter, const QRectF& r, bool pointsDown) {
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(0x4f, 0x46, 0xe5, 28));
    painter->drawRoundedRect(r, 4, 4);
    const QPointF c = r.center();
    const qreal s = r.width() * 0.22;
    QPolygonF tri;
    if (pointsDown) tri << c + QPointF(-s, -s * 0.6) << c + QPointF(s, -s * 0.6) << c + QPointF(0, s * 0.8);
    else tri << c + QPointF(-s * 0.6, -s) << c + QPointF(-s * 0.6, s) << c + QPointF(s * 0.8, 0);
    painter->setBrush(blockAccent());
    painter->drawPolygon(tri);
}

// The ×N pill, right-aligned at `right`; returns its left edge.
qreal paintBadge(QPainter* painter, const QString& text, qreal right, qreal top, const QFont& font) {
    if (text.isEmpty()) return right;
    const QFontMetricsF fm(font);
    const QRectF r(right - fm.horizontalAdvance(text) - 12, top, fm.horizontalAdvance(text) + 12, fm.height() + 2);
    painter->setPen(Qt::NoPen);
    painter->setBrush(blockAccent());
    painter->drawRoundedRect(r, r.height() / 2, r.height() / 2);
    painter->setPen(Qt::white);
    painter->setFont(font);
    painter->drawText(r, Qt::AlignCenter, text);
    return r.left();
}

QString layersText(const BlockContent& c) {
    QString s = c.layers == 1 ? QObject::tr("1 layer") : QObject::tr("%1 layers").arg(c.layers);
    if (!c.parameters.isEmpty()) s += QStringLiteral(" · %1 params").arg(c.parameters);
    return s;
}

}  // namespace

bool BlockContent::operator==(const BlockContent& o) const {
    return name == o.name && input == o.input && output == o.output && parameters == o.parameters &&
           layers == o.layers && repeat == o.repeat && hasIssues == o.hasIssues;
}

// --- The collapsed card ------------------------------------------------------------------

BlockItem::BlockItem(BlockLayer* layer, const QString& groupId) : layer_(layer), groupId_(groupId) {
    setFlags(ItemIsSelectable | ItemIsMovable | ItemSendsGeometryChanges);
    setZValue(1);  // with the cards, above the wires
    setCursor(Qt::ArrowCursor);
}

void BlockItem::setContent(const BlockContent& content) {
    if (content == content_) return;
    content_ = content;
    setToolTip(QObject::tr("Block \"%1\": %2\nin %3\nout %4\nDouble-click or ▸ to expand")
                   .arg(content_.name, layersText(content_), content_.input, content_.output));
    update();
}

QString BlockItem::badgeText() const {
    return content_.repeat > 1 ? QStringLiteral("×%1").arg(content_.repeat) : QString();
}

QRectF BlockItem::cardRect() { return QRectF(0, 0, kCardWidth, kBlockHeight); }

QRectF BlockItem::toggleRect() {
    return QRectF(kCardWidth - kBlockToggleSize - 6, 6, kBlockToggleSize, kBlockToggleSize);
}

QPointF BlockItem::inputPortScenePos() const { return mapToScene(QPointF(kCardWidth / 2, 0)); }
QPointF BlockItem::outputPortScenePos() const { return mapToScene(QPointF(kCardWidth / 2, kBlockHeight)); }

QRectF BlockItem::boundingRect() const {
    const qreal stack = 2 * kStackOffset;
    return cardRect().adjusted(-4, -kPortRadius - 1, stack + 4, stack + kPortRadius + 4);
}

void BlockItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
    painter->setRenderHint(QPainter::Antialiasing);
    const QRectF r = cardRect();
    // The stack behind: two cards for a repeated block, one for any other.
    const int behind = content_.repeat > 1 ? 2 : 1;
    for (int i = behind; i >= 1; --i) {
        painter->setPen(QPen(cardBorder(), 1.0));
        painter->setBrush(QColor(0xee, 0xf0, 0xfb));
        painter->drawRoundedRect(r.translated(i * kStackOffset, i * kStackOffset), kCardRadius, kCardRadius);
    }
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(15, 23, 42, isSelected() ? 40 : 22));
    painter->drawRoundedRect(r.translated(0, 2), kCardRadius, kCardRadius);
    painter->setBrush(cardFill());
    painter->setPen(QPen(content_.hasIssues ? errorColor() : blockAccent(), content_.hasIssues ? 2.0 : 1.4));
    painter->drawRoundedRect(r, kCardRadius, kCardRadius);
    painter->fillRect(QRectF(1, kCardRadius, kAccentWidth - 1, kBlockHeight - 2 * kCardRadius), blockAccent());
    if (isSelected()) {
        painter->setPen(QPen(selectionColor(), 2.0));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(r.adjusted(-3, -3, 3, 3), kCardRadius + 3, kCardRadius + 3);
    }
    // Ports: where the block's wires end.
    painter->setPen(QPen(Qt::white, 1.5));
    painter->setBrush(edgeColor().darker(120));
    painter->drawEllipse(inputPortScenePos() - scenePos(), kPortRadius, kPortRadius);
    painter->drawEllipse(outputPortScenePos() - scenePos(), kPortRadius, kPortRadius);
    if (overview(painter)) paintOverview(painter);
    else paintDetails(painter);
    paintToggle(painter, toggleRect(), /*pointsDown=*/false);
}

void BlockItem::paintDetails(QPainter* painter) const {
    const qreal right = toggleRect().left() - 4;
    const qreal badgeLeft = paintBadge(painter, badgeText(), right, 7, badgeFont());
    const qreal nameWidth = badgeLeft - kTextLeft - 4;
    painter->setFont(nameFont());
    painter->setPen(textColor());
    painter->drawText(QRectF(kTextLeft, 4, nameWidth, 24), Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetricsF(nameFont()).elidedText(content_.name, Qt::ElideRight, nameWidth));
    const qreal width = kCardWidth - kTextLeft - 8;
    painter->setFont(lineFont());
    painter->setPen(mutedTextColor());
    painter->drawText(QRectF(kTextLeft, 30, width, 18), Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetricsF(lineFont()).elidedText(layersText(content_), Qt::ElideRight, width));
    painter->setFont(shapeFont());
    painter->setPen(textColor());
    const QString in = QStringLiteral("in  ") + (content_.input.isEmpty() ? QStringLiteral("?") : content_.input);
    const QString out = QStringLiteral("out ") + (content_.output.isEmpty() ? QStringLiteral("?") : content_.output);
    painter->drawText(QRectF(kTextLeft, 52, width, 18), Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetricsF(shapeFont()).elidedText(in, Qt::ElideRight, width));
    painter->drawText(QRectF(kTextLeft, 71, width, 18), Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetricsF(shapeFont()).elidedText(out, Qt::ElideRight, width));
}

void BlockItem::paintOverview(QPainter* painter) const {
    const qreal width = toggleRect().left() - kTextLeft - 4;
    painter->setFont(overviewNameFont());
    painter->setPen(textColor());
    painter->drawText(QRectF(kTextLeft, 12, width, 34), Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetricsF(overviewNameFont()).elidedText(content_.name, Qt::ElideRight, width));
    const QString line = (content_.repeat > 1 ? badgeText() + QStringLiteral(" · ") : QString()) +
                         (content_.layers == 1 ? QObject::tr("1 layer") : QObject::tr("%1 layers").arg(content_.layers));
    painter->setFont(overviewLineFont());
    painter->setPen(mutedTextColor());
    painter->drawText(QRectF(kTextLeft, 50, kCardWidth - kTextLeft - 8, 30), Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetricsF(overviewLineFont()).elidedText(line, Qt::ElideRight, kCardWidth - kTextLeft - 8));
}

QVariant BlockItem::itemChange(GraphicsItemChange change, const QVariant& value) {
    if (change == ItemPositionHasChanged) layer_->cardMoved(this);
    if (change == ItemSelectedHasChanged) setZValue(value.toBool() ? 2 : 1);
    return QGraphicsItem::itemChange(change, value);
}

void BlockItem::mousePressEvent(QGraphicsSceneMouseEvent* event) {
    togglePressed_ = event->button() == Qt::LeftButton && toggleRect().adjusted(-3, -3, 3, 3).contains(event->pos());
    if (togglePressed_) {
        event->accept();
        return;
    }
    pressPos_ = pos();
    QGraphicsItem::mousePressEvent(event);
}

void BlockItem::mouseReleaseEvent(QGraphicsSceneMouseEvent* event) {
    if (togglePressed_) {
        togglePressed_ = false;
        event->accept();
        if (toggleRect().adjusted(-3, -3, 3, 3).contains(event->pos())) layer_->requestCollapsed(groupId_, false);
        return;
    }
    QGraphicsItem::mouseReleaseEvent(event);
    if (pos() != pressPos_) layer_->commitCardMove(this, pos() - pressPos_);
}

void BlockItem::mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) {
    event->accept();
    layer_->requestCollapsed(groupId_, false);
}

void BlockItem::contextMenuEvent(QGraphicsSceneContextMenuEvent* event) {
    event->accept();
    layer_->showCardMenu(this, event->screenPos());
}

// --- The frame of an expanded block ------------------------------------------------------

BlockFrameItem::BlockFrameItem(BlockLayer* layer, const QString& groupId) : layer_(layer), groupId_(groupId) {
    // Above the wires and their shape tags (0, 0.5), below the cards (1): its name stays
    // readable where a tag would cover it, and clicks inside reach the cards (see shape()).
    setZValue(0.7);
}

void BlockFrameItem::setContent(const BlockContent& content) {
    if (content == content_) return;
    content_ = content;
    setToolTip(QObject::tr("Block \"%1\": %2 — ▾ collapses it").arg(content_.name, layersText(content_)));
    update();
}

void BlockFrameItem::setFrame(const QRectF& sceneRect) {
    const QRectF outer = sceneRect.adjusted(0, -kHeaderHeight, 0, 0);
    if (outer == frame_) return;
    prepareGeometryChange();
    frame_ = outer;
    setPos(outer.topLeft());
}

QRectF BlockFrameItem::headerRect() const { return QRectF(0, 0, frame_.width(), kHeaderHeight); }

// At the header's left: the frame's top may run under the card above the block (layouts leave
// 20 px between rows), and the cards are drawn over the frame.
QRectF BlockFrameItem::toggleSceneRect() const {
    const QRectF h = headerRect();
    return mapRectToScene(QRectF(6, (h.height() - kBlockToggleSize) / 2, kBlockToggleSize, kBlockToggleSize));
}

QRectF BlockFrameItem::boundingRect() const { return QRectF(QPointF(0, 0), frame_.size()).adjusted(-2, -2, 2, 2); }

QPainterPath BlockFrameItem::shape() const {
    // The tab's left part (toggle and name): a wire crossing the rest of the strip stays clickable.
    QPainterPath p;
    const qreal name = QFontMetricsF(nameFont()).horizontalAdvance(content_.name);
    p.addRect(QRectF(0, 0, std::min(frame_.width(), 6 + kBlockToggleSize + 6 + name + 8), kHeaderHeight));
    return p;
}

void BlockFrameItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
    painter->setRenderHint(QPainter::Antialiasing);
    const QRectF r(QPointF(0, 0), frame_.size());
    painter->setPen(QPen(frameBorder(), 1.2, Qt::DashLine));
    painter->setBrush(frameFill());
    painter->drawRoundedRect(r, 12, 12);
    const QRectF toggle = mapRectFromScene(toggleSceneRect());
    const bool big = overview(painter);
    const QFont& font = big ? overviewNameFont() : nameFont();
    const QFontMetricsF fm(font);
    const QRectF nameRect(toggle.right() + 6, big ? -6 : 0, std::min(fm.horizontalAdvance(content_.name) + 2, r.width() - 60),
                          big ? 36 : kHeaderHeight);
    // An opaque tab behind the toggle and the name: nothing under it shows through.
    painter->setPen(QPen(frameBorder(), 1.0));
    painter->setBrush(QColor(0xee, 0xf0, 0xfb));
    const QFont& badge = big ? overviewLineFont() : badgeFont();
    const QString badgeText = content_.repeat > 1 ? QStringLiteral("×%1").arg(content_.repeat) : QString();
    const qreal badgeRight = nameRect.right() + 10 + QFontMetricsF(badge).horizontalAdvance(badgeText) + 12;
    const qreal tabRight = badgeText.isEmpty() ? nameRect.right() + 8 : badgeRight + 6;
    painter->drawRoundedRect(QRectF(2, nameRect.top() + 2, tabRight - 2, nameRect.height() - 2), 6, 6);
    paintToggle(painter, toggle, /*pointsDown=*/true);
    painter->setFont(font);
    painter->setPen(blockAccent().darker(130));
    painter->drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter,
                      fm.elidedText(content_.name, Qt::ElideRight, nameRect.width()));
    paintBadge(painter, badgeText, badgeRight, big ? 0 : 6, badge);
}

void BlockFrameItem::mousePressEvent(QGraphicsSceneMouseEvent* event) {
    event->setAccepted(event->button() == Qt::LeftButton);  // the release comes here then
}

void BlockFrameItem::mouseReleaseEvent(QGraphicsSceneMouseEvent* event) {
    event->accept();
    if (toggleSceneRect().adjusted(-3, -3, 3, 3).contains(event->scenePos())) layer_->requestCollapsed(groupId_, true);
}

}  // namespace strata
