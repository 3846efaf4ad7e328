// strata runs DIR
#include <cstdio>
#include <filesystem>

#include "Commands.h"
#include "Format.h"
#include "Options.h"
#include "runs/RunSummary.h"

namespace strata::cli {

namespace {

// "0.8812 (val)": which accuracy it is always shows (core/runs/RunSummary.h defines "best").
std::string bestText(const BestAccuracy& best) {
    if (!best.known()) return "-";
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.4f (%s)", best.value, best.label.c_str());
    return buf;
}

std::string orDash(const std::string& s) { return s.empty() ? "-" : s; }

// "3/10", or "3" when the epochs asked for are not recorded.
std::string epochsText(const RunSummary& run) {
    std::string text = std::to_string(run.epochsDone);
    if (run.epochsTotal > 0) text += "/" + std::to_string(run.epochsTotal);
    return text;
}

std::vector<std::string> row(const RunSummary& run) {
    return {std::filesystem::path(run.path).filename().string(),
            orDash(run.design),
            orDash(run.status),
            epochsText(run),
            bestText(run.best),
            run.parameters > 0 ? groupedNumber(run.parameters) : "-",
            orDash(run.precision),
            orDash(run.created)};
}

}  // namespace

int runsCommand(const Args& args) {
    Options opts("runs", "DIR",
                 "Lists the run files (*.h5) in DIR, newest first: design, status, epochs done/asked for,\n"
                 "best accuracy (the highest validation accuracy; without validation the final test accuracy;\n"
                 "without either the final train accuracy; labelled val, test or train), parameters,\n"
                 "precision, creation time.",
                 {noVerifyOption()});
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata runs: expected one DIR");
    const std::filesystem::path dir = opts.positionals()[0];
    if (!std::filesystem::is_directory(dir)) throw UsageError(dir.string() + ": not a folder");

    Table table({"run", "design", "status", "epochs", "best", "parameters", "precision", "created"});
    int unreadable = 0;
    for (const RunSummary& run : listRunSummaries(dir.string(), !opts.has("--no-verify"))) {
        if (!run.error.empty()) {
            std::fprintf(stderr, "warning: skipped %s\n", run.error.c_str());
            ++unreadable;
            continue;
        }
        if (run.integrity == RunIntegrity::Unverifiable) printNote(run.integrityNote);
        table.add(row(run));
    }
    std::fputs(table.render().c_str(), stdout);
    if (unreadable) std::fprintf(stderr, "skipped %d unreadable run files\n", unreadable);
    return kExitOk;
}

}  // namespace strata::cli
