#include "runs/RunSummary.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "runs/EpochTable.h"
#include "runs/RunFile.h"
#include "runs/RunReader.h"

namespace strata {

namespace {

namespace fs = std::filesystem;

// A column of /metrics/epoch, or nullptr when the run has none or it is empty.
const std::vector<double>* epochColumn(const RunData& run, const char* name) {
    auto it = run.epochMetrics.find(name);
    return it == run.epochMetrics.end() || it->second.empty() ? nullptr : &it->second;
}

// A config attribute that should be an integer; 0 when absent or of another type (files
// written by other tools).
int64_t configInt(const nlohmann::json& config, const char* key) {
    auto it = config.find(key);
    return it != config.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::string configString(const nlohmann::json& config, const char* key) {
    auto it = config.find(key);
    return it != config.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string designName(const std::string& designJson) {
    const auto design = nlohmann::json::parse(designJson, nullptr, /*allow_exceptions=*/false);
    if (!design.is_object()) return {};
    return configString(design, "name");
}

// The file's modification time as ISO 8601 UTC, like RunData::created; "" when unknown.
std::string modifiedIso8601(const std::string& path) {
    std::error_code ec;
    const fs::file_time_type written = fs::last_write_time(path, ec);
    if (ec) return {};
    // C++17 has no clock_cast: carry the offset from the file clock's now to the system's.
    const auto system = std::chrono::system_clock::now() +
                        std::chrono::duration_cast<std::chrono::system_clock::duration>(
                            written - fs::file_time_type::clock::now());
    return utcIso8601(std::chrono::system_clock::to_time_t(system));
}

std::string statusOf(int64_t done, int64_t total) {
    if (total <= 0) return {};
    return done >= total ? "finished" : "incomplete";
}

}  // namespace

BestAccuracy bestAccuracy(const RunData& run) {
    if (const auto* val = epochColumn(run, "val_accuracy"))
        return {*std::max_element(val->begin(), val->end()), "val"};
    if (run.hasTest) return {run.testAccuracy, "test"};
    if (const auto* train = epochColumn(run, "train_accuracy")) return {train->back(), "train"};
    return {};
}

RunSummary summarizeRun(const RunData& run, const std::string& path) {
    RunSummary s;
    s.path = path;
    s.name = fs::path(path).stem().string();
    s.design = designName(run.designJson);
    s.created = run.created.empty() ? modifiedIso8601(path) : run.created;
    s.epochs = loadEpochs(run);
    s.epochsDone = int64_t(s.epochs.size());
    s.epochsTotal = configInt(run.config, "epochs");
    s.status = statusOf(s.epochsDone, s.epochsTotal);
    s.parameters = configInt(run.config, "parameters");
    s.precision = configString(run.config, "precision_used");
    if (s.precision.empty()) s.precision = configString(run.config, "precision");
    for (const EpochRecord& e : s.epochs) s.seconds += e.seconds;
    s.best = bestAccuracy(run);
    return s;
}

RunSummary summarizeRunFile(const std::string& path, bool verify) {
    try {
        const ValidRun valid = readValidRun(path, {RunParts::Summary, verify});
        RunSummary s = summarizeRun(valid.data, path);
        s.integrity = valid.integrity;
        s.integrityNote = valid.integrityNote;
        return s;
    } catch (const std::exception& e) {  // RunFileError names the path; others may not
        RunSummary s;
        s.path = path;
        s.name = fs::path(path).stem().string();
        s.created = modifiedIso8601(path);
        const std::string what = e.what();
        s.error = what.find(path) == std::string::npos ? path + ": " + what : what;
        return s;
    }
}

std::vector<RunSummary> listRunSummaries(const std::string& dir, bool verify) {
    std::vector<RunSummary> runs;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return runs;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file(ec) && entry.path().extension() == ".h5")
            runs.push_back(summarizeRunFile(entry.path().string(), verify));
    std::sort(runs.begin(), runs.end(), [](const RunSummary& a, const RunSummary& b) {
        if (a.created != b.created) return a.created > b.created;
        return a.name < b.name;
    });
    return runs;
}

}  // namespace strata
