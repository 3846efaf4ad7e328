#include "design/CheckpointLayout.h"

namespace strata {

std::vector<ExpectedArray> checkpointLayout(const DesignAnalysis& analysis) {
    std::vector<ExpectedArray> out;
    const LayerRegistry& registry = LayerRegistry::instance();
    for (const NodeAnalysis& node : analysis.nodes) {
        const LayerSpec* spec = registry.find(node.type);
        if (!spec || !spec->state) continue;
        for (const StateArray& a : spec->state(node.inputs, node.params))
            out.push_back({node.id + "." + a.name, a.shape, a.integer});
    }
    return out;
}

}  // namespace strata
