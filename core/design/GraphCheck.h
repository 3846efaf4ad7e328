#pragma once
// The graph half of analyzeDesign: edges, ports, cycles and connectivity. Builds the index
// of usable edges that shape inference walks, and reports each graph mistake once.
#include "design/DesignAnalysis.h"

#include <map>
#include <string>
#include <vector>

namespace strata {

struct DesignGraph {
    struct InEdge {
        int port;
        int from;  // node index
    };
    std::map<std::string, int> indexOf;      // first node with each id
    std::vector<bool> inGraph;               // false for later nodes repeating an id
    std::vector<const LayerSpec*> spec;      // nullptr for unknown types
    std::vector<std::vector<InEdge>> in;     // usable edges into each node, by port
    std::vector<std::vector<int>> out;       // usable edges out of each node
    std::vector<bool> edgesOk;               // false when the node's own edges are at fault
};

// Indexes the nodes (ids and specs must be known already: `spec` sized like design.nodes).
DesignGraph buildGraph(const Design& design, std::vector<const LayerSpec*> specs);

// Appends issues for: Input/Output counts, edges naming unknown nodes, edges into Input or out of
// Output, bad, duplicate or missing ports, wrong input counts, cycles, and nodes not on a path
// from Input to Output. Marks nodes with edge faults in graph.edgesOk.
void checkGraph(const Design& design, DesignGraph& graph, std::vector<DesignIssue>& issues);

}  // namespace strata
