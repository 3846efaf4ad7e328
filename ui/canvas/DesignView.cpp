#include "canvas/DesignView.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QPainter>
#include <QResizeEvent>
#include <QScrollBar>
#include <QWheelEvent>
#include <cmath>

#include "canvas/CanvasMenus.h"
#include "canvas/CanvasStyle.h"
#include "canvas/DesignScene.h"
#include "canvas/Minimap.h"
#include "canvas/EdgeItem.h"
#include "canvas/NodeItem.h"
#include "model/DesignDocument.h"

namespace strata {

using namespace canvas;

namespace {

constexpr double kWheelBase = 1.0015;  // zoom factor per wheel delta unit (one notch: ~1.2×)
constexpr double kButtonZoom = 1.25;
constexpr qreal kFitMargin = 40.0;
constexpr qreal kStartMargin = 12.0;   // fitting a design too large to show whole: margin at its start
constexpr qreal kMaxFitZoom = 1.0;     // fitting never magnifies a small design
constexpr qreal kMinDotSpacing = 9.0;  // device pixels between grid dots before they thin out
const QPointF kPasteOffset(40.0, 40.0);
constexpr qreal kReadableTextPx = 9.0;  // the smallest card text a fit may show
constexpr int kAutoScrollMargin = 40;   // a drag this close to the viewport's edge scrolls
constexpr qreal kAutoScrollMaxStep = 24.0;  // pixels per tick at (or beyond) the edge
constexpr int kAutoScrollTickMs = 30;

// The scroll step for a drag `inside` pixels from an edge (negative: beyond it): faster
// closer to the edge, none beyond the margin.
int scrollStepFor(int inside) {
    if (inside >= kAutoScrollMargin) return 0;
    const qreal depth = std::min(1.0, qreal(kAutoScrollMargin - inside) / kAutoScrollMargin);
    return int(std::ceil(kAutoScrollMaxStep * depth));
}

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
    // The grid of dots is thousands of points at a readable zoom: drawn once per zoom and
    // scroll, not on every repaint after an edit.
    setCacheMode(QGraphicsView::CacheBackground);
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
    autoScroll_.setInterval(kAutoScrollTickMs);
    connect(&autoScroll_, &QTimer::timeout, this, &DesignView::autoScrollStep);
    minimap_ = new Minimap(this);
    // After the scene has synced (it connected first), the overview follows the design.
    connect(document_, &DesignDocument::changed, minimap_, &Minimap::refresh);
    placeMinimap();
}

DesignView::~DesignView() {
    // The children go after this: an edit made meanwhile (a focus-out commit while the window
    // closes) must not reach the minimap once the scene it reads is gone.
    disconnect(document_, nullptr, minimap_, nullptr);
}

qreal DesignView::readableZoom() { return kReadableTextPx / NodeItem::smallestTextPixels(); }

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
    minimap_->refresh();
}

void DesignView::fitToView() {
    QRectF r = scene_->contentRect();
    if (r.isEmpty()) {
        setTransform(QTransform());
        centerOn(0, 0);
        minimap_->refresh();
        return;
    }
    r.adjust(-kFitMargin, -kFitMargin, kFitMargin, kFitMargin);
    const QSizeF area = viewport()->size();
    const qreal fit = std::min(area.width() / r.width(), area.height() / r.height());
    const qreal s = qBound(std::max(kMinZoom, readableZoom()), fit, kMaxFitZoom);
    setTransform(QTransform::fromScale(s, s));
    // Too large to fit readably: its start (top left) in view, with a narrower margin so
    // that a column that nearly fits does, and the rest a scroll away.
    const QSizeF shown = area / s;
    const qreal start = kFitMargin - kStartMargin;
    QPointF centre = r.center();
    if (r.width() > shown.width()) centre.setX(r.left() + start + shown.width() / 2);
    if (r.height() > shown.height()) centre.setY(r.top() + start + shown.height() / 2);
    centerOn(centre);
    minimap_->refresh();
}

void DesignView::autoLayout() {
    document_->autoLayout(QSizeF(viewport()->size()), readableZoom());
    fitToView();
}

void DesignView::duplicateSelection() {
    const QStringList ids = scene_->selectedNodeIds();
    if (ids.isEmpty()) return;
    const QStringList copies = document_->paste(document_->copy(ids), kPasteOffset);
    if (!copies.isEmpty()) scene_->selectNodes(copies);
}

void DesignView::disconnectSelection() {
    const QStringList ids = scene_->selectedNodeIds();
    QList<Edge> edges;
    for (const Edge& e : document_->design().edges)
        if (ids.contains(QString::fromStdString(e.from)) || ids.contains(QString::fromStdString(e.to))) edges.append(e);
    if (!edges.isEmpty()) document_->remove({}, edges);
}

