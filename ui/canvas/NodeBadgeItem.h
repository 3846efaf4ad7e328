#pragma once
// A warning mark on the left edge of a node's card (a child item of its NodeItem) for a
// finding of the stability pre-flight; its tooltip is the finding's line with its suggestion.
#include <QGraphicsItem>
#include <QString>

namespace strata {

class NodeBadgeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 41 };
    static constexpr qreal kSize = 20.0;

    NodeBadgeItem(QGraphicsItem* card, const QString& text);
    int type() const override { return Type; }

    QString text() const { return toolTip(); }
    void setText(const QString& text) { setToolTip(text); }

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;
};

}  // namespace strata
