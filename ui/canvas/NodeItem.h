#pragma once
// A node of the design drawn as a card: id, layer type, key params, output shape and size, and
// cost (parameters and MACs per image), with a colour accent for its palette group, input
// ports on top and the output port at the bottom. The cost overlay tints the card by the
// node's share of the design's total (setCostTint).
// A node that fails validation gets a red border, a badge and its reasons as the tooltip.
// Cards are movable and selectable; when a drag ends the scene records one move. The training
// settings add marks (NodeTraining): how a chosen source run initializes the node (a pill on
// the card's top edge: copied, new, skipped) and a snowflake toggle for freezing it; a frozen card
// is drawn muted.
#include <QGraphicsItem>
#include <QList>
#include <QSet>
#include <QStringList>

namespace strata {

class PortItem;

// Everything a card shows, computed by the scene from the document.
struct NodeContent {
    QString type;         // "Conv2d"
    QString group;        // palette group, picks the accent colour
    QString description;  // one line from the layer registry, for the tooltip
    QString params;       // "32 · 3×3 · pad 1"
    QString shape;        // "[N, 32, 28, 28]"; "" when unknown
    QString memory;       // the output's size per image: "98 KB"; "" when unknown
    QString cost;         // "9.2k params · 3.6M MACs"; "" for a layer without weights
    qint64 parameters = 0;
    qint64 macs = 0;      // per image
    QStringList issues;   // reasons this node fails validation (its own issues)
    bool blocked = false; // no own issue, but no shape either (an upstream error)
    int inputPorts = 1;   // input slots shown on top
    QSet<int> connectedInputs;
    bool hasOutput = true;
    bool outputConnected = false;

    bool operator==(const NodeContent& o) const;
    bool operator!=(const NodeContent& o) const { return !(*this == o); }
};

// What the training settings say about a node (docs/ARCHITECTURE.md §3, transfer); none of it
// is part of the design. Set by whoever owns those settings, through DesignScene.
struct NodeTraining {
    enum class Init { None, Copied, New, Skipped };
    Init init = Init::None;  // None: no source run chosen (or it cannot be used)
    QString initReason;      // why New or Skipped, for the tooltip
    bool freezable = false;  // has parameters: the snowflake toggle is offered
    bool frozen = false;

    bool operator==(const NodeTraining& o) const {
        return init == o.init && initReason == o.initReason && freezable == o.freezable && frozen == o.frozen;
    }
    bool operator!=(const NodeTraining& o) const { return !(*this == o); }
};

class NodeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 1 };

    explicit NodeItem(const QString& id);

    int type() const override { return Type; }
    const QString& id() const { return id_; }
    // After a rename: the same card under its new id.
    void setId(const QString& id);

    // Updates what the card shows; ports are added or removed to match.
    void setContent(const NodeContent& content);
    const NodeContent& content() const { return content_; }

    QString typeName() const { return content_.type; }
    QString paramsText() const { return content_.params; }
    QString shapeText() const { return content_.shape; }
    QString memoryText() const { return content_.memory; }
    QString costText() const { return content_.cost; }
    bool hasError() const { return !content_.issues.isEmpty(); }
    bool isBlocked() const { return content_.blocked; }

    // The cost overlay: the node's share (0..1) of the design's parameters or MACs tints the
    // card from light to dark orange; negative: no overlay (the card's usual colours).
    void setCostTint(double share);
    double costTint() const { return costTint_; }

    void setTraining(const NodeTraining& training);
    const NodeTraining& training() const { return training_; }
    // The pill's text ("copied", "new", "skipped"; "" for none), for tests and the tooltip.
    QString initBadgeText() const;
    // Whether the snowflake toggle shows now (a freezable card that is frozen, hovered or
    // selected), and where it is drawn in item coordinates (larger when zoomed out).
    bool freezeToggleShown() const;
    static QRectF freezeToggleRect(bool overview = false);

    int inputPortCount() const { return inputs_.size(); }
    bool hasOutputPort() const { return output_ != nullptr; }
    PortItem* inputPort(int port) const;  // nullptr when out of range
    PortItem* outputPort() const { return output_; }
    // Where an edge into input slot `port` ends (clamped to the slots shown).
    QPointF inputPortScenePos(int port) const;
    // Where edges out of this node start.
    QPointF outputPortScenePos() const;

    // The card's rectangle in item coordinates (top-left at the node's position).
    static QRectF cardRect();
    // The pixel size of the smallest text a card shows at the normal (detail) zoom.
    static int smallestTextPixels();

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;

private:
    // The card's colours in its state: error, cost overlay, frozen or plain.
    struct Colors {
        QColor fill, text, body, muted, type;
    };
    Colors colors(const QColor& accent) const;
    void syncPorts();
    void paintDetails(QPainter* painter, const Colors& colors) const;
    void paintTrainingMarks(QPainter* painter, bool overview) const;
    QString buildToolTip() const;

    QString id_;
    NodeContent content_;
    NodeTraining training_;
    QList<PortItem*> inputs_;
    PortItem* output_ = nullptr;
    double costTint_ = -1;
    bool hovered_ = false;
    bool togglePressed_ = false;  // the press went to the snowflake: its release is no click
};

}  // namespace strata
