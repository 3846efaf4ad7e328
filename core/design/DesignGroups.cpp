// Blocks of the editor: the file's "groups" list, grouping, repeating and keeping groups in
// step with node edits (see DesignGroups.h).
#include "design/DesignGroups.h"

#include <algorithm>
#include <map>
#include <regex>

#include "design/DesignAnalysis.h"

namespace strata {

namespace {

using nlohmann::json;

constexpr double kRowStep = 100;  // the templates' vertical spacing between rows of cards
constexpr int kMaxRepeatBadge = 1000000;

[[noreturn]] void fail(const std::string& source, const std::string& where, const std::string& what) {
    throw DesignError(source + ": " + where + ": " + what);
}

std::string inQuotes(const std::string& s) { return "\"" + s + "\""; }

// The same id rule as nodes (docs/ARCHITECTURE.md §5), so a group id reads like one.
bool validId(const std::string& id) {
    static const std::regex rule("[A-Za-z_][A-Za-z0-9_-]*");
    return std::regex_match(id, rule);
}

Group parseGroup(const json& j, std::size_t index, const std::string& source) {
    std::string where = "groups[" + std::to_string(index) + "]";
    if (!j.is_object()) fail(source, where, "must be an object");
    if (!j.contains("id") || !j["id"].is_string()) fail(source, where, "field \"id\" must be a string");
    Group g;
    g.id = j["id"].get<std::string>();
    where += " (" + inQuotes(g.id) + ")";
    if (!validId(g.id)) fail(source, where, "the id must start with a letter or '_' and hold only letters, digits, '_' and '-'");
    for (auto it = j.begin(); it != j.end(); ++it)
        if (!std::set<std::string>{"id", "name", "nodes", "collapsed", "repeat"}.count(it.key()))
            fail(source, where, "unknown field " + inQuotes(it.key()) + " (known: id, name, nodes, collapsed, repeat)");
    g.name = g.id;
    if (j.contains("name")) {
        if (!j["name"].is_string()) fail(source, where, "field \"name\" must be a string");
        g.name = j["name"].get<std::string>();
    }
    if (!j.contains("nodes") || !j["nodes"].is_array() || j["nodes"].empty())
        fail(source, where, "field \"nodes\" must be a non-empty array of node ids");
    for (const json& n : j["nodes"]) {
        if (!n.is_string()) fail(source, where, "field \"nodes\" must hold node ids (strings)");
        g.nodes.push_back(n.get<std::string>());
    }
    if (j.contains("collapsed")) {
        if (!j["collapsed"].is_boolean()) fail(source, where, "field \"collapsed\" must be true or false");
        g.collapsed = j["collapsed"].get<bool>();
    }
    if (j.contains("repeat")) {
        const json& r = j["repeat"];
        if (!r.is_number_integer() || r.get<double>() < 1 || r.get<double>() > kMaxRepeatBadge)
            fail(source, where, "field \"repeat\" must be an integer >= 1, got " + r.dump());
        g.repeat = r.get<int>();
    }
    return g;
}

std::set<std::string> memberSet(const Group& g) { return {g.nodes.begin(), g.nodes.end()}; }

Group& groupOrThrow(Design& design, const std::string& groupId) {
    for (Group& g : design.groups)
        if (g.id == groupId) return g;
    throw DesignError("there is no block " + inQuotes(groupId));
}

std::string blockName(const Group& g) { return "block " + inQuotes(g.name); }

// "b1_conv1" -> "b1_conv1_2" (or _3, ... when taken): says where the copy came from.
std::string freshId(const Design& design, const std::set<std::string>& taken, const std::string& base, int from) {
    for (int n = from;; ++n) {
        const std::string id = base + "_" + std::to_string(n);
        if (!design.findNode(id) && !taken.count(id)) return id;
    }
}

// The one node outside the block feeding it and the one member leaving it.
struct BlockEnds {
    std::string entry, exit;
    bool entryUnique = true, exitUnique = true;
};

BlockEnds blockEnds(const Design& design, const std::set<std::string>& members) {
    BlockEnds ends;
    for (const Edge& e : design.edges) {
        const bool fromIn = members.count(e.from), toIn = members.count(e.to);
        if (!fromIn && toIn) {
            if (!ends.entry.empty() && ends.entry != e.from) ends.entryUnique = false;
            ends.entry = e.from;
        } else if (fromIn && !toIn) {
            if (!ends.exit.empty() && ends.exit != e.from) ends.exitUnique = false;
            ends.exit = e.from;
        }
    }
    return ends;
}

BlockEnds checkedEnds(const Design& design, const Group& g) {
    const BlockEnds ends = blockEnds(design, memberSet(g));
    if (ends.entry.empty()) throw DesignError(blockName(g) + " cannot repeat: nothing outside it feeds it");
    if (!ends.entryUnique) throw DesignError(blockName(g) + " cannot repeat: it has inputs from more than one node");
    if (ends.exit.empty()) throw DesignError(blockName(g) + " cannot repeat: nothing outside it uses its output");
    if (!ends.exitUnique) throw DesignError(blockName(g) + " cannot repeat: more than one of its layers feeds the rest");
    for (const std::string& id : g.nodes) {
        const Node* n = design.findNode(id);
        if (n && (n->type == "Input" || n->type == "Output"))
            throw DesignError(blockName(g) + " cannot repeat: it holds the " + n->type + " node " + inQuotes(id));
    }
    return ends;
}

// Extent of the members with a position: where copies go and what moves down.
struct Extent {
    bool any = false;
    double top = 0, bottom = 0, left = 0, right = 0;
};

Extent extentOf(const Design& design, const std::set<std::string>& members) {
    Extent x;
    for (const Node& n : design.nodes) {
        if (!members.count(n.id) || !n.hasPos) continue;
        x.top = x.any ? std::min(x.top, n.y) : n.y;
        x.bottom = x.any ? std::max(x.bottom, n.y) : n.y;
        x.left = x.any ? std::min(x.left, n.x) : n.x;
        x.right = x.any ? std::max(x.right, n.x) : n.x;
        x.any = true;
    }
    return x;
}

// Makes room below the block for its copies: the layers after it in its column move down (in
// a layout wrapped into columns, the next columns' layers stay where they are).
void makeRoomBelow(Design& design, const Design& before, const std::set<std::string>& members, const Extent& extent,
                   const std::string& exit, double shift) {
    constexpr double kColumnReach = 300;  // a card's width and a branch beside it
    const std::set<std::string> below = nodesDownstreamOf(before, exit);
    for (Node& n : design.nodes)
        if (extent.any && n.hasPos && below.count(n.id) && !members.count(n.id) && n.y > extent.bottom &&
            n.x >= extent.left - kColumnReach && n.x <= extent.right + kColumnReach)
            n.y += shift;
}

// Copy `k` (1-based among the new ones) of the members, fed by `input`; returns its exit.
std::string addCopy(Design& design, const Design& before, const Group& g, const BlockEnds& ends,
                    const std::string& input, int k, double step, std::vector<Node>& added,
                    std::set<std::string>& taken) {
    const std::set<std::string> members = memberSet(g);
    std::map<std::string, std::string> idOf;
    for (const Node& n : before.nodes) {
        if (!members.count(n.id)) continue;
        Node copy = n;
        copy.id = freshId(before, taken, n.id, k + 1);
        taken.insert(copy.id);
        if (copy.hasPos) copy.y += step * k;
        idOf[n.id] = copy.id;
        added.push_back(copy);
    }
    for (const Edge& e : before.edges) {
        const bool fromIn = members.count(e.from), toIn = members.count(e.to);
        if (fromIn && toIn) design.edges.push_back({idOf[e.from], idOf[e.to], e.port});
        else if (toIn && e.from == ends.entry) design.edges.push_back({input, idOf[e.to], e.port});
    }
    return idOf[ends.exit];
}

// The issues of `after` that `before` did not have: what the edit broke.
std::vector<std::string> newIssues(const Design& before, const Design& after, int classes) {
    std::set<std::string> old;
    for (const DesignIssue& i : analyzeDesign(before, classes).issues) old.insert(i.text());
    std::vector<std::string> out;
    for (const DesignIssue& i : analyzeDesign(after, classes).issues)
        if (!old.count(i.text())) out.push_back(i.text());
    return out;
}

}  // namespace

std::vector<Group> parseGroups(const json& list, const Design& design, const std::string& source) {
    if (!list.is_array()) fail(source, "groups", "must be an array of blocks");
    std::vector<Group> groups;
    std::map<std::string, std::string> owner;  // node id -> group id
    for (std::size_t i = 0; i < list.size(); ++i) {
        Group g = parseGroup(list[i], i, source);
        const std::string where = "groups[" + std::to_string(i) + "] (" + inQuotes(g.id) + ")";
        for (const Group& other : groups)
            if (other.id == g.id) fail(source, where, "another group has the id " + inQuotes(g.id));
        for (const std::string& id : g.nodes) {
            if (!design.findNode(id)) fail(source, where, "node " + inQuotes(id) + " is not in the design");
            auto [it, fresh] = owner.emplace(id, g.id);
            if (!fresh)
                fail(source, where, "node " + inQuotes(id) + " is already in group " + inQuotes(it->second) +
                                        " (a node belongs to one group at most)");
        }
        groups.push_back(std::move(g));
    }
    return groups;
}

json groupsToJson(const std::vector<Group>& groups) {
    json list = json::array();
    for (const Group& g : groups) {
        json j = {{"id", g.id}, {"name", g.name}, {"nodes", g.nodes}, {"collapsed", g.collapsed}};
        if (g.repeat != 1) j["repeat"] = g.repeat;
        list.push_back(std::move(j));
    }
    return list;
}

const Group* findGroup(const Design& design, const std::string& groupId) {
    for (const Group& g : design.groups)
        if (g.id == groupId) return &g;
    return nullptr;
}

const Group* groupOfNode(const Design& design, const std::string& nodeId) {
    for (const Group& g : design.groups)
        if (std::find(g.nodes.begin(), g.nodes.end(), nodeId) != g.nodes.end()) return &g;
    return nullptr;
}

Design flatDesign(Design design) {
    design.groups.clear();
    return design;
}

std::string groupNodes(Design& design, const std::vector<std::string>& nodeIds, const std::string& name) {
    if (nodeIds.empty()) throw DesignError("select the layers to group first");
    const std::set<std::string> wanted(nodeIds.begin(), nodeIds.end());
    Group g;
    for (const std::string& id : wanted) {
        if (!design.findNode(id)) throw DesignError("node " + inQuotes(id) + " is not in the design");
        if (const Group* other = groupOfNode(design, id))
            throw DesignError("node " + inQuotes(id) + " is already in block " + inQuotes(other->name));
    }
    for (const Node& n : design.nodes)
        if (wanted.count(n.id) && std::find(g.nodes.begin(), g.nodes.end(), n.id) == g.nodes.end())
            g.nodes.push_back(n.id);
    int k = 1;
    while (findGroup(design, "block" + std::to_string(k))) ++k;
    g.id = "block" + std::to_string(k);
    g.name = name.empty() ? "Block " + std::to_string(k) : name;
    design.groups.push_back(g);
    return g.id;
}

void ungroup(Design& design, const std::string& groupId) {
    groupOrThrow(design, groupId);
    design.groups.erase(std::remove_if(design.groups.begin(), design.groups.end(),
                                       [&](const Group& g) { return g.id == groupId; }),
                        design.groups.end());
}

void setGroupCollapsed(Design& design, const std::string& groupId, bool collapsed) {
    groupOrThrow(design, groupId).collapsed = collapsed;
}

void renameGroup(Design& design, const std::string& groupId, const std::string& name) {
    if (name.empty()) throw DesignError("a block needs a name");
    groupOrThrow(design, groupId).name = name;
}

void repeatGroup(Design& design, const std::string& groupId, int times, int classes) {
    const Group g = groupOrThrow(design, groupId);
    if (times < 2 || times > kMaxRepeat)
        throw DesignError("repeat " + blockName(g) + " 2 to " + std::to_string(kMaxRepeat) + " times, not " +
                          std::to_string(times));
    const BlockEnds ends = checkedEnds(design, g);
    const std::set<std::string> members = memberSet(g);
    const Extent extent = extentOf(design, members);
    const double step = extent.bottom - extent.top + kRowStep;

    Design after = design;
    std::vector<Node> added;
    std::set<std::string> taken;
    std::string last = ends.exit;
    for (int k = 1; k < times; ++k) last = addCopy(after, design, g, ends, last, k, step, added, taken);
    for (Edge& e : after.edges)  // what the block fed is now fed by the last copy
        if (e.from == ends.exit && !members.count(e.to) && !taken.count(e.to)) e.from = last;
    makeRoomBelow(after, design, members, extent, ends.exit, step * (times - 1));
    // The copies follow the block's last member in file order, so the file reads top to bottom.
    auto lastMember = std::find_if(after.nodes.rbegin(), after.nodes.rend(),
                                   [&](const Node& n) { return members.count(n.id) > 0; });
    after.nodes.insert(lastMember.base(), added.begin(), added.end());
    Group& grown = groupOrThrow(after, groupId);
    for (const Node& n : added) grown.nodes.push_back(n.id);
    grown.repeat *= times;

    const std::vector<std::string> broken = newIssues(design, after, classes);
    if (!broken.empty())
        throw DesignError(blockName(g) + " cannot repeat " + std::to_string(times) + " times: " + broken.front());
    design = std::move(after);
}

void dropNodesFromGroups(Design& design, const std::set<std::string>& removed) {
    for (Group& g : design.groups) {
        const std::size_t before = g.nodes.size();
        g.nodes.erase(std::remove_if(g.nodes.begin(), g.nodes.end(), [&](const std::string& id) { return removed.count(id); }),
                      g.nodes.end());
        if (g.nodes.size() != before) g.repeat = 1;  // no longer N copies of one unit
    }
    design.groups.erase(std::remove_if(design.groups.begin(), design.groups.end(),
                                       [](const Group& g) { return g.nodes.empty(); }),
                        design.groups.end());
}

void renameNodeInGroups(Design& design, const std::string& from, const std::string& to) {
    for (Group& g : design.groups)
        std::replace(g.nodes.begin(), g.nodes.end(), from, to);
}

BlockSummary summarizeBlock(const Design& design, const DesignAnalysis& analysis, const Group& group) {
    BlockSummary s;
    const BlockEnds ends = blockEnds(design, memberSet(group));
    if (ends.entryUnique) s.entry = ends.entry;
    if (ends.exitUnique) s.exit = ends.exit;
    if (const NodeAnalysis* a = s.entry.empty() ? nullptr : analysis.find(s.entry)) s.input = a->output;
    if (const NodeAnalysis* a = s.exit.empty() ? nullptr : analysis.find(s.exit)) s.output = a->output;
    for (const std::string& id : group.nodes) {
        if (const NodeAnalysis* a = analysis.find(id)) s.parameters += a->parameters;
        ++s.layers;
    }
    return s;
}

}  // namespace strata
