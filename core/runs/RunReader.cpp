// readValidRun (RunReader.h): the structure is read by readRunFile/readRunSummary; here the
// digests and then the contents are checked, part by part, each refusal naming the part.
#include "runs/RunReader.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "design/CheckpointLayout.h"
#include "runs/RunDigest.h"
#include "runs/RunFileChecksum.h"

namespace strata {

namespace {

using json = nlohmann::json;

struct Checker {
    const std::string& path;

    RunFileError fault(const std::string& part, const std::string& what) const {
        return RunFileError(path + ": " + part + ": " + what);
    }
};

// ---- integrity -------------------------------------------------------------------------

std::string computedDigest(const RunData& run, const std::string& part) {
    if (part == "design") return digestDesign(run.designJson);
    if (part == "config") return digestConfig(run.config);
    if (part == "metrics") return digestMetrics(run, run.epochColumns);
    if (part == "checkpoint") return digestArrays(run.checkpoint);
    if (part == "optimizer") return digestOptimizer(run);
    return digestArrays(run.features);
}

RunIntegrity checkDigests(const Checker& c, const RunData& run, RunParts parts) {
    if (run.digests.empty()) return RunIntegrity::Unverifiable;
    for (const char* part : kDigestParts) {
        const std::string name = part;
        const bool summaryPart = name == "design" || name == "config" || name == "metrics";
        if (parts == RunParts::Summary && !summaryPart) continue;
        const std::string shown = "/" + name;
        auto it = run.digests.find(name);
        if (it == run.digests.end())
            throw RunFileError(c.path + ": the digest of " + shown + " (attribute " + kDigestAttrPrefix + name +
                               ") is missing: the file is damaged");
        if (it->second != computedDigest(run, name))
            throw RunFileError(c.path + ": " + shown +
                               " does not match the digest written with it: the file is damaged "
                               "(--no-verify reads it anyway)");
    }
    return RunIntegrity::Verified;
}

std::string integrityNote(const std::string& path, RunIntegrity integrity) {
    switch (integrity) {
    case RunIntegrity::Unverifiable:
        return path + ": written before run files carried digests; its contents cannot be verified";
    case RunIntegrity::Unchecked:
        return path + ": not verified (--no-verify): damaged contents would go unnoticed";
    case RunIntegrity::Verified: break;
    }
    return {};
}

// ---- design and /config ----------------------------------------------------------------

std::vector<std::string> configClasses(const Checker& c, const json& config) {
    const json* v = config.contains("classes") ? &config.at("classes") : nullptr;
    if (!v) throw c.fault("/config", "has no \"classes\"");
    if (!v->is_array() || v->empty() || !std::all_of(v->begin(), v->end(), [](const json& e) { return e.is_string(); }))
        throw c.fault("/config", "\"classes\" is not a list of class names");
    std::vector<std::string> classes = v->get<std::vector<std::string>>();
    if (std::set<std::string>(classes.begin(), classes.end()).size() != classes.size())
        throw c.fault("/config", "\"classes\" names a class twice");
    return classes;
}

std::vector<double> configChannelValues(const Checker& c, const json& config, const std::string& key,
                                        int64_t channels, const std::string& inputId) {
    const json* v = config.contains(key) ? &config.at(key) : nullptr;
    if (!v) throw c.fault("/config", "has no \"" + key + "\"");
    if (!v->is_array() || !std::all_of(v->begin(), v->end(), [](const json& e) { return e.is_number(); }))
        throw c.fault("/config", "\"" + key + "\" is not a list of numbers");
    std::vector<double> values = v->get<std::vector<double>>();
    if (int64_t(values.size()) != channels)
        throw c.fault("/config", "\"" + key + "\" has " + std::to_string(values.size()) + " values but Input \"" +
                                     inputId + "\" has " + std::to_string(channels) +
                                     (channels == 1 ? " channel" : " channels"));
    for (double x : values) {
        if (!std::isfinite(x)) throw c.fault("/config", "\"" + key + "\" holds a value that is not finite");
        if (key == "std" && !(x > 0)) throw c.fault("/config", "\"std\" holds " + json(x).dump() + "; it must be positive");
    }
    return values;
}

void checkDesignAndConfig(const Checker& c, ValidRun& r) {
    try {
        r.design = parseDesign(r.data.designJson, c.path + ": /design");
    } catch (const DesignError& e) {
        throw RunFileError(e.what());
    }
    r.classes = configClasses(c, r.data.config);
    r.analysis = analyzeDesign(r.design, int(r.classes.size()));
    if (!r.analysis.valid())
        throw c.fault("/design", r.analysis.issues.front().text() + " (with the " + std::to_string(r.classes.size()) +
                                     " classes of /config)");
    const NodeAnalysis& input = r.analysis.nodes.front();  // topological order: Input first
    const int64_t channels = input.output.at(0);
    r.mean = configChannelValues(c, r.data.config, "mean", channels, input.id);
    r.stdev = configChannelValues(c, r.data.config, "std", channels, input.id);
}

// ---- metrics ---------------------------------------------------------------------------

void requireFinite(const Checker& c, const std::string& part, const std::vector<double>& values) {
    for (size_t i = 0; i < values.size(); ++i)
        if (!std::isfinite(values[i]))
            throw c.fault(part, "value " + std::to_string(i) + " is not finite");
}

void checkMetrics(const Checker& c, const RunData& run) {
    size_t rows = 0;
    for (size_t i = 0; i < run.epochColumns.size(); ++i) {
        const std::string part = "/metrics/epoch/" + run.epochColumns[i];
        const std::vector<double>& values = run.epochMetrics.at(run.epochColumns[i]);
        if (i == 0) rows = values.size();
        if (values.size() != rows)
            throw c.fault(part, "has " + std::to_string(values.size()) + " rows but /metrics/epoch/" +
                                    run.epochColumns[0] + " has " + std::to_string(rows));
        requireFinite(c, part, values);
    }
    if (run.steps.size() != run.stepLoss.size())
        throw c.fault("/metrics/step", "\"step\" has " + std::to_string(run.steps.size()) + " rows but \"loss\" has " +
                                           std::to_string(run.stepLoss.size()));
    requireFinite(c, "/metrics/step/loss", run.stepLoss);
    if (run.hasTest) requireFinite(c, "/metrics/test", {run.testLoss, run.testAccuracy});
}

// ---- checkpoint and optimizer ----------------------------------------------------------

std::string typeName(NamedArray::Type type) {
    switch (type) {
    case NamedArray::Type::Float32: return "float32";
    case NamedArray::Type::Int64: return "int64";
    case NamedArray::Type::UInt8: return "uint8";
    }
    return "?";
}

void checkArray(const Checker& c, const NamedArray& a, const ExpectedArray& e) {
    const std::string part = "/checkpoint/" + e.name;
    const NamedArray::Type want = e.integer ? NamedArray::Type::Int64 : NamedArray::Type::Float32;
    if (a.type != want)
        throw c.fault(part, "is " + typeName(a.type) + "; the design needs " + typeName(want));
    if (a.shape != e.shape)
        throw c.fault(part, "has shape " + dimsToString(a.shape) + " but the design needs " + dimsToString(e.shape));
    for (size_t i = 0; i < a.f32.size(); ++i)
        if (!std::isfinite(a.f32[i]))
            throw c.fault(part, "value " + std::to_string(i) + " is " + (std::isnan(a.f32[i]) ? "NaN" : "infinite") +
                                    "; the weights are unusable");
}

void checkCheckpoint(const Checker& c, const ValidRun& r) {
    const std::vector<ExpectedArray> layout = checkpointLayout(r.analysis);
    std::set<std::string> expected;
    for (const ExpectedArray& e : layout) {
        expected.insert(e.name);
        const NamedArray* a = findArray(r.data.checkpoint, e.name);
        if (!a) throw c.fault("/checkpoint", "has no \"" + e.name + "\", which the design needs");
        checkArray(c, *a, e);
    }
    for (const NamedArray& a : r.data.checkpoint)
        if (!expected.count(a.name))
            throw c.fault("/checkpoint/" + a.name, "belongs to no layer of the design");
}

void checkOptimizer(const Checker& c, const RunData& run) {
    if (run.epoch < 0 || run.step < 0) throw c.fault("/optimizer", "its epoch or step is negative");
    for (const NamedArray& a : run.optimizer)
        if (a.type != NamedArray::Type::UInt8) throw c.fault("/optimizer/" + a.name, "is not a byte array");
}

}  // namespace

ValidRun readValidRun(const std::string& path, const RunReadOptions& options) {
    const Checker c{path};
    ValidRun r;
    // Before HDF5 parses anything: a damaged HDF5 structure can crash the library itself.
    const FileChecksum whole = options.verify ? checkFileChecksum(path) : FileChecksum::Absent;
    r.data = options.parts == RunParts::Full ? readRunFile(path) : readRunSummary(path);
    // Every byte as written leaves the part digests nothing to add: they decide only for files
    // whose checksum was dropped (h5repack) or never written.
    if (!options.verify) r.integrity = RunIntegrity::Unchecked;
    else if (whole == FileChecksum::Matches) r.integrity = RunIntegrity::Verified;
    else r.integrity = checkDigests(c, r.data, options.parts);
    r.integrityNote = integrityNote(path, r.integrity);
    checkDesignAndConfig(c, r);
    checkMetrics(c, r.data);
    if (options.parts == RunParts::Full) {
        checkCheckpoint(c, r);
        checkOptimizer(c, r.data);
    }
    return r;
}

}  // namespace strata
