// strata probe RUN.h5 --data DIR [--samples N] [--json FILE]
#include <cstdio>

#include "Commands.h"
#include "Format.h"
#include "Options.h"
#include "insight/Insight.h"
#include "runs/MetricsJson.h"

namespace strata::cli {

int probeCommand(const Args& args) {
    Options opts("probe", "RUN.h5 --data DIR [--samples N] [--json FILE]",
                 "Measures the feature hierarchy of a trained run: for every layer with a spatial or\n"
                 "feature output, the held-out accuracy of a linear classifier (softmax regression) on\n"
                 "its globally average-pooled features, fitted on 70% of a random sample of DIR and\n"
                 "tested on the other 30%. One line per layer: id, depth, role, accuracy.",
                 {{"--data", "DIR", "image folder with the run's classes (required)"},
                  {"--samples", "N", "images sampled from DIR (default 2000)"},
                  {"--json", "FILE", "also write the results as JSON (strata.probe/1)"},
                  {"--threads", "N", "compute threads (default: number of cores)"},
                  noVerifyOption()});
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata probe: expected one RUN.h5 (see strata probe --help)");
    if (!opts.has("--data")) throw UsageError("strata probe: --data DIR is required");
    const int samples = opts.getInt("--samples", 2000);
    if (samples < 4) throw UsageError("--samples must be at least 4");
    const int threads = opts.getInt("--threads", 0);
    if (threads < 0) throw UsageError("--threads must be at least 1");

    if (opts.has("--no-verify"))
        printNote(opts.positionals()[0] + ": not verified (--no-verify): damaged contents would go unnoticed");
    const std::vector<ProbePoint> points = probeLayers(opts.positionals()[0], opts.get("--data"), samples, threads,
                                                        !opts.has("--no-verify"));
    Table table({"layer", "depth", "role", "accuracy"});
    nlohmann::json layers = nlohmann::json::array();
    for (const ProbePoint& p : points) {
        char acc[32];
        std::snprintf(acc, sizeof acc, "%.4f", p.accuracy);
        table.add({p.layer, std::to_string(p.depth), p.role.empty() ? "-" : p.role, acc});
        layers.push_back({{"layer", p.layer}, {"depth", p.depth}, {"role", p.role}, {"accuracy", p.accuracy}});
    }
    std::fputs(table.render().c_str(), stdout);
    if (opts.has("--json"))
        writeJsonFile(opts.get("--json"), {{"format", "strata.probe/1"}, {"samples", samples}, {"layers", layers}});
    return kExitOk;
}

}  // namespace strata::cli
