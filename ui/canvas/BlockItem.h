#pragma once
// A block of the design (design/DesignGroups.h) on the canvas. Collapsed, it is one card in
// place of its layers: its name, a ×N badge for a repeated block, how many layers and
// parameters it holds, and the shapes going in and out, drawn as a small stack of cards; its
// wires attach to its ports, a click on the ▸ toggle (or a double click) expands it, and a
// drag moves all its layers. Expanded, a BlockFrameItem draws a light rounded frame behind
// its layers with the name and a ▾ toggle that collapses it. Both only ask BlockLayer to edit
// the document; what they show comes from it.
#include <QGraphicsItem>
#include <QString>

namespace strata {

class BlockLayer;

// What a block's card and frame show, computed by BlockLayer from the document.
struct BlockContent {
    QString name;         // "Residual 16"
    QString input;        // "[N, 16, 28, 28]"; "" when unknown
    QString output;
    QString parameters;   // "4.7k"
    int layers = 0;
    int repeat = 1;       // the ×N badge (shown when > 1)
    bool hasIssues = false;

    bool operator==(const BlockContent& o) const;
    bool operator!=(const BlockContent& o) const { return !(*this == o); }
};

class BlockItem : public QGraphicsItem {
public:
    enum { Type = UserType + 10 };

    BlockItem(BlockLayer* layer, const QString& groupId);

    int type() const override { return Type; }
    const QString& groupId() const { return groupId_; }
    void setContent(const BlockContent& content);
    const BlockContent& content() const { return content_; }
    // The badge's text ("×3"; "" for a block that is not repeated).
    QString badgeText() const;

    QPointF inputPortScenePos() const;
    QPointF outputPortScenePos() const;
    // In item coordinates: the card, and the ▸ toggle that expands it.
    static QRectF cardRect();
    static QRectF toggleRect();

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) override;
    void contextMenuEvent(QGraphicsSceneContextMenuEvent* event) override;

private:
    void paintDetails(QPainter* painter) const;
    void paintOverview(QPainter* painter) const;

    BlockLayer* layer_;
    QString groupId_;
    BlockContent content_;
    QPointF pressPos_;
    bool togglePressed_ = false;
};

class BlockFrameItem : public QGraphicsItem {
public:
    enum { Type = UserType + 11 };

    BlockFrameItem(BlockLayer* layer, const QString& groupId);

    int type() const override { return Type; }
    const QString& groupId() const { return groupId_; }
    void setContent(const BlockContent& content);
    const BlockContent& content() const { return content_; }
    // The frame around the layers' cards (scene coordinates, the header included).
    void setFrame(const QRectF& sceneRect);
    QRectF frame() const { return frame_; }
    // The ▾ toggle that collapses the block, in scene coordinates.
    QRectF toggleSceneRect() const;

    QRectF boundingRect() const override;
    QPainterPath shape() const override;  // the header only: clicks inside reach the cards
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;

private:
    QRectF headerRect() const;

    BlockLayer* layer_;
    QString groupId_;
    BlockContent content_;
    QRectF frame_;
};

}  // namespace strata
