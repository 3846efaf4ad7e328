#pragma once
// Blocks: named groups of nodes that the editor draws as one collapsible card, and repeats as
// a chain of copies. Groups are editor data only: the graph (nodes, edges) is the same with or
// without them, so training, export and features never look at them. Pure functions of the
// Design value; the editor wraps each edit in one undo step (ui/model/DesignDocumentBlocks.cpp).
#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

#include "design/Design.h"
#include "design/LayerRegistry.h"

namespace strata {

struct DesignAnalysis;

// The most copies one Repeat makes (the studio's dialog offers 2..kMaxRepeat).
inline constexpr int kMaxRepeat = 32;

// --- The file's "groups" list (called by parseDesign and designToJson) ----------------------
// Checks structure and membership: every group has a unique id, at least one node, only nodes
// of `design`, and no node is in two groups. Throws DesignError naming the group at fault.
std::vector<Group> parseGroups(const nlohmann::json& list, const Design& design, const std::string& source);
nlohmann::json groupsToJson(const std::vector<Group>& groups);

const Group* findGroup(const Design& design, const std::string& groupId);
// The group holding node `nodeId`, or nullptr.
const Group* groupOfNode(const Design& design, const std::string& nodeId);
// The design without its groups: what training and export record.
Design flatDesign(Design design);

// --- Edits: each changes `design` or throws DesignError with the reason, changing nothing ---
// Groups `nodeIds` (design order kept) as a new expanded block; returns its id ("block1").
// `name` "" names it "Block <n>".
std::string groupNodes(Design& design, const std::vector<std::string>& nodeIds, const std::string& name = "");
void ungroup(Design& design, const std::string& groupId);
void setGroupCollapsed(Design& design, const std::string& groupId, bool collapsed);
void renameGroup(Design& design, const std::string& groupId, const std::string& name);
// Chains `times` copies of the block in place of the one (times 2..kMaxRepeat): copies get
// fresh ids ("b1_conv1_2"), their internal edges (skip connections too) and positions below the
// block; copy k's inputs come from copy k-1's output, and what the block fed is fed by the
// last copy. Needs one node feeding the block and one node leaving it (several edges from
// each are fine, as in a residual block). Refuses, naming the first problem, when the copies'
// shapes do not chain (analyzeDesign with `classes`). The block's repeat multiplies by `times`.
void repeatGroup(Design& design, const std::string& groupId, int times, int classes = 10);

// --- Keeping groups consistent with node edits ----------------------------------------------
// Deleted nodes leave their groups; emptied groups go, and a changed block's ×N resets to 1.
void dropNodesFromGroups(Design& design, const std::set<std::string>& removed);
void renameNodeInGroups(Design& design, const std::string& from, const std::string& to);

// --- What a block's card shows -----------------------------------------------------------
struct BlockSummary {
    std::string entry;  // the node feeding the block ("" when none or several)
    std::string exit;   // the member whose output leaves the block ("" when none or several)
    Shape input, output;  // empty when unknown
    int64_t parameters = 0;
    int layers = 0;
};
BlockSummary summarizeBlock(const Design& design, const DesignAnalysis& analysis, const Group& group);

}  // namespace strata
