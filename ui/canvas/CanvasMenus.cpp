#include "canvas/CanvasMenus.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QMenu>

#include "canvas/DesignView.h"
#include "design/LayerRegistry.h"

namespace strata {

namespace {

QAction* addCommand(QMenu* menu, const QString& text, const char* name) {
    QAction* action = menu->addAction(text);
    action->setObjectName(QLatin1String(name));
    return action;
}

// Every layer but the design's ends, by palette group: what can go on a wire.
void fillLayerMenu(QMenu* menu, DesignView* view, const Edge& edge) {
    const LayerRegistry& registry = LayerRegistry::instance();
    for (const std::string& group : registry.groups()) {
        QMenu* sub = nullptr;
        for (const LayerSpec* spec : registry.all()) {
            if (spec->group != group || spec->type == "Input" || spec->type == "Output") continue;
            if (!sub) sub = menu->addMenu(QString::fromStdString(group));
            const QString type = QString::fromStdString(spec->type);
            QAction* action = sub->addAction(type);
            action->setObjectName(QStringLiteral("insert:") + type);
            QObject::connect(action, &QAction::triggered, view, [view, type, edge] { view->insertLayer(type, edge); });
        }
    }
}

}  // namespace

void addNodeCommands(QMenu* menu, DesignView* view, const QString& nodeId) {
    const int count = int(view->selectedNodeIds().size());
    const QString what = count > 1 ? QObject::tr("%n Nodes", nullptr, count) : nodeId;
    QObject::connect(addCommand(menu, QObject::tr("Duplicate %1").arg(what), "duplicateNodes"), &QAction::triggered,
                     view, &DesignView::duplicateSelection);
    QObject::connect(addCommand(menu, QObject::tr("Disconnect %1").arg(what), "disconnectNodes"), &QAction::triggered,
                     view, &DesignView::disconnectSelection);
    QObject::connect(addCommand(menu, QObject::tr("Delete %1").arg(what), "deleteNodes"), &QAction::triggered, view,
                     &DesignView::deleteSelection);
    menu->addSeparator();
}

void addEdgeCommands(QMenu* menu, DesignView* view, const Edge& edge) {
    fillLayerMenu(menu->addMenu(QObject::tr("Insert Layer")), view, edge);
    menu->actions().last()->setObjectName(QStringLiteral("insertLayer"));
    QObject::connect(addCommand(menu, QObject::tr("Delete Connection"), "deleteEdge"), &QAction::triggered, view,
                     [view, edge] { view->deleteEdge(edge); });
}

void addCanvasCommands(QMenu* menu, DesignView* view, QPointF scenePos) {
    QAction* paste = addCommand(menu, QObject::tr("Paste Here"), "pasteHere");
    paste->setEnabled(!QApplication::clipboard()->text().isEmpty());
    QObject::connect(paste, &QAction::triggered, view, [view, scenePos] { view->pasteAt(scenePos); });
    QObject::connect(addCommand(menu, QObject::tr("Select All"), "selectAll"), &QAction::triggered, view,
                     &DesignView::selectAll);
    menu->addSeparator();
    QObject::connect(addCommand(menu, QObject::tr("Auto Layout"), "autoLayout"), &QAction::triggered, view,
                     &DesignView::autoLayout);
    QObject::connect(addCommand(menu, QObject::tr("Fit to View"), "fitToView"), &QAction::triggered, view,
                     &DesignView::fitToView);
}

}  // namespace strata
