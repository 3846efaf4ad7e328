#pragma once
// The shape tag of an edge ("[N, 32, 28, 28]"), a pill centred on the edge's middle. It is a
// top-level item stacked above every wire and below the cards, so a wire that crosses another
// edge's tag never strikes through it. It takes no mouse buttons: a click on it reaches the
// edge below (the edge's shape includes the tag), and so does the edge's tooltip.
#include <QGraphicsItem>

namespace strata {

class EdgeItem;

class EdgeLabelItem : public QGraphicsItem {
public:
    enum { Type = UserType + 4 };

    explicit EdgeLabelItem(EdgeItem* edge);
    ~EdgeLabelItem() override;

    int type() const override { return Type; }
    // Called by the edge just before its label or geometry changes.
    void aboutToChange() { prepareGeometryChange(); }
    // The edge went away first (scene teardown deletes items in any order).
    void detach() { edge_ = nullptr; }

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    EdgeItem* edge_;
};

}  // namespace strata
