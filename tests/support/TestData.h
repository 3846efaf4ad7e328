#pragma once
// Small generated inputs for tests: image folders whose classes a tiny network tells apart
// in a few epochs, and design files written from JSON text.
#include <QString>
#include <QStringList>

#include "design/Design.h"

namespace strata::test {

// Writes DIR/<class>/<i>.png for `perClass` images of size x size (grayscale unless rgb).
// Class k draws stripes at angle k * 180 / classes with random phase and noise, so the
// classes are learnable but not trivially identical. Deterministic for a given seed.
void makeImageFolder(const QString& dir, const QStringList& classes, int perClass, int size = 16,
                     unsigned seed = 1, bool rgb = false);

#ifdef STRATA_SOURCE_DIR
// The path of a starter design in the source tree ("reference-cnn" -> .../reference-cnn.strata.json).
inline QString templateFile(const QString& name) {
    return QString(STRATA_SOURCE_DIR) + "/resources/templates/" + name + ".strata.json";
}
#endif

// Writes text to path (creating folders); returns path.
QString writeText(const QString& path, const QByteArray& text);

// A size x size gray PNG, dark with a bright diagonal, so every layer sees some structure;
// returns path.
QString writeDiagonalImage(const QString& path, int size);

// A small CNN for 1 x size x size inputs: conv 8 k3 pad1 -> ReLU -> MaxPool 2 -> Flatten ->
// Linear classes. As strata.design/1 JSON.
QByteArray tinyCnnDesign(int size = 16);
// A residual design with BatchNorm and Add, for 1 x size x size inputs.
QByteArray tinyResidualDesign(int size = 16);

// A valid chain of `nodes` nodes (Input, alternating Conv2d/ReLU, Flatten, Linear, Output)
// on 1x8x8 inputs: a large design for responsiveness checks.
Design longChainDesign(int nodes);

}  // namespace strata::test