void DesignView::pasteAt(QPointF scenePos) {
    const QString text = QApplication::clipboard()->text();
    Design part;
    try {
        part = parseDesign(text.toStdString(), "<clipboard>");
    } catch (const std::exception&) {
        return;  // not a design: nothing to paste
    }
    if (part.nodes.empty()) return;
    QPointF topLeft(part.nodes.front().x, part.nodes.front().y);
    for (const Node& n : part.nodes) topLeft = QPointF(std::min(topLeft.x(), n.x), std::min(topLeft.y(), n.y));
    const QStringList ids = document_->paste(text, DesignScene::snapToGrid(scenePos) - topLeft);
    if (!ids.isEmpty()) scene_->selectNodes(ids);
}

void DesignView::insertLayer(const QString& type, const Edge& edge) {
    EdgeItem* item = scene_->edgeItem(edge);
    if (!item) return;
    const QPointF pos = DesignScene::snapToGrid(item->midPoint() - NodeItem::cardRect().center());
    const QString id = document_->spliceNode(type, edge, pos);
    if (!id.isEmpty()) scene_->selectNodes({id});
}

void DesignView::deleteEdge(const Edge& edge) { document_->disconnect(edge); }

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
    if (event->button() == Qt::LeftButton) dragPos_ = event->position().toPoint();
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
    if (event->buttons() & Qt::LeftButton) {
        dragPos_ = event->position().toPoint();
        dragModifiers_ = event->modifiers();
        if (!autoScroll_.isActive()) autoScroll_.start();
    }
    QGraphicsView::mouseMoveEvent(event);
}

// While a left-button drag (cards, a connection, a wire's end, a rubber band) stays near the
// edge, scroll towards it, and replay the pointer so what is dragged follows the content.
void DesignView::autoScrollStep() {
    const QRect r = viewport()->rect();
    const int dx = scrollStepFor(r.right() - dragPos_.x()) - scrollStepFor(dragPos_.x() - r.left());
    const int dy = scrollStepFor(r.bottom() - dragPos_.y()) - scrollStepFor(dragPos_.y() - r.top());
    if (dx == 0 && dy == 0) {
        autoScroll_.stop();
        return;
    }
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() + dx);
    verticalScrollBar()->setValue(verticalScrollBar()->value() + dy);
    QMouseEvent move(QEvent::MouseMove, QPointF(dragPos_), QPointF(viewport()->mapToGlobal(dragPos_)), Qt::NoButton,
                     Qt::LeftButton, dragModifiers_);
    QCoreApplication::sendEvent(viewport(), &move);
}

void DesignView::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) autoScroll_.stop();
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
    if (isInteractive()) addNodeCommands(menu.get(), this, id);
    emit nodeMenuRequested(id, menu.get());
    return menu;
}

std::unique_ptr<QMenu> DesignView::edgeMenu(const Edge& edge) {
    auto menu = std::make_unique<QMenu>(this);
    menu->setObjectName("edgeMenu");
    addEdgeCommands(menu.get(), this, edge);
    return menu;
}

std::unique_ptr<QMenu> DesignView::canvasMenu(QPointF scenePos) {
    auto menu = std::make_unique<QMenu>(this);
    menu->setObjectName("canvasMenu");
    addCanvasCommands(menu.get(), this, scenePos);
    return menu;
}

void DesignView::contextMenuEvent(QContextMenuEvent* event) {
    if (!isInteractive()) {
        QGraphicsView::contextMenuEvent(event);
        return;
    }
    // The card under the pointer (also when a port of it was hit), else a wire, else the canvas.
    QGraphicsItem* item = itemAt(event->pos());
    while (item && item->type() != NodeItem::Type && item->type() != EdgeItem::Type) item = item->parentItem();
    std::unique_ptr<QMenu> menu;
    if (item && item->type() == NodeItem::Type) {
        auto* node = static_cast<NodeItem*>(item);
        if (!node->isSelected()) scene_->selectNodes({node->id()});
        menu = nodeMenu(node->id());
    } else if (EdgeItem* edge = item ? static_cast<EdgeItem*>(item) : scene_->edgeNear(mapToScene(event->pos()))) {
        scene_->clearSelection();
        edge->setSelected(true);
        menu = edgeMenu(edge->edge());
    } else {
        menu = canvasMenu(mapToScene(event->pos()));
    }
    if (!menu->isEmpty()) menu->exec(event->globalPos());
    event->accept();
}

void DesignView::scrollContentsBy(int dx, int dy) {
    QGraphicsView::scrollContentsBy(dx, dy);
    minimap_->refresh();
}

void DesignView::resizeEvent(QResizeEvent* event) {
    QGraphicsView::resizeEvent(event);
    placeMinimap();
    minimap_->refresh();
}

void DesignView::placeMinimap() {
    constexpr int margin = 12;
    minimap_->fitTo(size());
    minimap_->move(width() - minimap_->width() - margin, height() - minimap_->height() - margin);
    minimap_->raise();
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
