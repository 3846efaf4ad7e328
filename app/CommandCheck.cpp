// strata check DESIGN [--classes N] [--cost]
#include <cstdio>

#include "Commands.h"
#include "Format.h"
#include "Options.h"
#include "design/DesignAnalysis.h"
#include "design/DesignCost.h"

namespace strata::cli {

namespace {

// The node table; with `cost`, each node's MACs and output bytes per image too (the figures of
// the canvas cards, docs/ARCHITECTURE.md §7) and the `total: ...` line of the issue's format.
void printNodes(const DesignAnalysis& analysis, bool cost) {
    const DesignCost costs = designCost(analysis);
    std::vector<std::string> header{"node", "type", "output", "parameters"};
    if (cost) header.insert(header.end(), {"MACs", "output bytes"});
    Table table(header);
    for (size_t i = 0; i < analysis.nodes.size(); ++i) {
        const NodeAnalysis& n = analysis.nodes[i];
        std::vector<std::string> row{n.id, n.type, shapeToString(n.output), groupedNumber(n.parameters)};
        const NodeCost& c = costs.nodes[i];
        if (cost) row.insert(row.end(), {groupedNumber(c.macs), groupedNumber(c.outputBytes)});
        table.add(row);
    }
    std::fputs(table.render().c_str(), stdout);
    if (cost)
        std::printf("total: %s parameters, %s MACs per image\n", groupedNumber(costs.totalParameters).c_str(),
                    groupedNumber(costs.totalMacs).c_str());
    else
        std::printf("total parameters: %s\n", groupedNumber(analysis.totalParameters).c_str());
}

}  // namespace

int checkCommand(const Args& args) {
    Options opts("check", "DESIGN [--classes N] [--cost]",
                 "Validates a design and prints one row per node: id, type, output shape and\n"
                 "parameter count; then the total. With --cost, also the multiply-accumulates of\n"
                 "its weights per image (Conv2d and Linear, as fvcore and thop count them) and its\n"
                 "output's size, then `total: N parameters, M MACs per image`. Exit 2 with the node\n"
                 "and the reason when invalid.",
                 {{"--classes", "N", "number of classes for Linear out_features \"classes\" (default 10)"},
                  {"--cost", "", "add each node's MACs and fp32 output bytes per image, and their total"}});
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata check: expected one DESIGN file (see strata check --help)");
    const int classes = opts.getInt("--classes", 10);
    if (classes < 1 || classes > 100000) throw UsageError("--classes must be between 1 and 100000");

    const std::string& path = opts.positionals()[0];
    const Design design = loadDesign(path);
    const DesignAnalysis analysis = analyzeDesign(design, classes);
    if (!analysis.valid()) {
        for (const DesignIssue& issue : analysis.issues) printError(path + ": " + issue.text());
        return kExitBadInput;
    }
    printNodes(analysis, opts.has("--cost"));
    return kExitOk;
}

}  // namespace strata::cli
