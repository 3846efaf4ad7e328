#pragma once
// Validation and shape inference of a whole design: what the editor shows live and what
// `strata check` prints. Never throws for graph problems: every issue is collected so the
// editor can mark each faulty node.
#include "design/Design.h"
#include "design/LayerRegistry.h"

namespace strata {

struct DesignIssue {
    std::string node;   // node id at fault ("" when the design as a whole is at fault)
    std::string field;  // param or field at fault ("" when none)
    std::string message;
    std::string text() const;  // `node "fc": Linear expects ...` or the message alone
};

struct NodeAnalysis {
    std::string id;
    std::string type;
    ResolvedParams params;        // defaults applied, "classes" resolved
    std::vector<Shape> inputs;    // shapes arriving at each input port, in port order
    Shape output;                 // empty when unknown (upstream or own error)
    int64_t parameters = 0;
    int depth = 0;                // longest path from Input (Input has depth 0)
    bool ok = true;
};

struct DesignAnalysis {
    std::vector<NodeAnalysis> nodes;  // topological order (ties broken by file order)
    std::vector<DesignIssue> issues;  // empty means the design is valid
    int64_t totalParameters = 0;
    int classes = 10;

    bool valid() const { return issues.empty(); }
    const NodeAnalysis* find(const std::string& id) const;
    // For the compiler: each node's inputs (node ids) ordered by port.
    std::map<std::string, std::vector<std::string>> inputsOf;
};

// Checks everything of docs/ARCHITECTURE.md §5: one Input and one Output, unique valid ids (letters,
// digits, '_' and '-', starting with a letter or '_'), known types, known params of the right
// type and range, edges naming existing nodes and valid ports, no cycles, all nodes connected
// from Input to Output, and shapes that fit every layer.
DesignAnalysis analyzeDesign(const Design& design, int classes = 10);

}  // namespace strata
