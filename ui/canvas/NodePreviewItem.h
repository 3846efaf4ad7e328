#pragma once
// With a node's card (a child item of its NodeItem, so it moves and goes with the card): the
// node's output for the sample image beside the card, as the live preview computed it (a grid
// of feature maps or a strip of bars), and under the card's left half the node's measured
// forward + backward milliseconds once "Measure speed" ran (left of the wire to the next
// card). Either may be absent; with neither the item is hidden.
#include <QGraphicsItem>
#include <QImage>
#include <QPixmap>
#include <QString>

namespace strata {

class NodePreviewItem : public QGraphicsItem {
public:
    enum { Type = UserType + 40 };
    // The box right of the card the picture is scaled into: it fits between the columns of an
    // auto-laid-out design.
    static constexpr qreal kBoxWidth = 64.0;
    static constexpr qreal kBoxHeight = 64.0;
    static constexpr qreal kGap = 8.0;

    explicit NodePreviewItem(QGraphicsItem* card);
    int type() const override { return Type; }

    // A null image removes the picture.
    void setPreview(const QImage& image, const QString& caption);
    QImage preview() const { return image_; }
    // "0.42 + 0.80 ms" (forward + backward), with its tooltip; "" removes the line.
    void setTimeText(const QString& text, const QString& toolTip = QString());
    QString timeText() const { return time_; }

    QRectF boundingRect() const override;
    QPainterPath shape() const override;  // the picture and the time line, not the space between
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QRectF pictureRect() const;
    QRectF timeRect() const;
    void refresh();

    QImage image_;
    QPixmap pixmap_;  // image_ scaled once into the box, not on every paint
    QString time_, timeToolTip_, caption_;
};

}  // namespace strata
