#pragma once
// What the attention layers of a token design look at (docs/ARCHITECTURE.md §9): for one probe
// image, each MultiheadAttention node's attention to the patches (from the class token, or the
// mean over query tokens without one), per head and averaged; the attention rollout through the
// blocks (Abnar & Zuidema 2020); and the mean attention distance per block over a sample of
// images (Dosovitskiy et al. 2020, Fig. 7). For a convolutional design, the receptive field
// size of each convolution: the two kinds of "what this layer sees", in pixels, by depth.
// Torch-free, for the command line and the studio.
#include <string>
#include <vector>

#include "design/DesignAnalysis.h"
#include "insight/FeatureSnapshot.h"

namespace strata {

// One attention node's maps over the patch grid (row-major, gridHeight x gridWidth).
struct AttentionBlock {
    std::string layer;  // the MultiheadAttention node
    int order = 0;      // 1 for the first attention node in execution order
    int depth = 0;      // longest path from Input
    std::vector<std::vector<float>> headMaps;  // [head][patch]: attention given to each patch
    std::vector<float> meanMap;                // the heads' average
    std::vector<double> headDistance;          // mean attention distance per head, in input pixels
    double meanDistance = 0;                   // the heads' average
};

struct AttentionView {
    bool classToken = false;  // maps are the class token's row; else the mean over query tokens
    int gridHeight = 0, gridWidth = 0, patchSize = 0;
    Picture probeImage;  // the image the maps are about, as the network sees it
    std::vector<AttentionBlock> blocks;
    std::vector<float> rollout;  // [patch]: attention rolled out through every block
    int distanceImages = 0;      // sample images behind the mean distances
    bool empty() const { return blocks.empty(); }
};

// "What this layer sees" for the comparison chart: a convolution's receptive field side, or an
// attention block's mean attention distance, both in input pixels.
struct SightPoint {
    std::string layer;
    int order = 0;  // 1-based position among the layers of its kind
    double pixels = 0;
};

// Where the patches sit among a token layer's tokens: `firstPatch` tokens (the class token)
// come before the gridHeight x gridWidth patches of side `patchSize`.
struct TokenGrid {
    int gridHeight = 0, gridWidth = 0, patchSize = 0, firstPatch = 0;
    int patches() const { return gridHeight * gridWidth; }
};

// The grid of `tokens` tokens made by the design's PatchEmbed; false unless they are its patches
// behind at most one class token.
bool tokenGridFor(const DesignAnalysis& analysis, int64_t tokens, TokenGrid& grid);
// The grid of `attentionNode`'s input tokens (tokenGridFor on its input).
bool tokenGridOf(const DesignAnalysis& analysis, const std::string& attentionNode, TokenGrid& grid);

// True when the design has a MultiheadAttention node.
bool hasAttention(const DesignAnalysis& analysis);

// The receptive field side of every Conv2d, in execution order (ReceptiveField.h).
std::vector<SightPoint> convolutionSight(const DesignAnalysis& analysis);
// The mean attention distance of every block of `view`.
std::vector<SightPoint> attentionSight(const AttentionView& view);

struct AttentionOptions {
    std::string probeImage;   // "" = the first image of dataDir
    std::string dataDir;      // the sample for the distances; "" = the run's training folder
    int sampleImages = 256;   // images behind the mean attention distances
    int threads = 0;          // 0: number of cores
    bool verify = true;       // false: --no-verify
};

// Loads the run through readValidRun and computes its attention view (empty when the design has
// no attention). Throws RunFileError or DataError naming the file at fault.
AttentionView computeAttention(const std::string& runPath, const AttentionOptions& options);

// `map` (gridHeight x gridWidth, any non-negative scale) enlarged to the image's size and
// blended over it in the heat colours of the saliency overlay, its maximum at full strength.
Picture attentionOverlay(const Picture& image, const std::vector<float>& map, int gridHeight, int gridWidth);

}  // namespace strata
