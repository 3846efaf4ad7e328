#pragma once
// The canvas: a QGraphicsView over a DesignScene that mirrors a DesignDocument. Zoom with the
// wheel, pan with the middle button (or space + drag), rubber-band selection, drops from the
// palette, and the editing commands the main window's menus call. Dragging a card, a
// connection, a wire's end or a rubber band near the edge scrolls the view; a minimap in the
// bottom-right corner shows the whole design when it does not fit. Fitting never shrinks the
// cards below readable text (readableZoom()): a design too large for that is shown from its
// start, and the rest is a scroll (or a click on the minimap) away.
#include <QGraphicsView>
#include <QStringList>
#include <QTimer>

#include <memory>

#include "design/Design.h"

class QMenu;

namespace strata {

class DesignDocument;
class DesignScene;
class Minimap;

class DesignView : public QGraphicsView {
    Q_OBJECT
public:
    explicit DesignView(DesignDocument* document, QWidget* parent = nullptr);
    ~DesignView() override;

    DesignScene* designScene() const;
    QStringList selectedNodeIds() const;
    void selectNodes(const QStringList& ids);

    // The context menu of a node's card (a right-click selects the card and shows it): the
    // canvas has no commands of its own there; nodeMenuRequested fills it. Empty menus are not
    // shown. Public so that tests can trigger its actions (a popup cannot be clicked offscreen).
    std::unique_ptr<QMenu> nodeMenu(const QString& id);
    // The context menus of a wire and of the empty canvas at `scenePos` (canvas/CanvasMenus.h).
    std::unique_ptr<QMenu> edgeMenu(const Edge& edge);
    std::unique_ptr<QMenu> canvasMenu(QPointF scenePos);

    // The smallest zoom at which every card's text is at least 9 px high: fitting stops there.
    static qreal readableZoom();
    Minimap* minimap() const { return minimap_; }

public slots:
    void deleteSelection();
    void copySelection();   // to the clipboard, as design JSON
    void paste();           // from the clipboard, offset from the originals
    void selectAll();
    void zoomIn();
    void zoomOut();
    void fitToView();
    // Lays the design out for this view's shape (one undo step) and fits it.
    void autoLayout();
    void duplicateSelection();   // copies of the selected nodes beside them, selected
    void disconnectSelection();  // removes every wire of the selected nodes
    void pasteAt(QPointF scenePos);  // the clipboard's nodes with their top-left corner there
    void insertLayer(const QString& type, const Edge& edge);  // a new layer on the wire
    void deleteEdge(const Edge& edge);

signals:
    void selectionChanged(const QStringList& nodeIds);
    // Add actions for node `id` to `menu` (connect directly: the menu is shown right after).
    void nodeMenuRequested(const QString& id, QMenu* menu);

protected:
    bool event(QEvent* event) override;  // claims the editing shortcuts while focused
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void drawBackground(QPainter* painter, const QRectF& rect) override;
    void scrollContentsBy(int dx, int dy) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void zoomBy(double factor);
    void autoScrollStep();
    void placeMinimap();

    Minimap* minimap_ = nullptr;
    QTimer autoScroll_;  // runs while a left-button drag is near the viewport's edge
    QPoint dragPos_;     // the drag's latest position in the viewport
    Qt::KeyboardModifiers dragModifiers_;

    DesignDocument* document_;
    DesignScene* scene_;
    bool spaceHeld_ = false;
    bool panning_ = false;
    QPoint panLast_;
    int pasteCount_ = 0;  // successive pastes of one copy step further away
};

}  // namespace strata
