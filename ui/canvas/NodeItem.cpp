#include "canvas/NodeItem.h"

#include <QFontMetricsF>
#include <QGraphicsSceneMouseEvent>
#include <QLocale>
#include <QPainter>
#include <QtMath>
#include <QStyleOptionGraphicsItem>
#include <algorithm>
#include <cmath>
#include <utility>

#include "canvas/CanvasStyle.h"
#include "canvas/DesignScene.h"
#include "canvas/PortItem.h"

namespace strata {

using namespace canvas;

namespace {

constexpr qreal kTextLeft = kAccentWidth + 9.0;
constexpr qreal kTextRight = 10.0;
constexpr qreal kBadgeRadius = 8.0;
constexpr qreal kSelectionGap = 3.5;
// The snowflake's square in the card's bottom-right corner, and the init pill centred on the
// card's top edge, right-aligned (clear of the single input port in the middle). Zoomed out
// both are drawn larger, to stay readable.
constexpr qreal kToggleSize = 18.0;
constexpr qreal kToggleMargin = 5.0;
constexpr qreal kOverviewToggleSize = 24.0;
constexpr qreal kPillHeight = 15.0;
constexpr qreal kOverviewPillHeight = 22.0;
constexpr qreal kPillRight = 10.0;

const QFont& idFont() { static const QFont f = canvasFont(14, /*bold=*/true); return f; }
const QFont& typeFont() { static const QFont f = canvasFont(11); return f; }
const QFont& paramsFont() { static const QFont f = canvasFont(13); return f; }
const QFont& shapeFont() { static const QFont f = canvasFont(12, /*bold=*/false, /*fixed=*/true); return f; }
const QFont& badgeFont() { static const QFont f = canvasFont(11, /*bold=*/true); return f; }
// Zoomed out (below kDetailZoom) a card shows its id and type only, in big letters.
const QFont& overviewIdFont() { static const QFont f = canvasFont(24, /*bold=*/true); return f; }
const QFont& overviewTypeFont() { static const QFont f = canvasFont(18); return f; }
const QFont& pillFont() { static const QFont f = canvasFont(10, /*bold=*/true); return f; }
const QFont& overviewPillFont() { static const QFont f = canvasFont(15, /*bold=*/true); return f; }

// Transfer colours: copied (green), new (blue), skipped (orange); frozen (ice blue).
QColor initColor(NodeTraining::Init init) {
    switch (init) {
    case NodeTraining::Init::Copied: return QColor(0x16, 0xa3, 0x4a);
    case NodeTraining::Init::New: return QColor(0x25, 0x63, 0xeb);
    case NodeTraining::Init::Skipped: return QColor(0xea, 0x58, 0x0c);
    case NodeTraining::Init::None: break;
    }
    return QColor();
}
QColor frozenColor() { return QColor(0x02, 0x84, 0xc7); }
QColor frozenFill() { return QColor(0xee, 0xf2, 0xf7); }
// A frozen card keeps a hint of its group colour, faded towards grey.
QColor mutedAccent(const QColor& accent) {
    const QColor grey = mutedTextColor().lighter(150);
    return QColor((accent.red() + 3 * grey.red()) / 4, (accent.green() + 3 * grey.green()) / 4,
                  (accent.blue() + 3 * grey.blue()) / 4);
}

// A six-armed snowflake in `r`: three strokes through the centre, a small V at each end.
void drawSnowflake(QPainter* painter, const QRectF& r) {
    const QPointF c = r.center();
    const qreal arm = r.width() * 0.42, twig = arm * 0.38;
    for (int i = 0; i < 6; ++i) {
        const qreal a = qDegreesToRadians(60.0 * i + 90.0);
        const QPointF dir(std::cos(a), -std::sin(a));
        const QPointF tip = c + dir * arm, fork = c + dir * (arm * 0.62);
        painter->drawLine(c, tip);
        for (qreal side : {-1.0, 1.0}) {
            const qreal b = a + side * qDegreesToRadians(45.0);
            painter->drawLine(fork, fork + QPointF(std::cos(b), -std::sin(b)) * twig);
        }
    }
}

// Dark text on light fills, white on dark ones (WCAG relative luminance; at 0.2 both inks give
// about the same contrast).
QColor inkOn(const QColor& fill) {
    auto linear = [](double c) { return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); };
    const double luminance =
        0.2126 * linear(fill.redF()) + 0.7152 * linear(fill.greenF()) + 0.0722 * linear(fill.blueF());
    return luminance < 0.2 ? QColor(Qt::white) : textColor();
}

// Where the body lines start and their pitch: below the header, centred in the rest of the card.
constexpr qreal kHeaderBottom = 23.0;
constexpr qreal kLinePitch = 17.0;
qreal firstLineY(int lines) { return kHeaderBottom + (kCardHeight - 3 - kHeaderBottom - lines * kLinePitch) / 2; }

QPainterPath cardPath() {
    QPainterPath p;
    p.addRoundedRect(NodeItem::cardRect(), kCardRadius, kCardRadius);
    return p;
}

}  // namespace

