// strata check DESIGN [--classes N] [--cost] [--preflight [--data DIR] [--seed N]]
#include <cmath>
#include <cstdio>
#include <map>

#include "Commands.h"
#include "Format.h"
#include "Options.h"
#include "design/DesignAnalysis.h"
#include "design/DesignCost.h"
#include "data/ImageFolder.h"
#include "insight/Preflight.h"

namespace strata::cli {

namespace {

// "%.3g" of a measured figure, "-" where it does not apply (NaN).
std::string figure(const char* format, double value) {
    if (std::isnan(value)) return "-";
    char text[64];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

// The pre-flight's columns of one node: "-" for nodes without a module (Input, Add, ...).
std::vector<std::string> preflightCells(const std::map<std::string, const PreflightNode*>& byId, const std::string& id) {
    const auto it = byId.find(id);
    if (it == byId.end()) return {"-", "-", "-", "-"};
    const PreflightNode& n = *it->second;
    return {figure("%.3g", n.outputStd), figure("%.0f %%", 100.0 * n.deadShare), figure("%.2e", n.outputGradientNorm),
            figure("%.2e", n.weightGradientNorm)};
}

// The node table; with `cost`, each node's MACs and output bytes per image too (the figures of
// the canvas cards, docs/ARCHITECTURE.md §7) and the `total: ...` line of the issue's format;
// with a pre-flight, its measurements per node.
void printNodes(const DesignAnalysis& analysis, bool cost, const PreflightReport* preflight) {
    const DesignCost costs = designCost(analysis);
    std::vector<std::string> header{"node", "type", "output", "parameters"};
    if (cost) header.insert(header.end(), {"MACs", "output bytes"});
    std::map<std::string, const PreflightNode*> measured;
    if (preflight) {
        header.insert(header.end(), {"output std", "dead", "output grad", "weight grad"});
        for (const PreflightNode& n : preflight->nodes) measured[n.id] = &n;
    }
    Table table(header);
    for (size_t i = 0; i < analysis.nodes.size(); ++i) {
        const NodeAnalysis& n = analysis.nodes[i];
        std::vector<std::string> row{n.id, n.type, shapeToString(n.output), groupedNumber(n.parameters)};
        const NodeCost& c = costs.nodes[i];
        if (cost) row.insert(row.end(), {groupedNumber(c.macs), groupedNumber(c.outputBytes)});
        if (preflight) {
            const std::vector<std::string> cells = preflightCells(measured, n.id);
            row.insert(row.end(), cells.begin(), cells.end());
        }
        table.add(row);
    }
    std::fputs(table.render().c_str(), stdout);
    if (cost)
        std::printf("total: %s parameters, %s MACs per image\n", groupedNumber(costs.totalParameters).c_str(),
                    groupedNumber(costs.totalMacs).c_str());
    else
        std::printf("total parameters: %s\n", groupedNumber(analysis.totalParameters).c_str());
}

// The pre-flight's summary and its findings, which are warnings, not errors (the exit code stays 0).
void printPreflight(const std::string& path, const PreflightReport& report) {
    std::printf("preflight: %d images, gradient ratio %s (%s / %s), %.2f s\n", report.images,
                figure("%.2e", report.gradientRatio).c_str(), report.inputMost.c_str(), report.headMost.c_str(),
                report.seconds);
    for (const PreflightFinding& f : report.findings) std::printf("warning: %s: %s\n", path.c_str(), f.text.c_str());
}

}  // namespace

int checkCommand(const Args& args) {
    Options opts("check", "DESIGN [--classes N] [--cost] [--preflight [--data DIR] [--seed N]]",
                 "Validates a design and prints one row per node: id, type, output shape and\n"
                 "parameter count; then the total. With --cost, also the multiply-accumulates of\n"
                 "its weights per image (Conv2d and Linear, as fvcore and thop count them) and its\n"
                 "output's size, then `total: N parameters, M MACs per image`. With --preflight,\n"
                 "one forward and backward pass at the seeded initial weights measures each node's\n"
                 "output std, share of zero ReLU outputs and gradient norms, and prints a\n"
                 "`warning:` line per finding: gradients of the weights nearest the input 100x\n"
                 "smaller or larger than those of the last weights before the head, or a ReLU\n"
                 "with 90 % zero outputs (exit 0 all the same). Exit 2 with the node and the\n"
                 "reason when invalid.",
                 {{"--classes", "N", "number of classes for Linear out_features \"classes\" (default 10)"},
                  {"--cost", "", "add each node's MACs and fp32 output bytes per image, and their total"},
                  {"--preflight", "", "measure activations and gradients at initialization and warn about them"},
                  {"--data", "DIR", "pre-flight batch: the first images of each class, normalized as training does "
                                    "(default: random normal images); the classes are the folder's"},
                  {"--seed", "N", "initial weights as `strata train --seed N` draws them (default 0)"}});
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata check: expected one DESIGN file (see strata check --help)");
    const bool preflightOn = opts.has("--preflight");
    if (!preflightOn && (opts.has("--data") || opts.has("--seed"))) throw UsageError("--data and --seed need --preflight");
    if (opts.has("--data") && opts.has("--classes")) throw UsageError("--classes and --data exclude each other");
    PreflightInputs inputs;
    inputs.dataDir = opts.get("--data");
    const int seed = opts.getInt("--seed", 0);
    if (seed < 0) throw UsageError("--seed must not be negative");
    inputs.seed = uint64_t(seed);
    inputs.classes = inputs.dataDir.empty() ? opts.getInt("--classes", 10)
                                            : int(scanImageFolder(inputs.dataDir).classes.size());
    if (inputs.classes < 1 || inputs.classes > 100000) throw UsageError("--classes must be between 1 and 100000");

    const std::string& path = opts.positionals()[0];
    const Design design = loadDesign(path);
    const DesignAnalysis analysis = analyzeDesign(design, inputs.classes);
    if (!analysis.valid()) {
        for (const DesignIssue& issue : analysis.issues) printError(path + ": " + issue.text());
        return kExitBadInput;
    }
    if (!preflightOn) {
        printNodes(analysis, opts.has("--cost"), nullptr);
        return kExitOk;
    }
    const PreflightReport report = preflight(design, inputs);
    printNodes(analysis, opts.has("--cost"), &report);
    printPreflight(path, report);
    return kExitOk;
}

}  // namespace strata::cli
