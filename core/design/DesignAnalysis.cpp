// analyzeDesign: per-node checks (ids, types, params), graph checks (GraphCheck.cpp), then shape
// inference in topological order. A node whose inputs are unknown is skipped without a message,
// so one mistake yields one issue instead of a cascade down the network.
#include "design/DesignAnalysis.h"

#include "design/GraphCheck.h"
#include "design/ParamCheck.h"
#include "design/layers/LayerKit.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <queue>
#include <set>

namespace strata {
namespace {

// Guards against sizes nobody could allocate, checked before the compiler builds anything.
constexpr int64_t kMaxValuesPerSample = int64_t{1} << 31;
constexpr int64_t kMaxParameters = 2'000'000'000;

// Ids become torch module names (no '.', not empty) and file keys, so keep them plain.
bool validId(const std::string& id) {
    if (id.empty() || !(std::isalpha(static_cast<unsigned char>(id[0])) || id[0] == '_')) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
}

std::string knownTypes() {
    std::string s;
    for (const LayerSpec* spec : LayerRegistry::instance().all()) s += (s.empty() ? "" : ", ") + spec->type;
    return s;
}

std::string gigabytes(int64_t parameters) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.1f GB", static_cast<double>(parameters) * 4 / 1e9);  // float32
    return buf;
}

// "Linear with 1000000000 out_features needs 4.0 GB of weights (...)": name the size that
// the user has to reduce when the layer has one.
std::string tooManyParameters(const LayerSpec& spec, const ResolvedParams& p, int64_t count) {
    std::string what = spec.type, fix = "use smaller sizes before it";
    if (!spec.params.empty() && spec.params[0].required() &&
        (spec.params[0].kind == ParamKind::Int || spec.params[0].kind == ParamKind::IntOrClasses)) {
        const std::string& name = spec.params[0].name;
        what += " with " + std::to_string(p.i(name)) + " " + name;
        fix = "use a smaller " + name;
    }
    return what + " needs " + gigabytes(count) + " of weights (" + std::to_string(count) +
           " parameters, limit " + std::to_string(kMaxParameters) + "); " + fix;
}

// Kahn's algorithm, ties broken by file order; nodes on or behind a cycle are left out.
std::vector<int> topologicalOrder(const DesignGraph& g) {
    const int n = static_cast<int>(g.in.size());
    std::vector<int> indegree(n, 0), order;
    std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
    for (int i = 0; i < n; ++i) {
        indegree[i] = static_cast<int>(g.in[i].size());
        if (g.inGraph[i] && indegree[i] == 0) ready.push(i);
    }
    while (!ready.empty()) {
        int v = ready.top();
        ready.pop();
        order.push_back(v);
        for (int w : g.out[v])
            if (--indegree[w] == 0) ready.push(w);
    }
    return order;
}

}  // namespace

std::string DesignIssue::text() const { return node.empty() ? message : "node \"" + node + "\": " + message; }

const NodeAnalysis* DesignAnalysis::find(const std::string& id) const {
    for (const NodeAnalysis& n : nodes)
        if (n.id == id) return &n;
    return nullptr;
}