bool NodeContent::operator==(const NodeContent& o) const {
    return type == o.type && group == o.group && description == o.description && params == o.params &&
           shape == o.shape && memory == o.memory && cost == o.cost && parameters == o.parameters &&
           macs == o.macs && issues == o.issues && blocked == o.blocked &&
           inputPorts == o.inputPorts && connectedInputs == o.connectedInputs && hasOutput == o.hasOutput &&
           outputConnected == o.outputConnected;
}

NodeItem::NodeItem(const QString& id) : id_(id) {
    setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
    setAcceptHoverEvents(true);
    setZValue(1);
    syncPorts();
    setToolTip(buildToolTip());
}

void NodeItem::setId(const QString& id) {
    if (id == id_) return;
    id_ = id;
    setToolTip(buildToolTip());
    update();
}

QRectF NodeItem::cardRect() { return QRectF(0, 0, kCardWidth, kCardHeight); }

int NodeItem::smallestTextPixels() { return typeFont().pixelSize(); }

void NodeItem::setContent(const NodeContent& content) {
    if (content == content_) return;
    prepareGeometryChange();
    content_ = content;
    syncPorts();
    setToolTip(buildToolTip());
    update();
}

void NodeItem::syncPorts() {
    const int want = content_.inputPorts;
    while (inputs_.size() > want) delete inputs_.takeLast();
    while (inputs_.size() < want) inputs_.append(new PortItem(PortItem::Kind::Input, inputs_.size(), this));
    for (int i = 0; i < inputs_.size(); ++i) {
        inputs_[i]->setPos(kCardWidth * (i + 1) / (want + 1), 0);
        inputs_[i]->setConnected(content_.connectedInputs.contains(i));
    }
    if (content_.hasOutput && !output_) output_ = new PortItem(PortItem::Kind::Output, 0, this);
    if (!content_.hasOutput && output_) {
        delete output_;
        output_ = nullptr;
    }
    if (output_) {
        output_->setPos(kCardWidth / 2, kCardHeight);
        output_->setConnected(content_.outputConnected);
    }
}

PortItem* NodeItem::inputPort(int port) const {
    return port >= 0 && port < inputs_.size() ? inputs_[port] : nullptr;
}

QPointF NodeItem::inputPortScenePos(int port) const {
    if (inputs_.isEmpty()) return mapToScene(QPointF(kCardWidth / 2, 0));
    return inputs_[qBound(0, port, int(inputs_.size()) - 1)]->scenePos();
}

QPointF NodeItem::outputPortScenePos() const { return mapToScene(QPointF(kCardWidth / 2, kCardHeight)); }

QRectF NodeItem::boundingRect() const {
    const qreal m = kSelectionGap + 2;
    const qreal top = std::max({m, kBadgeRadius, kOverviewPillHeight / 2 + 1});
    return cardRect().adjusted(-m, -top, std::max(m, kBadgeRadius), m + 2);
}

QPainterPath NodeItem::shape() const { return cardPath(); }

