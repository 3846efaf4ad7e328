#include "insight/LayerRoles.h"

#include <cmath>
#include <algorithm>
#include <set>

namespace strata {

namespace {

// Layers that hand their input on unchanged (at evaluation) or only reshape it.
bool isPassThrough(const std::string& type) {
    return type == "Flatten" || type == "Dropout" || type == "Dropout2d";
}

constexpr const char* kRoles[] = {"early", "middle", "deep"};
constexpr double kFractions[] = {0.25, 0.5, 0.75};

}  // namespace

std::vector<LayerDepth> hierarchyLayers(const DesignAnalysis& analysis) {
    std::set<std::string> logits;
    int maxDepth = 0;
    for (const NodeAnalysis& n : analysis.nodes) {
        if (n.type != "Output") continue;
        auto it = analysis.inputsOf.find(n.id);
        if (it != analysis.inputsOf.end()) logits.insert(it->second.begin(), it->second.end());
    }
    std::vector<LayerDepth> layers;
    for (const NodeAnalysis& n : analysis.nodes) {
        if (n.type != "Output") maxDepth = std::max(maxDepth, n.depth);
        if (n.type == "Input" || n.type == "Output" || isPassThrough(n.type) || logits.count(n.id)) continue;
        if (n.output.empty()) continue;  // unknown shape: a design being edited
        LayerDepth l;
        l.id = n.id;
        l.type = n.type;
        l.depth = n.depth;
        l.spatial = n.output.size() == 3;
        layers.push_back(std::move(l));
    }

    // Roles go to distinct layers in depth order: each role looks only deeper than the previous
    // role's layer and leaves enough layers for the roles after it.
    std::vector<size_t> byDepth(layers.size());
    for (size_t i = 0; i < byDepth.size(); ++i) byDepth[i] = i;
    std::stable_sort(byDepth.begin(), byDepth.end(),
                     [&](size_t a, size_t b) { return layers[a].depth < layers[b].depth; });
    const int n = int(byDepth.size());
    if (n == 1) layers[byDepth[0]].role = "deep";
    if (n == 2) {
        layers[byDepth[0]].role = "early";
        layers[byDepth[1]].role = "deep";
    }
    int previous = -1;
    for (int r = 0; r < 3 && n >= 3; ++r) {
        const double target = kFractions[r] * double(maxDepth);
        int best = -1;
        double bestDistance = 1e18;
        for (int i = previous + 1; i <= n - (3 - r); ++i) {
            const double d = std::fabs(double(layers[byDepth[size_t(i)]].depth) - target);
            // `<=`: on a tie the deeper layer wins (usually the activation after a convolution).
            if (d <= bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        layers[byDepth[size_t(best)]].role = kRoles[r];
        previous = best;
    }
    return layers;
}

const LayerDepth* layerWithRole(const std::vector<LayerDepth>& layers, const std::string& role) {
    for (const LayerDepth& l : layers)
        if (l.role == role) return &l;
    return nullptr;
}

bool isPinnableLayer(const DesignAnalysis& analysis, const std::string& id) {
    const NodeAnalysis* n = analysis.find(id);
    return n && n->type != "Input" && n->type != "Output" && !n->output.empty();
}

}  // namespace strata
