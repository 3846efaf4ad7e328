#include "experiments/ExperimentView.h"

#include <QDir>
#include <QFileInfo>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <exception>
#include <iterator>

#include "insight/Insight.h"
#include "runs/EpochTable.h"
#include "runs/RunReader.h"

namespace strata {

namespace {
// Distinct on white and from each other (Tableau 10), so overlaid curves stay apart.
const QColor kVariantColors[] = {{0x1f, 0x77, 0xb4}, {0xff, 0x7f, 0x0e}, {0x2c, 0xa0, 0x2c}, {0xd6, 0x27, 0x28},
                                 {0x94, 0x67, 0xbd}, {0x8c, 0x56, 0x4b}, {0xe3, 0x77, 0xc2}, {0x7f, 0x7f, 0x7f},
                                 {0xbc, 0xbd, 0x22}, {0x17, 0xbe, 0xcf}};

// One detail value as a short text: numbers without trailing zeros, lists space-separated.
QString detailValue(const nlohmann::json& value) {
    if (value.is_number_integer()) return QString::number(value.get<long long>());
    if (value.is_number()) return QString::number(value.get<double>(), 'g', 4);
    if (value.is_string()) return QString::fromStdString(value.get<std::string>());
    if (value.is_array()) {
        QStringList items;
        for (const nlohmann::json& item : value) items << detailValue(item);
        return items.isEmpty() ? QObject::tr("none") : items.join(' ');
    }
    return QString::fromStdString(value.dump());
}
}  // namespace

QString variantRunPath(const QString& dir, const ExperimentVariant& variant) {
    return QDir(dir).absoluteFilePath(QString::fromStdString(variant.run));
}

void readVariantRun(const QString& dir, VariantView& view) {
    const QString path = variantRunPath(dir, view.record);
    if (view.record.run.empty() || !QFileInfo::exists(path)) return;
    try {
        // Full: the feature snapshot lives beside the checkpoint.
        const ValidRun run = readValidRun(path.toStdString(), {RunParts::Full});
        view.epochs = loadEpochs(run.data);
        FeatureSnapshot snapshot;
        if (readSnapshot(run.data, snapshot)) view.gradients = std::move(snapshot.gradients);
        view.readError.clear();
    } catch (const std::exception& e) {
        view.readError = QString::fromStdString(e.what());
    }
}

ExperimentView loadExperimentView(const QString& dir) {
    ExperimentView out;
    out.dir = QFileInfo(dir).absoluteFilePath();
    try {
        out.experiment = readExperimentFile(experimentFileIn(out.dir.toStdString()));
    } catch (const std::exception& e) {
        out.error = QString::fromStdString(e.what());
        return out;
    }
    for (const ExperimentVariant& v : out.experiment.variants) {
        VariantView view;
        view.record = v;
        readVariantRun(out.dir, view);
        out.variants.push_back(std::move(view));
    }
    return out;
}

double jsonNumber(const nlohmann::json& object, const char* key, double fallback) {
    if (!object.is_object() || !object.contains(key) || !object.at(key).is_number()) return fallback;
    return object.at(key).get<double>();
}

bool jsonFlag(const nlohmann::json& object, const char* key, bool fallback) {
    if (!object.is_object() || !object.contains(key) || !object.at(key).is_boolean()) return fallback;
    return object.at(key).get<bool>();
}

std::string jsonText(const nlohmann::json& object, const char* key) {
    if (!object.is_object() || !object.contains(key) || !object.at(key).is_string()) return std::string();
    return object.at(key).get<std::string>();
}

QString variantDetailsText(const ExperimentVariant& variant) {
    QStringList parts;
    for (auto it = variant.details.begin(); it != variant.details.end(); ++it) {
        const QString key = QString::fromStdString(it.key());
        if (key == QLatin1String("seconds")) continue;  // the time has its own column
        // A switch reads as its name when on ("batchnorm, residual") and is left out when off.
        if (it.value().is_boolean()) {
            if (it.value().get<bool>()) parts << key;
            continue;
        }
        parts << key + ' ' + detailValue(it.value());
    }
    return parts.isEmpty() ? QStringLiteral("\u2014") : parts.join(QStringLiteral(", "));
}


QColor variantColor(int index) { return kVariantColors[size_t(std::max(0, index)) % std::size(kVariantColors)]; }

}  // namespace strata
