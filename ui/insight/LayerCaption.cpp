#include "insight/LayerCaption.h"

#include <QObject>

namespace strata {

namespace {
const char* const kSep = " \u00b7 ";  // " · "
}

QString roleName(const std::string& role) {
    if (role == "early" || role == "middle" || role == "deep") return QString::fromStdString(role);
    return QObject::tr("pinned");
}

QString layerCaption(const std::string& role, const std::string& layer, int depth) {
    return roleName(role) + kSep + QString::fromStdString(layer) + kSep + QObject::tr("depth %1").arg(depth);
}

}  // namespace strata
