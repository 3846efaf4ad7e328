#pragma once
// The short texts a node card shows: its key params ("32 · 3×3 · pad 1" for a Conv2d), its
// output shape and size, and its cost. Pure functions of the design, its analysis and its
// cost, so they are easy to test.
#include <QString>

#include "design/DesignAnalysis.h"

namespace strata::canvas {

// The node's most telling params in a few characters, defaults applied; "" when the layer
// has none worth showing (ReLU, Flatten, ...). `classes` resolves a Linear's "classes".
QString keyParamsText(const Node& node, const LayerSpec* spec, int classes = 10);

// "[N, 32, 28, 28]", or "" when the shape is unknown (the node or one upstream has an error).
QString shapeText(const Shape& shape);

// A count in a few characters: "896", "9.2k", "421k", "3.6M", "1.2G".
QString compactCount(qint64 n);
// A size in bytes in a few characters, 1 KB = 1024 B: "40 B", "3.1 KB", "98 KB", "1.2 MB".
QString byteSize(qint64 bytes);
// "9.2k params · 3.6M MACs": the parts that are 0 are left out ("" when both are).
QString costText(qint64 parameters, qint64 macs);

}  // namespace strata::canvas
