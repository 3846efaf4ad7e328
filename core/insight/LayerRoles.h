#pragma once
// Which layers have a place in the feature hierarchy, their depth, and which of them represent
// "early", "middle" and "deep" (docs/ARCHITECTURE.md §9). Torch-free: works on the design analysis, so the
// command line, the studio and the trainer agree on the same layers.
#include <string>
#include <vector>

#include "design/DesignAnalysis.h"
#include "insight/FeatureSnapshot.h"

namespace strata {

// The layers whose output is a representation worth probing, in execution order, with the
// three representatives' roles set. Left out: Input and Output, the classifier logits (the
// node feeding Output: they are the answer, not a representation), and pass-throughs that
// copy or merely reshape their input (Flatten, Dropout, Dropout2d). Representatives: the
// candidates nearest to 1/4, 1/2 and 3/4 of the logits' depth (ties go to the deeper layer,
// which is usually the activation after a convolution), each a distinct layer deeper than the
// previous role's. With three candidates they take the roles in order; with two, early and
// deep; with one, deep.
std::vector<LayerDepth> hierarchyLayers(const DesignAnalysis& analysis);

// The layer with `role` ("early", "middle", "deep"), or nullptr.
const LayerDepth* layerWithRole(const std::vector<LayerDepth>& layers, const std::string& role);

// Whether `id` names a node a user may pin (any node with an output except Input and Output);
// the pinned layer need not be a hierarchy candidate.
bool isPinnableLayer(const DesignAnalysis& analysis, const std::string& id);

}  // namespace strata
