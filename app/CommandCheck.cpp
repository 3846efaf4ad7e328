// strata check DESIGN [--classes N]
#include <cstdio>

#include "Commands.h"
#include "Format.h"
#include "Options.h"
#include "design/DesignAnalysis.h"

namespace strata::cli {

int checkCommand(const Args& args) {
    Options opts("check", "DESIGN [--classes N]",
                 "Validates a design and prints one row per node: id, type, output shape and\n"
                 "parameter count; then the total. Exit 2 with the node and the reason when invalid.",
                 {{"--classes", "N", "number of classes for Linear out_features \"classes\" (default 10)"}});
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
    Table table({"node", "type", "output", "parameters"});
    for (const NodeAnalysis& n : analysis.nodes)
        table.add({n.id, n.type, shapeToString(n.output), groupedNumber(n.parameters)});
    std::fputs(table.render().c_str(), stdout);
    std::printf("total parameters: %s\n", groupedNumber(analysis.totalParameters).c_str());
    return kExitOk;
}

}  // namespace strata::cli
