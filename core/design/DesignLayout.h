#pragma once
// Auto layout of a design for the canvas: pure geometry, no Qt, no torch.
// Layered from the sources: a node's layer is its longest path from an input, layers flow top
// to bottom (the cards' input ports are on top, the output at the bottom). Each layer is
// ordered to cut crossings (barycenter sweeps), and a wire that skips layers gets a slot of
// its own in every layer it passes, so a residual branch sits beside its skip wire instead of
// on it. Left to right (for a view wider than tall) the layers wrap into columns read left
// to right, as many columns as make the cards largest on screen, cut where one wire crosses
// (never inside a block; where no wire crosses alone, as between transformer blocks, where
// all the crossing wires leave one card); when even the best would shrink text below
// minScale, the columns that show the most of the design at minScale, blocks still whole;
// the rest is a scroll away.
// Top to bottom keeps one column.
#include <map>
#include <string>

#include "design/Design.h"

namespace strata {

enum class LayoutDirection { TopToBottom, LeftToRight };

struct LayoutOptions {
    LayoutDirection direction = LayoutDirection::TopToBottom;
    double cardWidth = 180, cardHeight = 80;
    double layerGap = 20;    // between a card's bottom and the next layer's top
    double siblingGap = 40;  // between cards side by side
    double wireSlotWidth = 340;  // a wire passing a layer beside a branch (room for its shape tag)
    double columnGap = 100;  // between wrapped columns (room for the wire that climbs back)
    // The view the layout should fit (LeftToRight picks its column count for it)
    double viewWidth = 1600, viewHeight = 1000;
    // and the scale range of that fit (it never magnifies, nor shrinks text below readable).
    double maxScale = 1.0, minScale = 0.0;
    double grid = 20;  // positions snap to it
};

struct LayoutPoint {
    double x = 0, y = 0;
};

// LeftToRight when the view is wider than tall, else TopToBottom.
LayoutDirection layoutDirectionFor(double viewWidth, double viewHeight);

// The top-left corner of every node's card, by id. Edges naming unknown nodes and wires that
// close a cycle are ignored (such a design is invalid anyway, but still gets laid out).
std::map<std::string, LayoutPoint> layoutDesign(const Design& design, const LayoutOptions& options = {});

}  // namespace strata
