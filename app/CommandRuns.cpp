// strata runs DIR
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "Commands.h"
#include "Format.h"
#include "Options.h"
#include "runs/RunFile.h"

namespace strata::cli {

namespace {

std::string bestOf(const RunData& run, const char* column) {
    auto it = run.epochMetrics.find(column);
    if (it == run.epochMetrics.end() || it->second.empty()) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", *std::max_element(it->second.begin(), it->second.end()));
    return buf;
}

}  // namespace

int runsCommand(const Args& args) {
    Options opts("runs", "DIR", "Lists the run files (*.h5) in DIR: design, epochs, best accuracies, creation time.", {});
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata runs: expected one DIR");
    const std::filesystem::path dir = opts.positionals()[0];
    if (!std::filesystem::is_directory(dir)) throw UsageError(dir.string() + ": not a folder");

    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        if (entry.is_regular_file() && entry.path().extension() == ".h5") files.push_back(entry.path());
    std::sort(files.begin(), files.end());

    Table table({"run", "design", "epochs", "best_train_acc", "best_val_acc", "created"});
    int unreadable = 0;
    for (const auto& file : files) {
        try {
            const RunData run = readRunSummary(file.string());
            const auto epochs = run.epochMetrics.count("epoch") ? run.epochMetrics.at("epoch").size() : 0;
            table.add({file.filename().string(), nlohmann::json::parse(run.designJson).value("name", "?"),
                       std::to_string(epochs), bestOf(run, "train_accuracy"), bestOf(run, "val_accuracy"),
                       run.created});
        } catch (const std::exception& e) {
            std::fprintf(stderr, "warning: skipped %s\n", e.what());
            ++unreadable;
        }
    }
    std::fputs(table.render().c_str(), stdout);
    if (unreadable) std::fprintf(stderr, "skipped %d unreadable run files\n", unreadable);
    return kExitOk;
}

}  // namespace strata::cli