NodeItem::Colors NodeItem::colors(const QColor& accent) const {
    Colors c{cardFill(), textColor(), textColor().lighter(140), mutedTextColor(), accent.darker(115)};
    if (hasError()) {
        c.fill = QColor(0xfe, 0xf2, 0xf2);
        c.type = errorColor();
    } else if (costTint_ >= 0) {
        // Every text in one ink that reads on the tint (group colours and greys would not).
        c.fill = costTintColor(costTint_);
        c.text = c.body = c.type = inkOn(c.fill);
        c.muted = c.text;
        c.muted.setAlphaF(0.8f);
    } else if (training_.frozen) {
        c.fill = frozenFill();
        c.body = mutedTextColor();
    }
    return c;
}

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
    const QRectF r = cardRect();
    const QColor accent = groupColor(content_.group);
    const Colors c = colors(accent);
    const bool error = hasError();
    painter->setRenderHint(QPainter::Antialiasing);

    // Shadow, card, accent bar.
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(15, 23, 42, isSelected() ? 40 : 22));
    painter->drawRoundedRect(r.translated(0, 2), kCardRadius, kCardRadius);
    painter->setBrush(c.fill);
    painter->drawRoundedRect(r, kCardRadius, kCardRadius);
    painter->save();
    painter->setClipPath(cardPath());
    const QColor bar = error ? errorColor() : training_.frozen ? mutedAccent(accent) : accent;
    painter->fillRect(QRectF(0, 0, kAccentWidth, kCardHeight), bar);
    painter->restore();

    // Border: red for errors, dashed for a node waiting on an upstream error.
    QPen border(cardBorder(), 1.0);
    if (hovered_) border.setColor(cardBorder().darker(125));
    if (content_.blocked) border = QPen(mutedTextColor(), 1.0, Qt::DashLine);
    if (error) border = QPen(errorColor(), 2.0);
    painter->setPen(border);
    painter->setBrush(Qt::NoBrush);
    painter->drawRoundedRect(r, kCardRadius, kCardRadius);
    if (isSelected()) {
        painter->setPen(QPen(selectionColor(), 2.0));
        painter->drawRoundedRect(r.adjusted(-kSelectionGap, -kSelectionGap, kSelectionGap, kSelectionGap),
                                 kCardRadius + kSelectionGap, kCardRadius + kSelectionGap);
    }

    const qreal textWidth = kCardWidth - kTextLeft - kTextRight;
    const qreal lod = QStyleOptionGraphicsItem::levelOfDetailFromTransform(painter->worldTransform());
    if (lod < kDetailZoom) {
        const qreal top = (kCardHeight - 64) / 2;  // the two big lines, centred
        painter->setFont(overviewIdFont());
        painter->setPen(c.text);
        painter->drawText(QRectF(kTextLeft, top + 3, textWidth, 32), Qt::AlignLeft | Qt::AlignVCenter,
                          QFontMetricsF(overviewIdFont()).elidedText(id_, Qt::ElideRight, textWidth));
        painter->setFont(overviewTypeFont());
        painter->setPen(c.type);
        const qreal typeWidth = freezeToggleShown() ? textWidth - kOverviewToggleSize - 4 : textWidth;
        painter->drawText(QRectF(kTextLeft, top + 34, typeWidth, 26), Qt::AlignLeft | Qt::AlignVCenter,
                          QFontMetricsF(overviewTypeFont()).elidedText(content_.type, Qt::ElideRight, typeWidth));
    } else {
        paintDetails(painter, c);
    }

    paintTrainingMarks(painter, lod < kDetailZoom);
    if (error) {
        const QPointF corner(kCardWidth, 0);
        painter->setPen(QPen(Qt::white, 1.5));
        painter->setBrush(errorColor());
        painter->drawEllipse(corner, kBadgeRadius, kBadgeRadius);
        painter->setFont(badgeFont());
        const QRectF badge(corner - QPointF(kBadgeRadius, kBadgeRadius), QSizeF(2 * kBadgeRadius, 2 * kBadgeRadius));
        painter->drawText(badge, Qt::AlignCenter, QStringLiteral("!"));
    }
}

