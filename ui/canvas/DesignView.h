#pragma once
// The canvas: a QGraphicsView over a DesignScene that mirrors a DesignDocument. Zoom with the
// wheel, pan with the middle button (or space + drag), rubber-band selection, drops from the
// palette, and the editing commands the main window's menus call.
#include <QGraphicsView>
#include <QStringList>

#include <memory>

class QMenu;

namespace strata {

class DesignDocument;
class DesignScene;

class DesignView : public QGraphicsView {
    Q_OBJECT
public:
    explicit DesignView(DesignDocument* document, QWidget* parent = nullptr);

    DesignScene* designScene() const;
    QStringList selectedNodeIds() const;
    void selectNodes(const QStringList& ids);

    // The context menu of a node's card (a right-click selects the card and shows it): the
    // canvas has no commands of its own there; nodeMenuRequested fills it. Empty menus are not
    // shown. Public so that tests can trigger its actions (a popup cannot be clicked offscreen).
    std::unique_ptr<QMenu> nodeMenu(const QString& id);

public slots:
    void deleteSelection();
    void copySelection();   // to the clipboard, as design JSON
    void paste();           // from the clipboard, offset from the originals
    void selectAll();
    void zoomIn();
    void zoomOut();
    void fitToView();

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

private:
    void zoomBy(double factor);

    DesignDocument* document_;
    DesignScene* scene_;
    bool spaceHeld_ = false;
    bool panning_ = false;
    QPoint panLast_;
    int pasteCount_ = 0;  // successive pastes of one copy step further away
};

}  // namespace strata
