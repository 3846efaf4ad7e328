#pragma once
// The canvas' own context-menu commands, by what was right-clicked: a card (delete,
// duplicate, disconnect; other owners add theirs through DesignView::nodeMenuRequested), a
// wire (delete it, insert a layer on it) or the empty canvas (paste here, select all, auto
// layout, fit to view). Each action has an objectName, so tests can find and trigger it.
#include <QPointF>
#include <QString>

#include "design/Design.h"

class QMenu;

namespace strata {

class DesignView;

void addNodeCommands(QMenu* menu, DesignView* view, const QString& nodeId);
void addEdgeCommands(QMenu* menu, DesignView* view, const Edge& edge);
void addCanvasCommands(QMenu* menu, DesignView* view, QPointF scenePos);

}  // namespace strata
