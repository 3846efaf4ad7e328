#pragma once
// What each node of a design outputs for one sample image, as small pictures for the canvas
// cards (the studio's live previews). Torch-free interface; computed in core/insight.
#include <cstdint>
#include <string>
#include <vector>

#include "design/Design.h"
#include "insight/FeatureSnapshot.h"

namespace strata {

// Channels shown at most in a feature-map grid, and units in a bar strip.
constexpr int kPreviewMaxChannels = 16;
constexpr int kPreviewMaxUnits = 64;
// Larger maps are averaged down to this many pixels on their longer side: the canvas shows
// the grid in 64 px, and a 160x160 design would otherwise send megabytes per edit.
constexpr int kPreviewMaxTile = 32;
// The grid's gap between maps and a bar's width, in pixels.
constexpr int kPreviewGap = 1;
constexpr int kPreviewBarWidth = 2;
constexpr int kPreviewStripHeight = 20;

struct PreviewInputs {
    // The weights: a run file's checkpoint (each parameter whose name and shape the design still
    // has; the rest keep their initial values) and its mean and std; "" = the design's initial
    // weights as `strata train --seed` draws them, the image standardized by its own statistics.
    std::string runPath;
    std::string imagePath;  // the sample image; "" = the first image of dataDir
    std::string dataDir;
    uint64_t seed = 0;
    int classes = 10;
};

// One node's output for the image. `picture` is a gray grid of the first channels of a
// [C, H, W] output (each map min-max scaled and at most kPreviewMaxTile on its longer side,
// row-major, ceil(sqrt(n)) columns) or a strip of bars for a [F] output (the first units,
// min-max scaled together).
struct NodePreview {
    std::string id;
    std::vector<int64_t> shape;  // per image
    bool spatial = false;
    int shown = 0;               // channels or units in the picture
    Picture picture;
};

struct NodePreviews {
    std::vector<NodePreview> nodes;  // execution order, every node with an output
    std::string imagePath;           // the image used
    bool runWeights = false;         // the run's weights (else the initial ones)
    double seconds = 0;
};

// Throws DesignError when the design is not valid, DataError naming the image or folder when
// the sample cannot be read, and RunFileError naming the run when its file is unusable.
NodePreviews computeNodePreviews(const Design& design, const PreviewInputs& inputs);

// The size of a grid picture of `maps` maps of height x width (for the views and tests).
void previewGridSize(int maps, int height, int width, int& gridWidth, int& gridHeight);

}  // namespace strata
