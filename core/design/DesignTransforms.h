#pragma once
// Designs made or changed by code, for the experiments (docs/ARCHITECTURE.md §3): a deep plain or
// residual stack of 3x3 convolutions (does depth train without BatchNorm or skips?) and a
// design with every hidden width scaled (how does accuracy grow with width?). Both return
// ordinary Design values that analyzeDesign accepts, so the studio, `check` and the trainer
// treat them like any design file.
#include "design/Design.h"

#include <stdexcept>
#include <string>

namespace strata {

// The largest stack deepStack makes: blocks, and channels per block (the studio's spin boxes
// offer the same ranges).
inline constexpr int kDeepStackMaxDepth = 200;
inline constexpr int kDeepStackMaxWidth = 4096;

struct DeepStackSpec {
    int channels = 1;   // Input channels (1-64)
    int height = 28;    // Input height and width (1-4096)
    int width = 28;
    int depth = 20;                  // blocks after the stem (1-200)
    int blockWidth = 16;             // out_channels of the stem and of every block (1-4096)
    std::string activation = "ReLU";  // a design layer type: "ReLU", "Tanh" or "Sigmoid"
    bool batchNorm = false;           // a BatchNorm2d after each block's conv
    bool residual = false;            // each block adds its input before its activation
    std::string name;                 // "" gives e.g. "deep-d20-w16-relu-bn-res"
};

// Input(C, H, W) -> stem Conv2d(blockWidth, 3x3, padding 1) -> activation -> `depth` blocks
// -> AdaptiveAvgPool2d(1) -> Flatten -> Linear("classes") -> Output. A block is
//   conv -> [bn] -> act                          (plain)
//   conv -> [bn] -> add(port 0; block input on port 1) -> act   (residual: act(x + f(x)))
// Node ids: in, stem, stem_act, b<k>_conv, b<k>_bn, b<k>_add, b<k>_act (k from 1), pool, flat,
// head, out. Nodes carry positions: columns of blocks read top to bottom, left to right.
// Throws std::invalid_argument naming the field ("--depth must be between 1 and 200"), and
// when the whole is too large for a design (docs/ARCHITECTURE.md §5 limits).
Design deepStack(const DeepStackSpec& spec);

// A copy of `design` with every Conv2d out_channels, PatchEmbed embed_dim and hidden Linear
// out_features multiplied by k, rounded to nearest, at least 1. Left alone: out_features "classes", and the
// head, i.e. every Conv2d or Linear whose output reaches Output through parameter-free
// layers only (its size is fixed by the class count). Input sizes are inferred, so the next
// layers follow. Named "<name>-w<k>" ("mlp-w0.5"). Throws std::invalid_argument when k is not
// positive and finite, when `design` is invalid, or when the widened design is (a width over
// a layer's range, an Add between a widened and a fixed input). `classes` only matters for
// the validity checks (a head with a literal out_features must match it), as in analyzeDesign.
Design widthMultiplied(const Design& design, double k, int classes = 10);

}  // namespace strata
