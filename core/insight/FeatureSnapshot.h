#pragma once
// What the feature panels show about a network at one moment (an epoch end, or a run opened
// later): plain, torch-free values, so the studio can hold them and the run file can store
// them under /features. Computed by core/insight; drawn by ui/insight.
#include <cstdint>
#include <string>
#include <vector>

namespace strata {

// An 8-bit image, rows top to bottom, channels interleaved (1: gray, 3: RGB).
struct Picture {
    int width = 0, height = 0, channels = 1;
    std::vector<uint8_t> pixels;  // size() == width * height * channels
    bool empty() const { return pixels.empty(); }
};

// A layer of the compiled network with a place in the hierarchy.
struct LayerDepth {
    std::string id;
    std::string type;
    int depth = 0;      // longest path from Input (Input itself is 0)
    std::string role;   // "early", "middle", "deep" for the representatives, else ""
    bool spatial = false;  // output is [C, H, W] (feature maps), else a feature vector
};

// Feature maps of one layer for the probe image: the channels with the highest mean
// activation, best first.
struct LayerActivations {
    std::string layer;
    int depth = 0;
    std::string role;
    std::vector<int> channels;        // channel indices
    std::vector<float> meanActivation;
    std::vector<Picture> maps;        // one per channel, min-max scaled to 0..255, gray
    // (A feature-vector layer has no maps: each of its "maps" is 1x1, its gray level the
    // unit's activation relative to the layer's strongest unit.)
};

// For each shown channel of a layer: the dataset crops (receptive fields) that excite it most.
struct LayerPatches {
    std::string layer;
    int depth = 0;
    std::string role;
    std::vector<int> channels;
    std::vector<std::vector<Picture>> crops;        // [channel][rank], best first
    std::vector<std::vector<float>> activations;    // same shape: the activation each crop gave
};

// Linear-probe accuracy of one layer's pooled features on a held-out sample.
struct ProbePoint {
    std::string layer;
    int depth = 0;
    std::string role;
    double accuracy = 0;
};

// 2-D PCA projection of the deep layer's features for a sample, with its class labels.
struct FeatureProjection {
    std::string layer;
    std::vector<float> x, y;
    std::vector<int> labels;
    double silhouette = 0;  // in [-1, 1]; higher = classes better separated
    // Added: the silhouette above is computed on the 2-D coordinates shown (x, y);
    // silhouetteFull on the features before projection (all dimensions).
    double silhouetteFull = 0;
    // Added: the same layer's 2-D silhouette before training (the epoch-0 snapshot of a
    // run trained with features), so a panel can print "silhouette 0.05 -> 0.31".
    bool hasInitialSilhouette = false;
    double initialSilhouette = 0;
};

// Per-layer gradient norm over training steps (rows: layers, columns: sampled steps).
struct GradientHistory {
    std::vector<std::string> layers;
    std::vector<int64_t> steps;
    std::vector<float> norms;  // row-major, layers.size() * steps.size(); NaN for a frozen layer
};

// Confusion matrix on held-out data (rows: true class, columns: predicted) and the
// sample paths of each cell, so a click can show its images.
struct ConfusionView {
    std::vector<std::vector<int64_t>> counts;
    std::vector<double> perClassAccuracy;
    std::vector<std::vector<std::vector<std::string>>> examplePaths;  // [true][pred] -> a few paths
};

// Where the network looked for its prediction of the probe image.
struct SaliencyView {
    std::string method;     // "grad-cam" (last convolution) or "input-gradient"
    std::string layer;      // the convolution used by Grad-CAM
    std::string predicted;  // class name
    double probability = 0;
    Picture heat;           // gray 0..255 at the input size
    Picture overlay;        // RGB: the probe image with the heat map blended over it
};

struct FeatureSnapshot {
    int epoch = 0;  // 0: before training
    std::vector<std::string> classes;
    std::vector<LayerDepth> layers;  // execution order
    std::string filtersLayer;        // the first convolution ("" when there is none)
    Picture filters;                 // its kernels as a grid (RGB for 3-channel input, else gray)
    Picture probeImage;              // the image the activations and saliency are about
    std::vector<LayerActivations> activations;  // early, middle, deep (+ a pinned layer)
    std::string pinnedLayer;                    // added: the pinned layer's id ("" when none)
    int sampleImages = 0;                       // added: dataset images behind patches/probe/projection/confusion
    std::vector<LayerPatches> patches;
    std::vector<ProbePoint> probe;
    FeatureProjection projection;
    GradientHistory gradients;
    ConfusionView confusion;
    SaliencyView saliency;
};

}  // namespace strata
