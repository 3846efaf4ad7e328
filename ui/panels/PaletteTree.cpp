#include "panels/PaletteTree.h"

#include <QDrag>
#include <QMimeData>
#include <QPainter>
#include <QPainterPath>

#include "canvas/LayerMime.h"

namespace strata {

namespace {
// The drag card: big enough to read, small enough not to hide the drop target.
constexpr int kCardHeight = 28;
constexpr int kCardPadding = 12;
}  // namespace

PaletteTree::PaletteTree(QWidget* parent) : QTreeWidget(parent) {
    setHeaderHidden(true);
    setColumnCount(1);
    setRootIsDecorated(true);
    setIndentation(14);
    setUniformRowHeights(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setDragEnabled(true);
    setDragDropMode(QAbstractItemView::DragOnly);
    setDefaultDropAction(Qt::CopyAction);
}

QMimeData* PaletteTree::mimeDataFor(const QString& type) {
    auto* data = new QMimeData;
    data->setData(QString::fromLatin1(kLayerMimeType), type.toUtf8());
    data->setText(type);
    return data;
}

QString PaletteTree::typeOf(const QTreeWidgetItem* item) {
    return item ? item->data(0, Qt::UserRole).toString() : QString();
}

QStringList PaletteTree::mimeTypes() const { return {QString::fromLatin1(kLayerMimeType)}; }

QMimeData* PaletteTree::mimeData(const QList<QTreeWidgetItem*>& items) const {
    for (const QTreeWidgetItem* item : items)
        if (!typeOf(item).isEmpty()) return mimeDataFor(typeOf(item));
    return nullptr;
}

void PaletteTree::startDrag(Qt::DropActions) {
    const QString type = typeOf(currentItem());
    if (type.isEmpty()) return;
    auto* drag = new QDrag(this);
    drag->setMimeData(mimeDataFor(type));

    // A card like the canvas's nodes, so the user sees what is about to land.
    QFont font = this->font();
    font.setBold(true);
    const int width = QFontMetrics(font).horizontalAdvance(type) + 2 * kCardPadding;
    const qreal dpr = devicePixelRatioF();
    QPixmap card(QSize(width, kCardHeight) * dpr);
    card.setDevicePixelRatio(dpr);
    card.fill(Qt::transparent);
    QPainter painter(&card);
    painter.setRenderHint(QPainter::Antialiasing);
    QPainterPath path;
    path.addRoundedRect(QRectF(0.5, 0.5, width - 1, kCardHeight - 1), 6, 6);
    painter.fillPath(path, palette().color(QPalette::Base));
    painter.setPen(QPen(palette().color(QPalette::Highlight), 1.5));
    painter.drawPath(path);
    painter.setFont(font);
    painter.setPen(palette().color(QPalette::Text));
    painter.drawText(QRect(0, 0, width, kCardHeight), Qt::AlignCenter, type);
    painter.end();
    drag->setPixmap(card);
    drag->setHotSpot(QPoint(width / 2, kCardHeight / 2));
    drag->exec(Qt::CopyAction, Qt::CopyAction);
}

}  // namespace strata
