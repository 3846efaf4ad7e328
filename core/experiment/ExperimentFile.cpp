#include "experiment/ExperimentFile.h"

#include <filesystem>
#include <iterator>
#include <fstream>
#include <set>

#include "runs/OutputFolders.h"
#include "storage/AtomicFile.h"

namespace strata {

namespace {

using json = nlohmann::json;

const std::set<std::string> kStatuses = {"pending", "running", "done", "failed"};
// Keys every variant has; any other key belongs to the kind (kept in `details`).
const std::set<std::string> kVariantKeys = {"name", "run", "design", "config", "status", "parameters", "metrics", "error"};

json variantToJson(const ExperimentVariant& v) {
    json j = {{"name", v.name},     {"run", v.run},           {"design", v.design},   {"config", v.config},
              {"status", v.status}, {"parameters", v.parameters}, {"metrics", v.metrics}};
    if (!v.error.empty()) j["error"] = v.error;
    for (auto it = v.details.begin(); it != v.details.end(); ++it) j[it.key()] = it.value();
    return j;
}

struct FieldReader {
    const std::string& path;
    ExperimentError error(const std::string& field, const std::string& what) const {
        return ExperimentError(path + ": " + field + ": " + what);
    }
    std::string text(const json& j, const char* key, const std::string& where) const {
        if (!j.contains(key) || !j.at(key).is_string()) throw error(where + key, "missing or not a string");
        return j.at(key).get<std::string>();
    }
};

ExperimentVariant variantFrom(const FieldReader& r, const json& j, const std::string& where) {
    if (!j.is_object()) throw r.error(where.substr(0, where.size() - 1), "not an object");  // "variants[2]", no dot
    ExperimentVariant v;
    v.name = r.text(j, "name", where);
    v.run = r.text(j, "run", where);
    v.design = j.value("design", "");
    v.status = r.text(j, "status", where);
    if (!kStatuses.count(v.status)) throw r.error(where + "status", "\"" + v.status + "\" is not pending, running, done or failed");
    if (j.contains("config") && !j.at("config").is_object()) throw r.error(where + "config", "not an object");
    v.config = j.value("config", json::object());
    if (j.contains("metrics") && !j.at("metrics").is_object()) throw r.error(where + "metrics", "not an object");
    v.metrics = j.value("metrics", json::object());
    if (j.contains("parameters") && !j.at("parameters").is_number_integer())
        throw r.error(where + "parameters", "not an integer");
    v.parameters = j.value("parameters", int64_t(0));
    if (j.contains("error") && !j.at("error").is_string()) throw r.error(where + "error", "not a string");
    v.error = j.value("error", "");
    for (auto it = j.begin(); it != j.end(); ++it)
        if (!kVariantKeys.count(it.key())) v.details[it.key()] = it.value();
    return v;
}

}  // namespace

json variantMetrics(const std::vector<EpochRecord>& epochs, bool hasTest, double testAccuracy) {
    json out = json::object();
    if (!epochs.empty()) {
        out["train_accuracy"] = epochs.back().trainAccuracy;
        if (epochs.back().hasVal) out["val_accuracy"] = epochs.back().valAccuracy;
    }
    if (hasTest) out["test_accuracy"] = testAccuracy;
    return out;
}

bool judgedAccuracy(const ExperimentVariant& variant, double& accuracy, std::string* label) {
    static const char* const keys[] = {"test_accuracy", "val_accuracy", "train_accuracy"};
    static const char* const labels[] = {"test", "val", "train"};
    for (size_t i = 0; i < std::size(keys); ++i)
        if (variant.metrics.contains(keys[i]) && variant.metrics.at(keys[i]).is_number()) {
            accuracy = variant.metrics.at(keys[i]).get<double>();
            if (label) *label = labels[i];
            return true;
        }
    return false;
}

json experimentToJson(const Experiment& experiment) {
    json variants = json::array();
    for (const ExperimentVariant& v : experiment.variants) variants.push_back(variantToJson(v));
    json j = {{"format", kExperimentFormat}, {"kind", experiment.kind}, {"spec", experiment.spec}, {"variants", variants}};
    if (!experiment.fit.is_null()) j["fit"] = experiment.fit;
    return j;
}

void writeExperimentFile(const std::string& path, const Experiment& experiment) {
    const std::string text = experimentToJson(experiment).dump(2) + "\n";
    writeFileAtomic(path, text.data(), text.size());
}

Experiment readExperimentFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ExperimentError(path + ": no experiment file here (not an experiment folder?)");
    const json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
    const FieldReader r{path};
    if (!j.is_object()) throw ExperimentError(path + ": not valid JSON");
    if (j.value("format", "") != kExperimentFormat)
        throw r.error("format", "expected \"" + std::string(kExperimentFormat) + "\"");
    Experiment e;
    e.kind = r.text(j, "kind", "");
    e.spec = j.value("spec", json::object());
    if (!j.contains("variants") || !j.at("variants").is_array()) throw r.error("variants", "missing or not a list");
    std::set<std::string> names;
    for (size_t i = 0; i < j.at("variants").size(); ++i) {
        ExperimentVariant v = variantFrom(r, j.at("variants")[i], "variants[" + std::to_string(i) + "].");
        if (!names.insert(v.name).second) throw r.error("variants[" + std::to_string(i) + "].name", "\"" + v.name + "\" repeats");
        e.variants.push_back(std::move(v));
    }
    if (j.contains("fit")) e.fit = j.at("fit");
    return e;
}

std::string experimentFileIn(const std::string& dir) { return (std::filesystem::path(dir) / "experiment.json").string(); }

std::string defaultExperimentFolder(const std::string& designPath, const std::string& kind) {
    const std::string base = designOutputFolder(designPath) + "/experiments/" + kind + "-" + localTimestamp();
    // Two experiments of a kind started within one second get folders of their own.
    std::string dir = base;
    std::error_code ec;
    for (int n = 2; std::filesystem::exists(dir, ec); ++n) dir = base + "-" + std::to_string(n);
    return dir;
}

}  // namespace strata
