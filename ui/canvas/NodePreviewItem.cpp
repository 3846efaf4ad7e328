#include "canvas/NodePreviewItem.h"

#include <QPainter>
#include <QPainterPath>
#include <QStringList>

#include "canvas/CanvasStyle.h"

namespace strata {

using namespace canvas;

namespace {
constexpr qreal kTimeHeight = 14.0;
}

NodePreviewItem::NodePreviewItem(QGraphicsItem* card) : QGraphicsItem(card) {
    setAcceptedMouseButtons(Qt::NoButton);  // clicks go to the card and the canvas
    setAcceptHoverEvents(true);             // for the tooltips
    setVisible(false);
}

void NodePreviewItem::setPreview(const QImage& image, const QString& caption) {
    image_ = image;
    caption_ = caption;
    // Feature maps are tiny (28x28): enlarged without smoothing they stay crisp.
    const QSize box{int(kBoxWidth), int(kBoxHeight)};
    const bool enlarge = image.width() <= box.width() && image.height() <= box.height();
    const Qt::TransformationMode mode = enlarge ? Qt::FastTransformation : Qt::SmoothTransformation;
    pixmap_ = image.isNull() ? QPixmap() : QPixmap::fromImage(image.scaled(box, Qt::KeepAspectRatio, mode));
    refresh();
}

void NodePreviewItem::setTimeText(const QString& text, const QString& toolTip) {
    time_ = text;
    timeToolTip_ = toolTip;
    refresh();
}

void NodePreviewItem::refresh() {
    prepareGeometryChange();
    setVisible(!pixmap_.isNull() || !time_.isEmpty());
    // One item, two places: the tooltip says what both are.
    QStringList lines;
    if (!pixmap_.isNull()) lines << caption_;
    if (!time_.isEmpty()) lines << timeToolTip_;
    setToolTip(lines.join('\n'));
    update();
}

QRectF NodePreviewItem::pictureRect() const {
    if (pixmap_.isNull()) return QRectF();
    return QRectF(kCardWidth + kGap, 0, pixmap_.width(), pixmap_.height());
}

QRectF NodePreviewItem::timeRect() const {
    // Up to the wire leaving the card's bottom centre.
    return QRectF(2, kCardHeight + 1, kCardWidth / 2 - 6, kTimeHeight);
}

QRectF NodePreviewItem::boundingRect() const {
    QRectF r;
    if (!pixmap_.isNull()) r = pictureRect().adjusted(-1, -1, 1, 1);
    if (!time_.isEmpty()) r = r.united(timeRect());
    return r;
}

QPainterPath NodePreviewItem::shape() const {
    QPainterPath path;
    if (!pixmap_.isNull()) path.addRect(pictureRect());
    if (!time_.isEmpty()) path.addRect(timeRect());
    return path;
}

void NodePreviewItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
    if (!pixmap_.isNull()) {
        painter->drawPixmap(pictureRect().topLeft(), pixmap_);
        painter->setPen(QPen(cardBorder(), 1));
        painter->drawRect(pictureRect());
    }
    if (!time_.isEmpty()) {
        painter->setPen(mutedTextColor());
        painter->setFont(canvasFont(10));
        painter->drawText(timeRect(), Qt::AlignLeft | Qt::AlignVCenter, time_);
    }
}

}  // namespace strata
