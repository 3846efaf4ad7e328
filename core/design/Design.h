#pragma once
// The design: a layer graph as a plain value. One source of truth shared by the command
// line, the compiler and the node editor (the editor's scene is only a view of it).
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace strata {

inline constexpr const char* kDesignFormat = "strata.design/1";

struct Node {
    std::string id;
    std::string type;
    nlohmann::json params = nlohmann::json::object();  // only what the file says; defaults live in the registry
    bool hasPos = false;
    double x = 0.0, y = 0.0;
};

struct Edge {
    std::string from;
    std::string to;
    int port = 0;  // input slot of the target (multi-input nodes: Add, Concat)
    bool operator==(const Edge& o) const { return from == o.from && to == o.to && port == o.port; }
};

// A block of the editor (design/DesignGroups.h): nodes drawn together, collapsible to one card.
// Only the editor reads groups; training, export and features see the flat nodes and edges.
struct Group {
    std::string id;    // unique among the groups ("block1")
    std::string name;  // shown on the block's card ("Residual 1")
    std::vector<std::string> nodes;  // member node ids, in design order; a node is in one group at most
    bool collapsed = false;
    int repeat = 1;  // chained copies of one unit the block holds: its card's ×N badge
};

struct Design {
    std::string name;
    std::vector<Node> nodes;
    std::vector<Edge> edges;  // always explicit in memory: a file without "edges" is chained on load
    std::vector<Group> groups;  // optional "groups" of the file; written only when there are some

    const Node* findNode(const std::string& id) const;
    Node* findNode(const std::string& id);
};

// The nodes fed by node `start`, directly or through others (not `start` itself, unless a cycle
// leads back to it).
std::set<std::string> nodesDownstreamOf(const Design& design, const std::string& start);

// Bad input in a design: the message already names the file, node or field at fault
// (e.g. `node "fc": Linear expects ...` or `net.strata.json:3:14: ...`).
class DesignError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses the JSON text of a design. `source` names the file in messages. Checks the
// format tag, the structure and field types (not the graph: see analyzeDesign).
Design parseDesign(const std::string& text, const std::string& source = "<design>");
Design loadDesign(const std::string& path);  // a design without "name" is named after the file
nlohmann::json designToJson(const Design& design);
std::string designToString(const Design& design);  // pretty-printed, stable key order
// Atomic: writes a temporary file beside `path`, then renames it over `path`.
void saveDesign(const Design& design, const std::string& path);

}  // namespace strata
