#include "experiment/ExperimentSpec.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "design/DesignTransforms.h"
#include "experiment/ExperimentKinds.h"

namespace strata {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct SpecReader {
    std::string path;
    fs::path folder;

    ExperimentError error(const std::string& field, const std::string& what) const {
        return ExperimentError(path + ": " + field + ": " + what);
    }
    // Every key of `j` must be in `known`.
    void onlyKnown(const json& j, const std::set<std::string>& known, const std::string& where) const {
        if (!j.is_object()) throw error(where.empty() ? "(top level)" : where, "not an object");
        for (auto it = j.begin(); it != j.end(); ++it)
            if (!known.count(it.key())) throw error(where + (where.empty() ? "" : ".") + it.key(), "unknown field");
    }
    static std::string field(const std::string& where, const std::string& key) {
        return where.empty() ? key : where + "." + key;
    }
    const json& need(const json& j, const std::string& key, const std::string& where) const {
        if (!j.contains(key)) throw error(field(where, key), "missing");
        return j.at(key);
    }
    std::string file(const json& j, const std::string& key, const std::string& where) const {
        const json& v = need(j, key, where);
        if (!v.is_string() || v.get<std::string>().empty()) throw error(field(where, key), "not a path");
        const fs::path p = v.get<std::string>();
        return (p.is_absolute() ? p : folder / p).lexically_normal().string();
    }
    std::vector<double> numbers(const json& j, const std::string& key, const std::string& where) const {
        const json& v = need(j, key, where);
        if (!v.is_array() || v.empty() || !std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_number(); }))
            throw error(field(where, key), "not a list of numbers");
        return v.get<std::vector<double>>();
    }
};

// "training": the settings of `strata train`, by their run-file names (§8 /config).
TrainConfig training(const SpecReader& r, const json& j) {
    const json t = j.value("training", json::object());
    std::set<std::string> known;
    const json defaults = TrainConfig().toJson();
    for (auto it = defaults.begin(); it != defaults.end(); ++it) known.insert(it.key());
    r.onlyKnown(t, known, "training");
    TrainConfig c;
    try {
        c = TrainConfig::fromJson(t);
    } catch (const json::exception&) {
        // Name the setting: the first one that does not read on its own.
        for (auto it = t.begin(); it != t.end(); ++it) {
            try {
                TrainConfig::fromJson(json{{it.key(), it.value()}});
            } catch (const json::exception&) {
                throw r.error("training." + it.key(), std::string("wrong type (expected ") + defaults.at(it.key()).type_name() + ")");
            }
        }
        throw r.error("training", "a setting has the wrong type");
    }
    for (std::string* folder : {&c.data, &c.val, &c.test, &c.initFrom})
        if (!folder->empty() && fs::path(*folder).is_relative()) *folder = (r.folder / *folder).lexically_normal().string();
    try {
        c.validate();
    } catch (const std::invalid_argument& e) {
        throw r.error("training", e.what());
    }
    return c;
}

ExperimentPlan stabilizers(const SpecReader& r, const json& j, const TrainConfig& base) {
    const json s = j.value("stabilizers", json::object());
    r.onlyKnown(s, {"depth", "width", "activation", "input_size"}, "stabilizers");
    StabilizerSpec spec;
    for (const char* key : {"depth", "width"})
        if (s.contains(key) && !s.at(key).is_number_integer()) throw r.error(std::string("stabilizers.") + key, "not a whole number");
    for (const char* key : {"activation", "input_size"})
        if (s.contains(key) && !s.at(key).is_string()) throw r.error(std::string("stabilizers.") + key, "not a string");
    spec.depth = s.value("depth", spec.depth);
    spec.blockWidth = s.value("width", spec.blockWidth);
    spec.activation = s.value("activation", spec.activation);
    const std::string size = s.value("input_size", "");
    if (!size.empty() && std::sscanf(size.c_str(), "%dx%d", &spec.height, &spec.width) != 2)
        throw r.error("stabilizers.input_size", "expected HxW, e.g. 28x28");
    return stabilizerPlan(spec, base);
}

// "variants": {"design", "widths", "settings": {"lr": [...], ...}}: every combination.
ExperimentPlan variants(const SpecReader& r, const json& j, const TrainConfig& base, std::string& designFile) {
    const json& s = r.need(j, "variants", "");
    r.onlyKnown(s, {"design", "widths", "settings"}, "variants");
    designFile = r.file(s, "design", "variants");
    VariantAxes axes;
    if (s.contains("widths")) axes.widths = r.numbers(s, "widths", "variants");
    const json settings = s.value("settings", json::object());
    if (!settings.is_object()) throw r.error("variants.settings", "not an object");
    for (auto it = settings.begin(); it != settings.end(); ++it) {
        if (!it->is_array() || it->empty()) throw r.error("variants.settings." + it.key(), "not a list of values");
        axes.settings[it.key()] = it->get<std::vector<json>>();
    }
    return variantsPlan(loadDesign(designFile), axes, base);
}

// The kind's plan; `designFile` gets the design file it names ("" for stabilizers).
ExperimentPlan kindPlanUnchecked(const SpecReader& r, const json& j, const std::string& kind, const TrainConfig& base,
                                 std::string& designFile) {
    if (kind == "stabilizers") return stabilizers(r, j, base);
    if (kind == "variants") return variants(r, j, base, designFile);
    if (kind == "scaling") {
        const json& s = r.need(j, "scaling", "");
        r.onlyKnown(s, {"design", "widths", "fractions"}, "scaling");
        std::vector<double> fractions = s.contains("fractions") ? r.numbers(s, "fractions", "scaling") : std::vector<double>{};
        designFile = r.file(s, "design", "scaling");
        return scalingPlan(loadDesign(designFile), r.numbers(s, "widths", "scaling"), fractions, base);
    }
    if (kind == "transfer") {
        const json& s = r.need(j, "transfer", "");
        r.onlyKnown(s, {"design"}, "transfer");
        designFile = r.file(s, "design", "transfer");
        return transferPlan(loadDesign(designFile), base);
    }
    throw r.error("kind", "\"" + kind + "\" is not stabilizers, scaling, transfer or variants");
}

// The kind's own checks (a depth out of range, a repeated width) name the spec and the kind.
ExperimentPlan kindPlan(const SpecReader& r, const json& j, const std::string& kind, const TrainConfig& base,
                        std::string& designFile) {
    try {
        return kindPlanUnchecked(r, j, kind, base, designFile);
    } catch (const std::invalid_argument& e) {
        throw r.error(kind, e.what());
    }
}

}  // namespace

ExperimentSpec readExperimentSpec(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ExperimentError(path + ": cannot read the experiment spec");
    const json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) throw ExperimentError(path + ": not valid JSON");
    const SpecReader r{path, fs::absolute(path).parent_path()};
    r.onlyKnown(j, {"format", "kind", "out", "training", "stabilizers", "scaling", "transfer", "variants"}, "");
    if (j.value("format", "") != kExperimentSpecFormat)
        throw r.error("format", "expected \"" + std::string(kExperimentSpecFormat) + "\"");
    const json& kind = r.need(j, "kind", "");
    if (!kind.is_string()) throw r.error("kind", "not a string");
    ExperimentSpec spec;
    spec.plan = kindPlan(r, j, kind.get<std::string>(), training(r, j), spec.design);
    if (j.contains("out")) spec.out = r.file(j, "out", "");
    return spec;
}

}  // namespace strata
