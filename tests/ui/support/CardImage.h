#pragma once
// A canvas card drawn alone at 1:1 (scene pixels), for tests that look at its colours.
#include <QImage>
#include <QPainter>

#include "canvas/CanvasStyle.h"
#include "canvas/DesignScene.h"
#include "canvas/NodeItem.h"

namespace strata::test {

inline QImage cardImage(DesignScene* scene, NodeItem* item) {
    QImage image(int(canvas::kCardWidth), int(canvas::kCardHeight), QImage::Format_ARGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    scene->render(&painter, QRectF(image.rect()), item->mapRectToScene(NodeItem::cardRect()));
    return image;
}

}  // namespace strata::test
