#pragma once
// Transfer (docs/ARCHITECTURE.md §3): starting a training from a trained run's weights, and
// freezing what it learned. Torch-free, so that the studio can show, before training, which
// nodes a run would initialize (badges on the cards) and check a freeze setting.
#include <string>
#include <vector>

#include "design/DesignAnalysis.h"
#include "runs/RunReader.h"

namespace strata {

// What initializing from a run does to one node of the design that has parameters or buffers.
struct NodeInit {
    enum class Kind {
        Copied,   // same id, same type, every tensor of the same shape: the run's values
        New,      // no node of that id and type in the run: the seeded initial values
        Skipped,  // same id and type, a tensor of another shape (a head for other classes)
    };
    std::string id, type;
    Kind kind = Kind::New;
    std::string reason;  // for New and Skipped: why, for people
};

struct InitPlan {
    std::string source;           // the run file as given
    std::vector<NodeInit> nodes;  // in execution order
    int count(NodeInit::Kind kind) const;
    // "copied conv1, conv2, fc1; new: none; skipped: fc2 (weight [5, 128] in the run, [10, 128] here)"
    std::string summary() const;
};

// Matches the design's nodes against the run's by id, type and tensor shapes. The head (the
// last node with parameters) maps the run's classes: it is copied only when `classes` are the
// run's, in the same order ("" list: unknown yet, matched by shape alone). Throws
// std::invalid_argument naming the run when no node matches at all.
InitPlan planInit(const DesignAnalysis& target, const ValidRun& source, const std::string& sourcePath,
                  const std::vector<std::string>& classes);

// The node ids to freeze, in execution order: `ids` plus every node up to and including
// `through` that has parameters. Throws std::invalid_argument naming the node for an id that
// is not in the design or has no parameters, and when nothing would be left to train.
std::vector<std::string> resolveFrozen(const DesignAnalysis& analysis, const std::vector<std::string>& ids,
                                       const std::string& through);

}  // namespace strata
