// Key params of a node card. Each layer family shows what a reader scans for first; other
// layers list the params the file sets explicitly.
#include "canvas/NodeSummary.h"

#include <QStringList>
#include <cmath>
#include <initializer_list>

namespace strata::canvas {
namespace {

const QString kDot = QStringLiteral(" \u00b7 ");    // " · "
const QString kTimes = QStringLiteral("\u00d7");    // "×"

// The param's value as written in the node, else the registry default (null when neither).
nlohmann::json value(const Node& node, const LayerSpec* spec, const char* name) {
    if (node.params.is_object() && node.params.contains(name)) return node.params.at(name);
    if (spec)
        if (const ParamSpec* p = spec->findParam(name)) return p->defaultValue;
    return nullptr;
}

QString text(const nlohmann::json& v) {
    if (v.is_string()) return QString::fromStdString(v.get<std::string>());
    if (v.is_boolean()) return v.get<bool>() ? QStringLiteral("yes") : QStringLiteral("no");
    if (v.is_number_integer()) return QString::number(v.get<int64_t>());
    if (v.is_number()) return QString::number(v.get<double>(), 'g', 4);
    if (v.is_null()) return QStringLiteral("?");
    return QString::fromStdString(v.dump());
}

bool isZero(const nlohmann::json& v) { return v.is_number() && v.get<double>() == 0.0; }
bool isOne(const nlohmann::json& v) { return v.is_number() && v.get<double>() == 1.0; }

QString square(const nlohmann::json& v) { return text(v) + kTimes + text(v); }

QString convText(const Node& n, const LayerSpec* s) {
    QStringList parts{text(value(n, s, "out_channels")), square(value(n, s, "kernel_size"))};
    const nlohmann::json stride = value(n, s, "stride"), padding = value(n, s, "padding");
    if (!isOne(stride)) parts << QStringLiteral("stride ") + text(stride);
    if (!isZero(padding)) parts << QStringLiteral("pad ") + text(padding);
    return parts.join(kDot);
}

QString poolText(const Node& n, const LayerSpec* s) {
    const nlohmann::json kernel = value(n, s, "kernel_size");
    QStringList parts{square(kernel)};
    const nlohmann::json stride = value(n, s, "stride"), padding = value(n, s, "padding");
    if (!isZero(stride) && stride != kernel) parts << QStringLiteral("stride ") + text(stride);
    if (!isZero(padding)) parts << QStringLiteral("pad ") + text(padding);
    return parts.join(kDot);
}

// Params the file sets, in spec order: "name value".
QString explicitParams(const Node& n, const LayerSpec* s) {
    QStringList parts;
    if (!s || !n.params.is_object()) return {};
    for (const ParamSpec& p : s->params)
        if (n.params.contains(p.name)) parts << QString::fromStdString(p.name) + ' ' + text(n.params.at(p.name));
    return parts.join(kDot);
}

// `value` in the largest of `units` (each `base` times the one before) that keeps it at least
// 1 once rounded: one decimal below 10 ("9.2k"), whole numbers above ("421k"), and the
// smallest unit always whole ("896").
QString scaled(double value, double base, std::initializer_list<const char*> units) {
    auto unit = units.begin();
    while (unit + 1 != units.end() && std::round(value) >= base) {
        value /= base;
        ++unit;
    }
    const bool decimal = unit != units.begin() && value < 9.95;
    return QString::number(value, 'f', decimal ? 1 : 0) + QLatin1String(*unit);
}

}  // namespace

QString keyParamsText(const Node& node, const LayerSpec* spec, int classes) {
    const std::string& t = node.type;
    if (t == "Input")
        return text(value(node, spec, "channels")) + kTimes + text(value(node, spec, "height")) + kTimes +
               text(value(node, spec, "width"));
    if (t == "Conv2d") return convText(node, spec);
    if (t == "MaxPool2d" || t == "AvgPool2d") return poolText(node, spec);
    if (t == "AdaptiveAvgPool2d") return QStringLiteral("to ") + square(value(node, spec, "output_size"));
    if (t == "Linear") {
        const nlohmann::json out = value(node, spec, "out_features");
        if (out.is_string()) return QString::number(classes) + QStringLiteral(" classes");
        return text(out) + QStringLiteral(" features");
    }
    if (t == "Dropout" || t == "Dropout2d") return QStringLiteral("p ") + text(value(node, spec, "p"));
    if (t == "LeakyReLU") return QStringLiteral("slope ") + text(value(node, spec, "negative_slope"));
    if (t == "PatchEmbed")
        return QStringLiteral("patch ") + square(value(node, spec, "patch_size")) + QStringLiteral(" \u2192 ") +
               text(value(node, spec, "embed_dim")) + QStringLiteral(" wide");
    if (t == "MultiheadAttention") return text(value(node, spec, "num_heads")) + QStringLiteral(" heads");
    if (t == "TokenPool")
        return value(node, spec, "mode") == "mean" ? QStringLiteral("mean of tokens") : QStringLiteral("class token");
    if (t == "LayerNorm" && value(node, spec, "normalized_shape") == "last") return QStringLiteral("per token");
    return explicitParams(node, spec);
}

QString shapeText(const Shape& shape) {
    return shape.empty() ? QString() : QString::fromStdString(shapeToString(shape));
}

QString compactCount(qint64 n) { return scaled(double(n), 1000, {"", "k", "M", "G", "T", "P"}); }

QString byteSize(qint64 bytes) { return scaled(double(bytes), 1024, {" B", " KB", " MB", " GB", " TB"}); }

QString costText(qint64 parameters, qint64 macs) {
    QStringList parts;
    if (parameters > 0) parts << compactCount(parameters) + QStringLiteral(" params");
    if (macs > 0) parts << compactCount(macs) + QStringLiteral(" MACs");
    return parts.join(kDot);
}

}  // namespace strata::canvas
