#pragma once
// The short texts a node card shows: its key params ("32 · 3×3 · pad 1" for a Conv2d) and
// its output shape. Pure functions of the design and its analysis, so they are easy to test.
#include <QString>

#include "design/DesignAnalysis.h"

namespace strata::canvas {

// The node's most telling params in a few characters, defaults applied; "" when the layer
// has none worth showing (ReLU, Flatten, ...). `classes` resolves a Linear's "classes".
QString keyParamsText(const Node& node, const LayerSpec* spec, int classes = 10);

// "[N, 32, 28, 28]", or "" when the shape is unknown (the node or one upstream has an error).
QString shapeText(const Shape& shape);

}  // namespace strata::canvas