void NodeItem::paintDetails(QPainter* painter, const Colors& colors) const {
    const qreal textWidth = kCardWidth - kTextLeft - kTextRight;
    // Header: id on the left, type on the right.
    const QFontMetricsF typeMetrics(typeFont());
    const QString type = typeMetrics.elidedText(content_.type, Qt::ElideRight, textWidth * 0.55);
    const qreal typeWidth = typeMetrics.horizontalAdvance(type);
    painter->setFont(typeFont());
    painter->setPen(colors.type);
    painter->drawText(QRectF(kTextLeft, 5, textWidth, 18), Qt::AlignRight | Qt::AlignVCenter, type);
    painter->setFont(idFont());
    painter->setPen(colors.text);
    const QString id = QFontMetricsF(idFont()).elidedText(id_, Qt::ElideRight, textWidth - typeWidth - 8);
    painter->drawText(QRectF(kTextLeft, 5, textWidth, 18), Qt::AlignLeft | Qt::AlignVCenter, id);

    // Key params; the output shape with its size on the right (or the first reason of an
    // error); the cost. The lines are centred in the space below the header.
    struct Line { QString text; QFont font; QColor color; QString right = {}; };
    QList<Line> lines;
    if (!content_.params.isEmpty()) lines.append({content_.params, paramsFont(), colors.body});
    if (hasError()) {
        lines.append({content_.issues.first(), typeFont(), errorColor()});
    } else if (!content_.shape.isEmpty()) {
        lines.append({content_.shape, shapeFont(), colors.muted, content_.memory});
        if (!content_.cost.isEmpty()) lines.append({content_.cost, typeFont(), colors.body});
    } else if (content_.blocked) {
        QFont italic = typeFont();
        italic.setItalic(true);
        lines.append({QStringLiteral("shape unknown"), italic, colors.muted});
    }
    qreal y = firstLineY(int(lines.size()));
    for (const Line& line : lines) {
        const QRectF box(kTextLeft, y, textWidth, kLinePitch);
        // A line beside the snowflake leaves room for it (not one that merely grazes its
        // square: the shape line above it keeps its whole width).
        const bool beside = box.adjusted(0, 3, 0, -3).intersects(freezeToggleRect());
        const qreal width = freezeToggleShown() && beside ? textWidth - kToggleSize - 2 : textWidth;
        qreal leftWidth = width;
        painter->setPen(line.color);
        if (!line.right.isEmpty()) {
            painter->setFont(typeFont());
            leftWidth -= QFontMetricsF(typeFont()).horizontalAdvance(line.right) + 6;
            painter->drawText(QRectF(kTextLeft, y, width, kLinePitch), Qt::AlignRight | Qt::AlignVCenter, line.right);
        }
        painter->setFont(line.font);
        painter->drawText(QRectF(kTextLeft, y, leftWidth, kLinePitch), Qt::AlignLeft | Qt::AlignVCenter,
                          QFontMetricsF(line.font).elidedText(line.text, Qt::ElideRight, leftWidth));
        y += kLinePitch;
    }
}

QString NodeItem::buildToolTip() const {
    QStringList lines;
    lines << id_ + QStringLiteral(" \u00b7 ") + content_.type;
    if (!content_.issues.isEmpty()) {
        for (const QString& issue : content_.issues) lines << QStringLiteral("Error: ") + issue;
        return lines.join('\n');
    }
    if (!content_.description.isEmpty()) lines << content_.description;
    if (!content_.params.isEmpty()) lines << content_.params;
    if (!content_.shape.isEmpty())
        lines << QStringLiteral("Output ") + content_.shape + QStringLiteral(" (") + content_.memory +
                     QStringLiteral(" per image) \u00b7 ") + QLocale().toString(content_.parameters) +
                     QStringLiteral(" parameters \u00b7 ") + QLocale().toString(content_.macs) +
                     QStringLiteral(" MACs per image");
    else if (content_.blocked)
        lines << QStringLiteral("Output shape unknown: a layer upstream has an error.");
    if (training_.init != NodeTraining::Init::None)
        lines << QStringLiteral("Start from run: ") + initBadgeText() +
                     (training_.initReason.isEmpty() ? QString() : QStringLiteral(" (") + training_.initReason + ')');
    if (training_.frozen) lines << QStringLiteral("Frozen: keeps its weights while training");
    return lines.join('\n');
}

