#pragma once
// An edge of the design: a cubic bezier from the source's output port down to the target's
// input port, with the tensor shape it carries as a small tag centred on its middle (on the
// wire; left out when the wire is too short to hold it between the ports, when it would
// cover a card, and on a climbing wire). Selectable (the
// view deletes selected edges); lit up while a layer dragged from the palette would be
// spliced into it. Its target end (the arrow above the input port) can be dragged to
// another input, or onto empty canvas to remove the wire. A wire that climbs (its target
// above its source, as from the foot of one column of a wrapped layout to the head of the
// next) runs round the cards through a free vertical lane instead of across them.
#include <QGraphicsItem>
#include <QPainterPath>

#include "design/Design.h"

namespace strata {

class EdgeLabelItem;

class EdgeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 2 };

    explicit EdgeItem(const Edge& edge);
    ~EdgeItem() override;

    int type() const override { return Type; }
    const Edge& edge() const { return edge_; }

    // The end points in scene coordinates (output port, input port).
    void setEnds(QPointF from, QPointF to);
    QPointF fromPos() const { return from_; }
    QPointF toPos() const { return to_; }
    // The shape label ("[N, 32, 28, 28]"); "" shows none.
    void setLabel(const QString& label);
    QString label() const { return label_; }
    // Highlight for a pending splice drop.
    void setSpliceTarget(bool on);
    bool isSpliceTarget() const { return spliceTarget_; }

    // True when `scenePos` lies within `tolerance` pixels of the curve, or on its label.
    bool isNear(QPointF scenePos, qreal tolerance) const;
    // The curve's middle, where the label sits and spliced layers go.
    QPointF midPoint() const;
    // Where the label is drawn, centred on midPoint() (empty without a label, or when the
    // wire is too short for it).
    QRectF labelRect() const;

    // The font of the shape tag.
    static const QFont& labelFont();
    // For EdgeLabelItem's destructor.
    void labelItemDeleted() { labelItem_ = nullptr; }

    // The curve for given end points (also used for the line of a connection drag).
    static QPainterPath curve(QPointF from, QPointF to);
    // The path of a climbing wire: down from `from`, up the lane at `laneX`, down into `to`.
    static QPainterPath climb(QPointF from, QPointF to, qreal laneX);
    // Whether a press at `scenePos` grabs the wire's target end (to drag it elsewhere).
    bool isNearTargetEnd(QPointF scenePos) const;

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverMoveEvent(QGraphicsSceneHoverEvent* event) override;
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;

private:
    void rebuild();
    // The x of a vertical lane between the ends that no card blocks over [top, bottom].
    qreal freeLaneX(qreal top, qreal bottom) const;
    bool coversCard(const QRectF& sceneRect) const;

    Edge edge_;
    QPointF from_, to_;
    QString label_;
    QPainterPath path_;
    QPainterPath hitShape_;
    QRectF labelRect_;
    EdgeLabelItem* labelItem_ = nullptr;  // lives in the same scene, stacked above the wires
    bool spliceTarget_ = false;
    bool hovered_ = false;
    bool draggingEnd_ = false;
};

}  // namespace strata
