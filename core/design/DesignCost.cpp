#include "design/DesignCost.h"

#include "design/layers/LayerKit.h"

namespace strata {

using layers::addSat;
using layers::elements;
using layers::mulSat;

const NodeCost* DesignCost::find(const std::string& id) const {
    for (const NodeCost& n : nodes)
        if (n.id == id) return &n;
    return nullptr;
}

int64_t nodeMacs(const NodeAnalysis& node) {
    if (node.inputs.empty() || node.inputs[0].empty() || node.output.empty()) return 0;
    const Shape& in = node.inputs[0];
    if (node.type == "Conv2d" && in.size() == 3 && node.output.size() == 3) {
        const int64_t kernel = node.params.i("kernel_size");  // square
        return mulSat(elements(node.output), mulSat(in[0], kernel * kernel));
    }
    if (node.type == "PatchEmbed" && in.size() == 3 && node.output.size() == 2) {
        const int64_t patch = node.params.i("patch_size");
        return mulSat(elements(node.output), mulSat(in[0], patch * patch));
    }
    if (node.type == "MultiheadAttention" && in.size() == 2) {
        // Projections (q, k, v in, one out: 4 T D²) and the two T x T products (scores, mix: 2 T² D).
        const int64_t t = in[0], d = in[1];
        return addSat(mulSat(4, mulSat(t, mulSat(d, d))), mulSat(2, mulSat(mulSat(t, t), d)));
    }
    if (node.type == "Linear" && node.output.back() > 0) {
        const int64_t rows = elements(node.output) / node.output.back();
        return mulSat(mulSat(rows, in.back()), node.output.back());
    }
    return 0;
}

DesignCost designCost(const DesignAnalysis& analysis) {
    DesignCost cost;
    cost.totalParameters = analysis.totalParameters;
    cost.nodes.reserve(analysis.nodes.size());
    for (const NodeAnalysis& node : analysis.nodes) {
        const int64_t bytes = node.output.empty() ? 0 : mulSat(elements(node.output), kBytesPerValue);
        cost.nodes.push_back({node.id, node.parameters, nodeMacs(node), bytes});
        cost.totalMacs = addSat(cost.totalMacs, cost.nodes.back().macs);
    }
    return cost;
}

}  // namespace strata
