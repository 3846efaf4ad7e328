// Graph checks of analyzeDesign (see GraphCheck.h). Each mistake is reported once, on the node
// the user has to touch: a dangling branch is reported at its end, a floating chain at its
// start, a cycle once with its path; nodes merely downstream of a mistake stay quiet.
#include "design/GraphCheck.h"

#include <algorithm>
#include <deque>
#include <set>

namespace strata {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::string quotedList(const std::vector<std::string>& names) {
    std::string s;
    for (const std::string& n : names) s += (s.empty() ? "" : ", ") + quoted(n);
    return s;
}

// Exactly one node of `type` (Input or Output): extra ones are reported where they stand.
void checkSingle(const Design& d, const std::string& type, std::vector<DesignIssue>& issues) {
    const Node* first = nullptr;
    for (const Node& n : d.nodes) {
        if (n.type != type) continue;
        if (!first)
            first = &n;
        else
            issues.push_back({n.id, "type", "a design has exactly one " + type + ", and " + quoted(first->id) +
                                                " is one already; delete one of them"});
    }
    if (!first) issues.push_back({"", "", "the design has no " + type + " node; add one"});
}

// Port rules of one node with a known spec that takes inputs.
// `byPort`: every edge the file points at this node, faulty ones included, so that one bad edge
// does not also show up as a missing port.
void checkPorts(const LayerSpec& spec, const std::string& id, const std::map<int, std::vector<std::string>>& byPort,
                bool& edgesOk, std::vector<DesignIssue>& issues) {
    auto issue = [&](const std::string& field, const std::string& message) {
        issues.push_back({id, field, message});
        edgesOk = false;
    };
    if (byPort.empty()) return;  // reported as "not connected to Input"

    if (spec.maxInputs == 1) {
        std::vector<std::string> froms;
        for (const auto& [port, list] : byPort) {
            for (const std::string& f : list) {
                froms.push_back(f);
                if (port != 0)
                    issue("port", "edge from " + quoted(f) + " uses port " + std::to_string(port) + ", but " +
                                      spec.type + " has one input (port 0)");
            }
        }
        if (froms.size() > 1)
            issue("edges", spec.type + " takes one input but " + std::to_string(froms.size()) +
                               " edges lead into it (from " + quotedList(froms) +
                               "); join the branches with Add or Concat first");
        return;
    }

    const bool okSoFar = edgesOk;
    for (const auto& [port, list] : byPort) {
        if (spec.maxInputs != -1 && port >= spec.maxInputs)
            issue("port", "edge from " + quoted(list[0]) + " uses port " + std::to_string(port) + ", but " +
                              spec.type + " has ports 0 to " + std::to_string(spec.maxInputs - 1));
        if (list.size() > 1)
            issue("port", "port " + std::to_string(port) + " receives " + std::to_string(list.size()) +
                              " edges (from " + quotedList(list) + "); give each edge its own port");
    }
    if (okSoFar && !edgesOk) return;  // counting ports again would only repeat the same mistake
    int firstGap = 0;
    while (byPort.count(firstGap)) ++firstGap;
    if (static_cast<int>(byPort.size()) < spec.minInputs)
        issue("edges", spec.type + " needs at least " + std::to_string(spec.minInputs) + " inputs but receives " +
                           std::to_string(byPort.size()) + "; connect another edge into port " +
                           std::to_string(firstGap));
    else if (firstGap < static_cast<int>(byPort.size()))
        issue("port", "no edge into port " + std::to_string(firstGap) +
                          "; number the ports 0, 1, ... without gaps");
}

// Strongly connected components (Tarjan, iterative so a huge file cannot overflow the stack).
std::vector<std::vector<int>> components(const DesignGraph& g) {
    const int n = static_cast<int>(g.out.size());
    std::vector<int> index(n, -1), low(n, 0), stack;
    std::vector<bool> onStack(n, false);
    std::vector<std::vector<int>> result;
    int counter = 0;
    for (int root = 0; root < n; ++root) {
        if (index[root] != -1 || !g.inGraph[root]) continue;
        std::vector<std::pair<int, std::size_t>> work{{root, 0}};  // node, next out-edge
        while (!work.empty()) {
            auto& [v, next] = work.back();
            if (next == 0 && index[v] == -1) {
                index[v] = low[v] = counter++;
                stack.push_back(v);
                onStack[v] = true;
            }
            if (next < g.out[v].size()) {
                int w = g.out[v][next++];
                if (index[w] == -1)
                    work.push_back({w, 0});
                else if (onStack[w])
                    low[v] = std::min(low[v], index[w]);
                continue;
            }
            if (low[v] == index[v]) {
                std::vector<int> comp;
                int w;
                do {
                    w = stack.back();
                    stack.pop_back();
                    onStack[w] = false;
                    comp.push_back(w);
                } while (w != v);
                result.push_back(comp);
            }
            int done = v;
            work.pop_back();
            if (!work.empty()) low[work.back().first] = std::min(low[work.back().first], low[done]);
        }
    }
    return result;
}

// Shortest cycle through `start` inside one component, as "a -> b -> a".
std::string cyclePath(const Design& d, const DesignGraph& g, const std::vector<int>& comp, int start) {
    std::map<int, int> parent{{start, -1}};
    std::deque<int> queue{start};
    while (!queue.empty()) {
        int v = queue.front();
        queue.pop_front();
        for (int w : g.out[v]) {
            if (w == start) {
                std::vector<int> path{start};
                for (int u = v; u != start; u = parent[u]) path.push_back(u);
                path.push_back(start);
                std::reverse(path.begin() + 1, path.end() - 1);
                std::string s;
                for (int u : path) s += (s.empty() ? "" : " -> ") + d.nodes[u].id;
                return s;
            }
            if (!parent.count(w) && std::find(comp.begin(), comp.end(), w) != comp.end()) {
                parent[w] = v;
                queue.push_back(w);
            }
        }
    }
    return d.nodes[start].id;  // unreachable for a real cycle
}

void checkCycles(const Design& d, const DesignGraph& g, std::vector<DesignIssue>& issues) {
    std::vector<std::vector<int>> comps = components(g);
    // Report in file order of each cycle's first node, so messages are stable.
    std::sort(comps.begin(), comps.end(), [](const std::vector<int>& a, const std::vector<int>& b) {
        return *std::min_element(a.begin(), a.end()) < *std::min_element(b.begin(), b.end());
    });
    for (const std::vector<int>& comp : comps) {
        int start = *std::min_element(comp.begin(), comp.end());
        bool selfLoop = std::find(g.out[start].begin(), g.out[start].end(), start) != g.out[start].end();
        if (comp.size() < 2 && !selfLoop) continue;
        issues.push_back({d.nodes[start].id, "edges",
                          "is part of a cycle " + cyclePath(d, g, comp, start) + "; remove one of these edges"});
    }
}

// A node nothing leads into starts a chain cut off from Input; a node that leads nowhere ends a
// branch that never reaches Output. Together with the cycle check this covers every node that
// is not on a path from Input to Output, and names only the node where the gap is.
void checkConnected(const Design& d, DesignGraph& g, std::vector<DesignIssue>& issues) {
    std::set<std::string> targets, sources;  // every edge of the file counts, even a faulty one
    for (const Edge& e : d.edges) {
        targets.insert(e.to);
        sources.insert(e.from);
    }
    for (std::size_t i = 0; i < d.nodes.size(); ++i) {
        if (!g.inGraph[i]) continue;
        const Node& n = d.nodes[i];
        const LayerSpec* s = g.spec[i];
        const bool incoming = targets.count(n.id) > 0, outgoing = sources.count(n.id) > 0;
        const bool root = (!s || s->maxInputs != 0) && !incoming;
        const bool sink = (!s || s->hasOutput) && !outgoing;
        if (root) g.edgesOk[i] = false;
        if (root && sink)
            issues.push_back({n.id, "edges", "is not connected to Input or Output; connect it or delete it"});
        else if (root)
            issues.push_back({n.id, "edges", "is not connected to Input; connect an edge into it or delete it"});
        else if (sink)
            issues.push_back({n.id, "edges", "does not lead to Output; connect it or delete it"});
    }
}

}  // namespace

