#include "experiments/NumberLists.h"

#include <QObject>
#include <QRegularExpression>
#include <QStringList>

namespace strata {

bool parseNumberList(const QString& text, const QString& field, std::vector<double>& out, QString* problem) {
    out.clear();
    for (const QString& part : text.split(QRegularExpression("[,;\\s]+"), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = part.toDouble(&ok);
        if (!ok || !(v > 0)) {
            if (problem) *problem = QObject::tr("%1: \"%2\" is not a positive number.").arg(field, part);
            return false;
        }
        out.push_back(v);
    }
    return true;
}

QString numberListText(const nlohmann::json& values) {
    QStringList out;
    for (const nlohmann::json& v : values)
        if (v.is_number()) out << QString::number(v.get<double>(), 'g', 6);
    return out.join(QStringLiteral(", "));
}

}  // namespace strata
