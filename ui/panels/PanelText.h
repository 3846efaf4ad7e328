#pragma once
// Number and shape texts shared by the panels and the status bar, so "421,642 parameters"
// reads the same everywhere.
#include <QLocale>
#include <QString>

#include "design/LayerRegistry.h"

namespace strata {

// A count with thousands separators in the user's locale ("421,642"); English grouping when
// the locale is C (as in tests and minimal environments), which prints none.
inline QString formatCount(qint64 n) {
    QLocale locale;
    if (locale.language() == QLocale::C) locale = QLocale(QLocale::English, QLocale::UnitedStates);
    return locale.toString(n);
}

// "[N, 32, 28, 28]", or "unknown" for an empty (not inferred) shape.
inline QString formatShape(const Shape& shape) {
    return shape.empty() ? QObject::tr("unknown") : QString::fromStdString(shapeToString(shape));
}

}  // namespace strata