DesignGraph buildGraph(const Design& d, std::vector<const LayerSpec*> specs) {
    DesignGraph g;
    const std::size_t n = d.nodes.size();
    g.spec = std::move(specs);
    g.inGraph.assign(n, false);
    g.edgesOk.assign(n, true);
    g.in.resize(n);
    g.out.resize(n);
    for (std::size_t i = 0; i < n; ++i)
        if (g.indexOf.emplace(d.nodes[i].id, static_cast<int>(i)).second) g.inGraph[i] = true;
    for (const Edge& e : d.edges) {
        auto from = g.indexOf.find(e.from), to = g.indexOf.find(e.to);
        if (from == g.indexOf.end() || to == g.indexOf.end()) continue;
        const LayerSpec* fs = g.spec[from->second];
        const LayerSpec* ts = g.spec[to->second];
        if ((fs && !fs->hasOutput) || (ts && ts->maxInputs == 0)) continue;
        g.in[to->second].push_back({e.port, from->second});
        g.out[from->second].push_back(to->second);
    }
    for (auto& list : g.in)
        std::stable_sort(list.begin(), list.end(),
                         [](const DesignGraph::InEdge& a, const DesignGraph::InEdge& b) { return a.port < b.port; });
    return g;
}

void checkGraph(const Design& d, DesignGraph& g, std::vector<DesignIssue>& issues) {
    checkSingle(d, "Input", issues);
    checkSingle(d, "Output", issues);

    for (const Edge& e : d.edges) {
        auto from = g.indexOf.find(e.from), to = g.indexOf.find(e.to);
        const bool hasFrom = from != g.indexOf.end(), hasTo = to != g.indexOf.end();
        if (!hasFrom && !hasTo) {
            issues.push_back({"", "edges", "edge " + quoted(e.from) + " -> " + quoted(e.to) +
                                               " names no existing node"});
        } else if (!hasFrom) {
            issues.push_back({e.to, "edges", "edge from unknown node " + quoted(e.from)});
            g.edgesOk[to->second] = false;
        } else if (!hasTo) {
            issues.push_back({e.from, "edges", "edge to unknown node " + quoted(e.to)});
        }
        if (hasFrom && g.spec[from->second] && !g.spec[from->second]->hasOutput)
            issues.push_back({e.from, "edges", g.spec[from->second]->type + " has no outgoing edges, but one leads to " +
                                                   quoted(e.to) + "; delete it"});
        if (hasTo && g.spec[to->second] && g.spec[to->second]->maxInputs == 0)
            issues.push_back({e.to, "edges", g.spec[to->second]->type + " takes no inputs, but an edge comes from " +
                                                 quoted(e.from) + "; delete it"});
    }

    std::map<std::string, std::map<int, std::vector<std::string>>> edgesInto;  // id -> port -> froms
    for (const Edge& e : d.edges) edgesInto[e.to][e.port].push_back(e.from);
    for (std::size_t i = 0; i < d.nodes.size(); ++i) {
        if (!g.inGraph[i] || !g.spec[i] || g.spec[i]->maxInputs == 0) continue;
        auto it = edgesInto.find(d.nodes[i].id);
        if (it == edgesInto.end()) continue;
        bool ok = g.edgesOk[i];
        checkPorts(*g.spec[i], d.nodes[i].id, it->second, ok, issues);
        g.edgesOk[i] = ok;
    }
    checkCycles(d, g, issues);
    checkConnected(d, g, issues);
}

}  // namespace strata
