#pragma once
// The overview in the canvas' bottom-right corner: every card as a small block in its group's
// colour and the part of the design the view shows as a frame. Shown only while the design
// does not fit the view. A click or a drag on it centres the view there.
#include <QWidget>

namespace strata {

class DesignView;

class Minimap : public QWidget {
    Q_OBJECT
public:
    explicit Minimap(DesignView* view);

    // The scene point drawn at `pos` of this widget, and back.
    QPointF toScene(QPointF pos) const;
    QPointF fromScene(QPointF scenePos) const;

    // Sizes itself for a view of `viewSize`.
    void fitTo(QSize viewSize);

public slots:
    // Shows it when some of the design is out of view (hides it otherwise) and repaints.
    void refresh();

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    // What the minimap shows (the design with a margin, in scene coordinates) and where it is
    // drawn (its aspect kept); computed once per paint, as the design's extent takes a pass
    // over every item.
    struct Mapping {
        QRectF world, frame;
        QPointF toScene(QPointF pos) const;
        QPointF fromScene(QPointF scenePos) const;
        qreal scale() const { return world.isEmpty() ? 0.0 : frame.width() / world.width(); }
    };
    Mapping mapping() const;
    QRectF visibleRect() const;  // the view's viewport in scene coordinates

    DesignView* view_;
};

}  // namespace strata
