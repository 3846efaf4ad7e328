#pragma once
// Checks one node's params against its layer spec and resolves them (defaults applied,
// "classes" replaced, placeholder defaults resolved). Part of analyzeDesign.
#include "design/DesignAnalysis.h"

namespace strata {

// Appends one issue per bad param (unknown name, wrong type, out of range, required but
// missing) to `issues`; returns true when the params are all valid. `out` holds every valid
// value even when some are not, so the editor can still show them.
bool resolveNodeParams(const Node& node, const LayerSpec& spec, int classes, ResolvedParams& out,
                       std::vector<DesignIssue>& issues);

// "[1, 1024]", "[0, 1)", "(0, 1]": exclusive bounds are stored as the nearest inner double.
std::string rangeText(const ParamSpec& p);

}  // namespace strata
