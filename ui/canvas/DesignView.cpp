#include "canvas/DesignView.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>
#include <cmath>

#include "canvas/CanvasStyle.h"
#include "canvas/DesignScene.h"
#include "canvas/EdgeItem.h"
#include "canvas/NodeItem.h"
#include "model/DesignDocument.h"

namespace strata {

using namespace canvas;

namespace {

constexpr double kWheelBase = 1.0015;  // zoom factor per wheel delta unit (one notch: ~1.2×)
constexpr double kButtonZoom = 1.25;
constexpr qreal kFitMargin = 40.0;
constexpr qreal kMaxFitZoom = 1.0;     // fitting never magnifies a small design
constexpr qreal kMinDotSpacing = 9.0;  // device pixels between grid dots before they thin out
const QPointF kPasteOffset(40.0, 40.0);

bool isDeleteKey(const QKeyEvent* e) {
    return (e->key() == Qt::Key_Delete || e->key() == Qt::Key_Backspace) &&
           (e->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier;
}

bool isEditingShortcut(QKeyEvent* e) {
    return isDeleteKey(e) || e->matches(QKeySequence::Copy) ||
           e->matches(QKeySequence::Paste) || e->matches(QKeySequence::SelectAll);
}

}  // namespace

DesignView::DesignView(DesignDocument* document, QWidget* parent)
    : QGraphicsView(parent), document_(document), scene_(new DesignScene(document, this)) {
    setScene(scene_);
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
    setDragMode(QGraphicsView::RubberBandDrag);
    setRubberBandSelectionMode(Qt::IntersectsItemShape);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFrameShape(QFrame::NoFrame);
    setFocusPolicy(Qt::StrongFocus);
    setAcceptDrops(true);
    connect(scene_, &DesignScene::nodeSelectionChanged, this, &DesignView::selectionChanged);
}

DesignScene* DesignView::designScene() const { return scene_; }

QStringList DesignView::selectedNodeIds() const { return scene_->selectedNodeIds(); }

void DesignView::selectNodes(const QStringList& ids) { scene_->selectNodes(ids); }

// --- Editing commands --------------------------------------------------------------------

void DesignView::deleteSelection() {
    const QStringList ids = scene_->selectedNodeIds();
    QList<Edge> edges;
    for (const Edge& e : scene_->selectedEdges())  // edges of deleted nodes go with them
        if (!ids.contains(QString::fromStdString(e.from)) && !ids.contains(QString::fromStdString(e.to)))
            edges.append(e);
    if (!ids.isEmpty() || !edges.isEmpty()) document_->remove(ids, edges);
}

void DesignView::copySelection() {
    const QStringList ids = scene_->selectedNodeIds();
    if (ids.isEmpty()) return;
    QApplication::clipboard()->setText(document_->copy(ids));
    pasteCount_ = 0;
}

void DesignView::paste() {
    const QString text = QApplication::clipboard()->text();
    if (text.isEmpty()) return;
    const QStringList ids = document_->paste(text, kPasteOffset * (pasteCount_ + 1));
    if (ids.isEmpty()) return;
    ++pasteCount_;
    scene_->selectNodes(ids);
}

void DesignView::selectAll() {
    QStringList ids;
    for (NodeItem* n : scene_->nodeItems()) ids << n->id();
    scene_->selectNodes(ids);
    for (EdgeItem* e : scene_->edgeItems()) e->setSelected(true);
}

void DesignView::zoomIn() { zoomBy(kButtonZoom); }

void DesignView::zoomOut() { zoomBy(1.0 / kButtonZoom); }

void DesignView::zoomBy(double factor) {
    const qreal current = transform().m11();
    const qreal target = qBound(kMinZoom, current * factor, kMaxZoom);
    if (qFuzzyCompare(target, current)) return;
    scale(target / current, target / current);
}

void DesignView::fitToView() {
    QRectF r = scene_->contentRect();
    if (r.isEmpty()) {
        setTransform(QTransform());
        centerOn(0, 0);
        return;
    }
    r.adjust(-kFitMargin, -kFitMargin, kFitMargin, kFitMargin);
    const QSizeF area = viewport()->size();
    const qreal s = qBound(kMinZoom, std::min(area.width() / r.width(), area.height() / r.height()), kMaxFitZoom);
    setTransform(QTransform::fromScale(s, s));
    centerOn(r.center());
}

// --- Events ------------------------------------------------------------------------------

bool DesignView::event(QEvent* event) {
    // Menus may bind the same keys; while the canvas has focus it handles them itself.
    if (event->type() == QEvent::ShortcutOverride && isEditingShortcut(static_cast<QKeyEvent*>(event))) {
        event->accept();
        return true;
    }
    return QGraphicsView::event(event);
}

void DesignView::keyPressEvent(QKeyEvent* event) {
    if (isDeleteKey(event)) {
        deleteSelection();
    } else if (event->matches(QKeySequence::Copy)) {
        copySelection();
    } else if (event->matches(QKeySequence::Paste)) {
        paste();
    } else if (event->matches(QKeySequence::SelectAll)) {
        selectAll();
    } else if (event->matches(QKeySequence::ZoomIn)) {
        zoomIn();
    } else if (event->matches(QKeySequence::ZoomOut)) {
        zoomOut();
    } else if (event->key() == Qt::Key_Escape) {
        scene_->cancelConnection();
        scene_->clearSelection();
    } else if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        spaceHeld_ = true;
        viewport()->setCursor(Qt::OpenHandCursor);
    } else {
        QGraphicsView::keyPressEvent(event);
        return;
    }
    event->accept();
}

void DesignView::keyReleaseEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        spaceHeld_ = false;
        if (!panning_) viewport()->unsetCursor();
        event->accept();
        return;
    }
    QGraphicsView::keyReleaseEvent(event);
}

