#pragma once
// The toolbar's icons, drawn as thin line art at any device pixel ratio, so the studio looks
// the same on every desktop, whatever icon theme (or none: offscreen screenshots) it has.
#include <QColor>
#include <QIcon>
#include <QString>

namespace strata {

// Names: "new", "open", "save", "undo", "redo", "delete", "layout", "zoom-in", "zoom-out",
// "fit", "search". An unknown name gives a null icon.
QIcon toolIcon(const QString& name, const QColor& color = QColor(0x37, 0x41, 0x51));

}  // namespace strata
