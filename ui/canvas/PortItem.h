#pragma once
// A port of a node card: an input slot on the top edge or the output on the bottom edge.
// Dragging from an output port draws a connection line; releasing it over another node's
// input port (or its card) connects the two (the scene does the work). Ports light up under
// the mouse and while they are the target of a connection drag.
#include <QGraphicsItem>

namespace strata {

class NodeItem;

class PortItem : public QGraphicsItem {
public:
    enum class Kind { Input, Output };
    enum { Type = UserType + 3 };

    // `port` is the input slot index (ignored for the output port).
    PortItem(Kind kind, int port, NodeItem* node);

    int type() const override { return Type; }
    Kind kind() const { return kind_; }
    int port() const { return port_; }
    NodeItem* node() const { return node_; }

    // A port with an edge attached is drawn filled.
    void setConnected(bool connected);
    bool isConnected() const { return connected_; }
    // Highlighted while a connection drag hovers it.
    void setTargeted(bool targeted);

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;

private:
    Kind kind_;
    int port_;
    NodeItem* node_;
    bool connected_ = false;
    bool hovered_ = false;
    bool targeted_ = false;
    bool dragging_ = false;
};

}  // namespace strata