void NodeItem::setCostTint(double share) {
    if (share < 0) share = -1;
    if (share == costTint_) return;
    costTint_ = share;
    update();
}

void NodeItem::setTraining(const NodeTraining& training) {
    if (training == training_) return;
    training_ = training;
    setToolTip(buildToolTip());
    update();
}

QString NodeItem::initBadgeText() const {
    switch (training_.init) {
    case NodeTraining::Init::Copied: return QStringLiteral("copied");
    case NodeTraining::Init::New: return QStringLiteral("new");
    case NodeTraining::Init::Skipped: return QStringLiteral("skipped");
    case NodeTraining::Init::None: break;
    }
    return QString();
}

bool NodeItem::freezeToggleShown() const {
    return training_.freezable && (training_.frozen || hovered_ || isSelected());
}

QRectF NodeItem::freezeToggleRect(bool overview) {
    const qreal size = overview ? kOverviewToggleSize : kToggleSize;
    const qreal margin = overview ? kToggleMargin - 1 : kToggleMargin;
    return QRectF(kCardWidth - size - margin, kCardHeight - size - margin, size, size);
}

// The init pill on the top edge and the snowflake toggle in the bottom-right corner.
void NodeItem::paintTrainingMarks(QPainter* painter, bool overview) const {
    const QString badge = initBadgeText();
    if (!badge.isEmpty()) {
        const QFont& font = overview ? overviewPillFont() : pillFont();
        const qreal height = overview ? kOverviewPillHeight : kPillHeight;
        const qreal width = QFontMetricsF(font).horizontalAdvance(badge) + height * 0.8;
        const QRectF pill(kCardWidth - kPillRight - width, -height / 2, width, height);
        painter->setPen(QPen(Qt::white, 1.5));
        painter->setBrush(initColor(training_.init));
        painter->drawRoundedRect(pill, height / 2, height / 2);
        painter->setFont(font);
        painter->drawText(pill, Qt::AlignCenter, badge);
    }
    if (!freezeToggleShown()) return;
    const QRectF r = freezeToggleRect(overview);
    painter->setPen(Qt::NoPen);
    painter->setBrush(training_.frozen ? QColor(0xe0, 0xf2, 0xfe) : Qt::transparent);
    painter->drawEllipse(r);
    QPen pen(training_.frozen ? frozenColor() : mutedTextColor().lighter(130), overview ? 2.2 : 1.4, Qt::SolidLine,
             Qt::RoundCap);
    painter->setPen(pen);
    drawSnowflake(painter, r);
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant& value) {
    if (change == ItemPositionHasChanged)
        if (auto* s = qobject_cast<DesignScene*>(scene())) s->nodeMoved(this);
    if (change == ItemSelectedHasChanged) setZValue(value.toBool() ? 2 : 1);
    return QGraphicsItem::itemChange(change, value);
}

void NodeItem::hoverEnterEvent(QGraphicsSceneHoverEvent*) {
    hovered_ = true;
    update();
}

void NodeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent*) {
    hovered_ = false;
    update();
}

void NodeItem::mousePressEvent(QGraphicsSceneMouseEvent* event) {
    // The snowflake is a button: a click toggles the freeze and neither drags nor selects. The
    // larger, zoomed-out square holds the other; either zoom hits it.
    const QRectF hit = freezeToggleRect(true).adjusted(-3, -3, 3, 3);
    if (event->button() == Qt::LeftButton && freezeToggleShown() && hit.contains(event->pos())) {
        togglePressed_ = true;
        if (auto* s = qobject_cast<DesignScene*>(scene())) s->requestFreeze(id_, !training_.frozen);
        event->accept();
        return;
    }
    QGraphicsItem::mousePressEvent(event);
}

void NodeItem::mouseReleaseEvent(QGraphicsSceneMouseEvent* event) {
    if (std::exchange(togglePressed_, false)) {
        event->accept();
        return;
    }
    QGraphicsItem::mouseReleaseEvent(event);
    if (event->button() == Qt::LeftButton)
        if (auto* s = qobject_cast<DesignScene*>(scene())) s->commitMoves();
}

}  // namespace strata
