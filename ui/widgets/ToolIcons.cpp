#include "widgets/ToolIcons.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <functional>

namespace strata {

namespace {
constexpr int kSize = 18;        // logical pixels; drawn on a 0..18 grid
constexpr qreal kScale = 3.0;    // rendered at 3x so it stays crisp on high-DPI screens
constexpr qreal kPen = 1.5;

using Draw = std::function<void(QPainter&)>;

void magnifier(QPainter& p) {
    p.drawEllipse(QPointF(7.5, 7.5), 5, 5);
    p.drawLine(QPointF(11.2, 11.2), QPointF(15.5, 15.5));
}

void curvedArrow(QPainter& p, bool mirrored) {
    if (mirrored) {
        p.translate(kSize, 0);
        p.scale(-1, 1);
    }
    QPainterPath path;
    path.moveTo(4, 7);
    path.lineTo(11, 7);
    path.cubicTo(17, 7, 17, 15, 11, 15);
    path.lineTo(7, 15);
    p.drawPath(path);
    QPainterPath head;
    head.moveTo(7, 3.5);
    head.lineTo(3.5, 7);
    head.lineTo(7, 10.5);
    p.drawPath(head);
}

Draw drawing(const QString& name) {
    if (name == "new")
        return [](QPainter& p) {
            QPainterPath page;
            page.moveTo(4, 2);
            page.lineTo(10.5, 2);
            page.lineTo(14, 5.5);
            page.lineTo(14, 16);
            page.lineTo(4, 16);
            page.closeSubpath();
            p.drawPath(page);
            p.drawLine(QPointF(10.5, 2), QPointF(10.5, 5.5));
            p.drawLine(QPointF(10.5, 5.5), QPointF(14, 5.5));
            p.drawLine(QPointF(9, 8.5), QPointF(9, 13.5));
            p.drawLine(QPointF(6.5, 11), QPointF(11.5, 11));
        };
    if (name == "open")
        return [](QPainter& p) {
            QPainterPath folder;
            folder.moveTo(2, 14.5);
            folder.lineTo(2, 3.5);
            folder.lineTo(6.5, 3.5);
            folder.lineTo(8, 5.5);
            folder.lineTo(14, 5.5);
            folder.lineTo(14, 8);
            p.drawPath(folder);
            QPainterPath front;
            front.moveTo(2, 14.5);
            front.lineTo(4.5, 8);
            front.lineTo(16.5, 8);
            front.lineTo(14, 14.5);
            front.closeSubpath();
            p.drawPath(front);
        };
    if (name == "save")
        return [](QPainter& p) {
            QPainterPath disk;
            disk.moveTo(3, 3);
            disk.lineTo(12.5, 3);
            disk.lineTo(15, 5.5);
            disk.lineTo(15, 15);
            disk.lineTo(3, 15);
            disk.closeSubpath();
            p.drawPath(disk);
            p.drawRect(QRectF(6, 3, 5.5, 3.5));
            p.drawRect(QRectF(5.5, 10, 7, 5));
        };
    if (name == "undo") return [](QPainter& p) { curvedArrow(p, false); };
    if (name == "redo") return [](QPainter& p) { curvedArrow(p, true); };
    if (name == "delete")
        return [](QPainter& p) {
            p.drawLine(QPointF(2.5, 4.5), QPointF(15.5, 4.5));
            p.drawPolyline(QPolygonF({QPointF(7, 4.5), QPointF(7, 2.5), QPointF(11, 2.5), QPointF(11, 4.5)}));
            QPainterPath can;
            can.moveTo(4, 4.5);
            can.lineTo(5, 15.5);
            can.lineTo(13, 15.5);
            can.lineTo(14, 4.5);
            p.drawPath(can);
            p.drawLine(QPointF(7.5, 7.5), QPointF(7.7, 12.5));
            p.drawLine(QPointF(10.5, 7.5), QPointF(10.3, 12.5));
        };
    if (name == "layout")
        return [](QPainter& p) {
            for (qreal y : {1.5, 7.0, 12.5}) p.drawRoundedRect(QRectF(4, y, 10, 4), 1.2, 1.2);
            p.drawLine(QPointF(9, 5.5), QPointF(9, 7));
            p.drawLine(QPointF(9, 11), QPointF(9, 12.5));
        };
    if (name == "search") return [](QPainter& p) { magnifier(p); };
    if (name == "zoom-in")
        return [](QPainter& p) {
            magnifier(p);
            p.drawLine(QPointF(5, 7.5), QPointF(10, 7.5));
            p.drawLine(QPointF(7.5, 5), QPointF(7.5, 10));
        };
    if (name == "zoom-out")
        return [](QPainter& p) {
            magnifier(p);
            p.drawLine(QPointF(5, 7.5), QPointF(10, 7.5));
        };
    if (name == "fit")
        return [](QPainter& p) {
            const qreal a = 2.5, b = 15.5, l = 4.5;
            p.drawPolyline(QPolygonF({QPointF(a, a + l), QPointF(a, a), QPointF(a + l, a)}));
            p.drawPolyline(QPolygonF({QPointF(b - l, a), QPointF(b, a), QPointF(b, a + l)}));
            p.drawPolyline(QPolygonF({QPointF(b, b - l), QPointF(b, b), QPointF(b - l, b)}));
            p.drawPolyline(QPolygonF({QPointF(a + l, b), QPointF(a, b), QPointF(a, b - l)}));
            p.drawRoundedRect(QRectF(6.5, 6.5, 5, 5), 1, 1);
        };
    return {};
}

QPixmap render(const Draw& draw, const QColor& color) {
    QPixmap pixmap(int(kSize * kScale), int(kSize * kScale));
    pixmap.setDevicePixelRatio(kScale);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(color, kPen, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.setBrush(Qt::NoBrush);
    draw(painter);
    return pixmap;
}
}  // namespace

QIcon toolIcon(const QString& name, const QColor& color) {
    const Draw draw = drawing(name);
    if (!draw) return {};
    QIcon icon;
    icon.addPixmap(render(draw, color), QIcon::Normal);
    QColor faded = color;
    faded.setAlphaF(0.35);
    icon.addPixmap(render(draw, faded), QIcon::Disabled);
    return icon;
}

}  // namespace strata
