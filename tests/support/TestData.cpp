#include "TestData.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QRandomGenerator>
#include <QtMath>

namespace strata::test {

void makeImageFolder(const QString& dir, const QStringList& classes, int perClass, int size, unsigned seed, bool rgb) {
    QRandomGenerator rng(seed);
    for (int k = 0; k < classes.size(); ++k) {
        const QString classDir = dir + "/" + classes[k];
        QDir().mkpath(classDir);
        const double angle = M_PI * k / classes.size();
        const double cx = std::cos(angle), cy = std::sin(angle);
        for (int i = 0; i < perClass; ++i) {
            QImage img(size, size, rgb ? QImage::Format_RGB888 : QImage::Format_Grayscale8);
            const double phase = rng.bounded(6.283);
            for (int y = 0; y < size; ++y)
                for (int x = 0; x < size; ++x) {
                    double v = 0.5 + 0.4 * std::sin((x * cx + y * cy) * 1.6 + phase) + (rng.bounded(0.2) - 0.1);
                    const int g = qBound(0, int(v * 255), 255);
                    img.setPixel(x, y, rgb ? qRgb(g, 255 - g, g / 2) : qRgb(g, g, g));
                }
            img.save(QString("%1/%2.png").arg(classDir).arg(i, 3, 10, QChar('0')));
        }
    }
}

QString writeText(const QString& path, const QByteArray& text) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    f.open(QIODevice::WriteOnly | QIODevice::Truncate);
    f.write(text);
    return path;
}

QString writeDiagonalImage(const QString& path, int size) {
    QImage img(size, size, QImage::Format_Grayscale8);
    img.fill(20);
    for (int i = 0; i < size; ++i) img.setPixel(i, i, qRgb(240, 240, 240));
    img.save(path);
    return path;
}

QByteArray tinyCnnDesign(int size) {
    return QString(R"({"format": "strata.design/1", "name": "tiny-cnn", "nodes": [
  {"id": "in", "type": "Input", "params": {"channels": 1, "height": %1, "width": %1}},
  {"id": "conv1", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 3, "padding": 1}},
  {"id": "relu1", "type": "ReLU"},
  {"id": "pool1", "type": "MaxPool2d", "params": {"kernel_size": 2}},
  {"id": "flat", "type": "Flatten"},
  {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}},
  {"id": "out", "type": "Output"}]})")
        .arg(size)
        .toUtf8();
}

QByteArray tinyResidualDesign(int size) {
    return QString(R"({"format": "strata.design/1", "name": "tiny-residual", "nodes": [
  {"id": "in", "type": "Input", "params": {"channels": 1, "height": %1, "width": %1}},
  {"id": "stem", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 3, "padding": 1}},
  {"id": "bn0", "type": "BatchNorm2d"},
  {"id": "relu0", "type": "ReLU"},
  {"id": "conv1", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 3, "padding": 1}},
  {"id": "bn1", "type": "BatchNorm2d"},
  {"id": "add1", "type": "Add"},
  {"id": "relu1", "type": "ReLU"},
  {"id": "gap", "type": "AdaptiveAvgPool2d", "params": {"output_size": 2}},
  {"id": "flat", "type": "Flatten"},
  {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}},
  {"id": "out", "type": "Output"}],
 "edges": [
  {"from": "in", "to": "stem"}, {"from": "stem", "to": "bn0"}, {"from": "bn0", "to": "relu0"},
  {"from": "relu0", "to": "conv1"}, {"from": "conv1", "to": "bn1"},
  {"from": "bn1", "to": "add1", "port": 0}, {"from": "relu0", "to": "add1", "port": 1},
  {"from": "add1", "to": "relu1"}, {"from": "relu1", "to": "gap"}, {"from": "gap", "to": "flat"},
  {"from": "flat", "to": "fc"}, {"from": "fc", "to": "out"}]})")
        .arg(size)
        .toUtf8();
}

Design longChainDesign(int nodes) {
    Design d;
    d.name = "chain";
    d.nodes.push_back({"in", "Input", {{"channels", 1}, {"height", 8}, {"width", 8}}});
    for (int i = 0; i < nodes - 4; ++i)
        d.nodes.push_back(i % 2 ? Node{"relu" + std::to_string(i), "ReLU"}
                                : Node{"conv" + std::to_string(i), "Conv2d",
                                       {{"out_channels", 4}, {"kernel_size", 3}, {"padding", 1}}});
    d.nodes.push_back({"flat", "Flatten"});
    d.nodes.push_back({"fc", "Linear", {{"out_features", 10}}});
    d.nodes.push_back({"out", "Output"});
    for (size_t i = 0; i + 1 < d.nodes.size(); ++i) d.edges.push_back({d.nodes[i].id, d.nodes[i + 1].id, 0});
    return d;
}

}  // namespace strata::test