void DesignView::wheelEvent(QWheelEvent* event) {
    const int delta = event->angleDelta().y();
    if (delta == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    zoomBy(std::pow(kWheelBase, delta));  // the anchor keeps the point under the cursor still
    event->accept();
}

void DesignView::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && spaceHeld_)) {
        panning_ = true;
        panLast_ = event->position().toPoint();
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QGraphicsView::mousePressEvent(event);
}

void DesignView::mouseMoveEvent(QMouseEvent* event) {
    if (panning_) {
        const QPoint pos = event->position().toPoint();
        const QPoint delta = pos - panLast_;
        panLast_ = pos;
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
        event->accept();
        return;
    }
    QGraphicsView::mouseMoveEvent(event);
}

void DesignView::mouseReleaseEvent(QMouseEvent* event) {
    if (panning_ && (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton)) {
        panning_ = false;
        if (spaceHeld_)
            viewport()->setCursor(Qt::OpenHandCursor);
        else
            viewport()->unsetCursor();
        event->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(event);
}

std::unique_ptr<QMenu> DesignView::nodeMenu(const QString& id) {
    auto menu = std::make_unique<QMenu>(this);
    menu->setObjectName("nodeMenu");
    emit nodeMenuRequested(id, menu.get());
    return menu;
}

void DesignView::contextMenuEvent(QContextMenuEvent* event) {
    // The card under the pointer, also when a port of it was hit.
    QGraphicsItem* item = itemAt(event->pos());
    while (item && item->type() != NodeItem::Type) item = item->parentItem();
    auto* node = static_cast<NodeItem*>(item);
    if (!node || !isInteractive()) {
        QGraphicsView::contextMenuEvent(event);
        return;
    }
    if (!node->isSelected()) scene_->selectNodes({node->id()});
    const std::unique_ptr<QMenu> menu = nodeMenu(node->id());
    if (!menu->isEmpty()) menu->exec(event->globalPos());
    event->accept();
}

void DesignView::drawBackground(QPainter* painter, const QRectF& rect) {
    painter->fillRect(rect, backgroundColor());
    // A dot on every grid point; coarser when zoomed out so the dots never crowd.
    const qreal zoom = transform().m11();
    qreal step = kGrid;
    while (step * zoom < kMinDotSpacing) step *= 5;
    const qreal left = std::floor(rect.left() / step) * step;
    const qreal top = std::floor(rect.top() / step) * step;
    QVector<QPointF> dots;
    dots.reserve(int((rect.width() / step + 2) * (rect.height() / step + 2)));
    for (qreal x = left; x <= rect.right(); x += step)
        for (qreal y = top; y <= rect.bottom(); y += step) dots.append(QPointF(x, y));
    QPen pen(gridDotColor(), 2.0, Qt::SolidLine, Qt::RoundCap);
    pen.setCosmetic(true);
    painter->save();
    painter->setPen(pen);
    painter->drawPoints(dots.constData(), int(dots.size()));
    painter->restore();
}

}  // namespace strata