namespace {

// Per node: id, type and params, checked before the graph.
struct NodeChecks {
    std::vector<const LayerSpec*> specs;
    std::vector<ResolvedParams> params;
    std::vector<bool> paramsOk;
    std::map<std::string, std::size_t> firstWithId;
};

NodeChecks checkNodes(const Design& design, int classes, std::vector<DesignIssue>& issues) {
    const std::size_t n = design.nodes.size();
    NodeChecks c{std::vector<const LayerSpec*>(n, nullptr), std::vector<ResolvedParams>(n), std::vector<bool>(n, false), {}};
    for (std::size_t i = 0; i < n; ++i) {
        const Node& node = design.nodes[i];
        if (!validId(node.id))
            issues.push_back({node.id, "id", "invalid id; ids become torch module names, so use letters, digits, "
                                             "'_' and '-', starting with a letter or '_'"});
        auto [first, fresh] = c.firstWithId.emplace(node.id, i);
        if (!fresh)
            issues.push_back({node.id, "id", "duplicate id (nodes[" + std::to_string(first->second) + "] and nodes[" +
                                                 std::to_string(i) + "]); ids name torch modules, so each must be unique"});
        c.specs[i] = LayerRegistry::instance().find(node.type);
        if (!c.specs[i]) {
            issues.push_back({node.id, "type", "unknown layer type \"" + node.type + "\" (known: " + knownTypes() + ")"});
            continue;
        }
        c.paramsOk[i] = resolveNodeParams(node, *c.specs[i], classes, c.params[i], issues);
        if (c.specs[i]->type == "Output") c.params[i].values["classes"] = classes;  // Output checks logits against it
    }
    return c;
}

// One node's output shape and parameter count from its known inputs; an issue instead when
// the layer refuses them or they exceed the size guards (nodeTooBig: the parameter guard).
void inferNode(const LayerSpec& spec, NodeAnalysis& na, std::vector<DesignIssue>& issues, bool& nodeTooBig) {
    try {
        Shape out = spec.inferShape(na.inputs, na.params);
        int64_t count = spec.paramCount(na.inputs, na.params);
        if (layers::elements(out) > kMaxValuesPerSample) {
            issues.push_back({na.id, "", spec.type + " output " + shapeToString(out) + " has " +
                                             std::to_string(layers::elements(out)) +
                                             " values per sample, above the limit of " +
                                             std::to_string(kMaxValuesPerSample) +
                                             "; use fewer channels or a smaller input"});
        } else if (count > kMaxParameters) {
            issues.push_back({na.id, "", tooManyParameters(spec, na.params, count)});
            nodeTooBig = true;
        } else {
            na.output = out;
            na.parameters = count;
        }
    } catch (const ShapeError& e) {
        issues.push_back({na.id, e.field, e.message});
    } catch (const std::exception& e) {  // a spec bug must not take the editor down
        issues.push_back({na.id, "", std::string("internal error while inferring the shape: ") + e.what()});
    }
}

// Shapes, parameter counts and depths in topological order.
void inferShapes(const Design& design, const DesignGraph& g, const std::vector<int>& order, const NodeChecks& c,
                 DesignAnalysis& a) {
    std::vector<Shape> outputs(design.nodes.size());
    std::vector<int> depth(design.nodes.size(), 0);
    bool nodeTooBig = false;
    for (int i : order) {
        const LayerSpec* spec = c.specs[i];
        NodeAnalysis na;
        na.id = design.nodes[i].id;
        na.type = design.nodes[i].type;
        na.params = c.params[i];
        bool inputsKnown = true;
        for (const DesignGraph::InEdge& e : g.in[i]) {
            na.inputs.push_back(outputs[e.from]);
            inputsKnown = inputsKnown && !outputs[e.from].empty();
            depth[i] = std::max(depth[i], depth[e.from] + 1);
        }
        na.depth = depth[i];
        const bool runnable = spec && c.paramsOk[i] && g.edgesOk[i] && inputsKnown &&
                              static_cast<int>(g.in[i].size()) >= spec->minInputs;
        if (runnable) inferNode(*spec, na, a.issues, nodeTooBig);
        outputs[i] = na.output;
        a.totalParameters = layers::addSat(a.totalParameters, na.parameters);
        a.nodes.push_back(std::move(na));
    }
    if (!nodeTooBig && a.totalParameters > kMaxParameters)
        a.issues.push_back({"", "", "the design needs " + gigabytes(a.totalParameters) + " of weights (" +
                                        std::to_string(a.totalParameters) + " parameters, limit " +
                                        std::to_string(kMaxParameters) + "); make its layers smaller"});
}

// Nodes on or behind a cycle, and repeated ids, never got a turn: list them for lookups.
void listUnreached(const Design& design, const std::vector<int>& order, const NodeChecks& c, DesignAnalysis& a) {
    std::vector<bool> listed(design.nodes.size(), false);
    for (int i : order) listed[i] = true;
    for (std::size_t i = 0; i < design.nodes.size(); ++i) {
        if (listed[i]) continue;
        NodeAnalysis na;
        na.id = design.nodes[i].id;
        na.type = design.nodes[i].type;
        na.params = c.params[i];
        na.ok = false;
        a.nodes.push_back(std::move(na));
    }
}

// Issues in file order of their node (design-wide ones first), so reports read top-down.
void sortIssues(std::vector<DesignIssue>& issues, const std::map<std::string, std::size_t>& firstWithId, std::size_t n) {
    std::stable_sort(issues.begin(), issues.end(), [&](const DesignIssue& x, const DesignIssue& y) {
        auto rank = [&](const std::string& id) -> long {
            if (id.empty()) return -1;
            auto it = firstWithId.find(id);
            return it == firstWithId.end() ? static_cast<long>(n) : static_cast<long>(it->second);
        };
        return rank(x.node) < rank(y.node);
    });
}

}  // namespace

DesignAnalysis analyzeDesign(const Design& design, int classes) {
    DesignAnalysis a;
    a.classes = classes;
    const std::size_t n = design.nodes.size();
    if (classes < 1) a.issues.push_back({"", "classes", "classes must be at least 1, got " + std::to_string(classes)});

    const NodeChecks checks = checkNodes(design, classes, a.issues);
    DesignGraph g = buildGraph(design, checks.specs);
    checkGraph(design, g, a.issues);
    const std::vector<int> order = topologicalOrder(g);
    inferShapes(design, g, order, checks, a);
    listUnreached(design, order, checks, a);

    for (std::size_t i = 0; i < n; ++i) {
        if (!g.inGraph[i]) continue;
        std::vector<std::string>& ids = a.inputsOf[design.nodes[i].id];
        for (const DesignGraph::InEdge& e : g.in[i]) ids.push_back(design.nodes[e.from].id);
    }

    // A node is ok when it has an output (Output: its input passed through) and no issue names it.
    std::set<std::string> faulty;
    for (const DesignIssue& issue : a.issues) faulty.insert(issue.node);
    for (NodeAnalysis& na : a.nodes)
        if (na.output.empty() || faulty.count(na.id)) na.ok = false;

    sortIssues(a.issues, checks.firstWithId, n);
    return a;
}

}  // namespace strata
