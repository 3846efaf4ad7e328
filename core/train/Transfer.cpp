#include "train/Transfer.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "design/CheckpointLayout.h"

namespace strata {

namespace {

// The design's tensors grouped by node id (the part of the name before the first '.').
std::map<std::string, std::vector<ExpectedArray>> tensorsByNode(const DesignAnalysis& analysis) {
    std::map<std::string, std::vector<ExpectedArray>> out;
    for (ExpectedArray& e : checkpointLayout(analysis)) out[e.name.substr(0, e.name.find('.'))].push_back(std::move(e));
    return out;
}

NodeInit matchNode(const NodeAnalysis& node, const std::vector<ExpectedArray>& tensors, const ValidRun& source) {
    NodeInit n{node.id, node.type, NodeInit::Kind::New, ""};
    const NodeAnalysis* theirs = source.analysis.find(node.id);
    if (!theirs) {
        n.reason = "not in the run";
        return n;
    }
    if (theirs->type != node.type) {
        n.reason = "a " + theirs->type + " in the run";
        return n;
    }
    for (const ExpectedArray& e : tensors) {
        const NamedArray* a = findArray(source.data.checkpoint, e.name);
        if (!a || a->shape != e.shape) {
            n.kind = NodeInit::Kind::Skipped;
            const std::string tensor = e.name.substr(e.name.find('.') + 1);
            n.reason = a ? tensor + " " + dimsToString(a->shape) + " in the run, " + dimsToString(e.shape) + " here"
                         : tensor + " not in the run";
            return n;
        }
    }
    n.kind = NodeInit::Kind::Copied;
    return n;
}

}  // namespace

int InitPlan::count(NodeInit::Kind kind) const {
    return int(std::count_if(nodes.begin(), nodes.end(), [kind](const NodeInit& n) { return n.kind == kind; }));
}

std::string InitPlan::summary() const {
    auto list = [this](NodeInit::Kind kind, bool reasons) {
        std::string out;
        for (const NodeInit& n : nodes) {
            if (n.kind != kind) continue;
            out += (out.empty() ? "" : ", ") + n.id + (reasons && !n.reason.empty() ? " (" + n.reason + ")" : "");
        }
        return out.empty() ? std::string("none") : out;
    };
    return "copied " + list(NodeInit::Kind::Copied, false) + "; new: " + list(NodeInit::Kind::New, true) +
           "; skipped: " + list(NodeInit::Kind::Skipped, true);
}

InitPlan planInit(const DesignAnalysis& target, const ValidRun& source, const std::string& sourcePath,
                  const std::vector<std::string>& classes) {
    InitPlan plan;
    plan.source = sourcePath;
    const auto tensors = tensorsByNode(target);
    for (const NodeAnalysis& node : target.nodes) {
        auto it = tensors.find(node.id);
        if (it != tensors.end()) plan.nodes.push_back(matchNode(node, it->second, source));
    }
    // Output k of the run's head means the run's class k: for other classes it starts afresh.
    if (!plan.nodes.empty() && !classes.empty() && classes != source.classes &&
        plan.nodes.back().kind == NodeInit::Kind::Copied) {
        plan.nodes.back().kind = NodeInit::Kind::New;
        plan.nodes.back().reason = "the head: the run was trained on other classes";
    }
    if (plan.count(NodeInit::Kind::Copied) == 0)
        throw std::invalid_argument(sourcePath + ": no node of the design matches a node of the run by id, type and "
                                                 "shapes; nothing to start from");
    return plan;
}

std::vector<std::string> resolveFrozen(const DesignAnalysis& analysis, const std::vector<std::string>& ids,
                                       const std::string& through) {
    std::set<std::string> wanted;
    for (const std::string& id : ids) {
        const NodeAnalysis* node = analysis.find(id);
        if (!node) throw std::invalid_argument("--freeze: the design has no node \"" + id + "\"");
        if (node->parameters == 0)
            throw std::invalid_argument("--freeze: node \"" + id + "\" (" + node->type + ") has no parameters to freeze");
        wanted.insert(id);
    }
    if (!through.empty()) {
        if (!analysis.find(through)) throw std::invalid_argument("--freeze-through: the design has no node \"" + through + "\"");
        for (const NodeAnalysis& node : analysis.nodes) {
            if (node.parameters > 0) wanted.insert(node.id);
            if (node.id == through) break;
        }
    }
    std::vector<std::string> frozen;
    bool anyTrainable = false;
    for (const NodeAnalysis& node : analysis.nodes) {
        if (wanted.count(node.id)) frozen.push_back(node.id);
        else if (node.parameters > 0) anyTrainable = true;
    }
    if (!frozen.empty() && !anyTrainable)
        throw std::invalid_argument("--freeze: every layer with parameters would be frozen; leave at least the head to train");
    return frozen;
}

}  // namespace strata
