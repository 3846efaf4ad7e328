#pragma once
// Designs of one chain of layers, Input -> layers... -> Output, analyzed: what the shape and
// validation tests of single layers build (torch-free).
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "design/Design.h"
#include "design/DesignAnalysis.h"

namespace strata::test {

struct Layer {
    std::string id, type;
    nlohmann::json params = nlohmann::json::object();
};

// in(C, H, W) -> layers... -> out, chained, analyzed for `classes`.
inline DesignAnalysis chain(const Shape& input, const std::vector<Layer>& layers, int classes = 10) {
    Design d;
    d.nodes.push_back({"in", "Input", {{"channels", input[0]}, {"height", input[1]}, {"width", input[2]}}});
    for (const Layer& l : layers) d.nodes.push_back({l.id, l.type, l.params});
    d.nodes.push_back({"out", "Output"});
    for (std::size_t i = 1; i < d.nodes.size(); ++i) d.edges.push_back({d.nodes[i - 1].id, d.nodes[i].id, 0});
    return analyzeDesign(d, classes);
}

}  // namespace strata::test
