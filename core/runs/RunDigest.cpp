#include "runs/RunDigest.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "runs/Sha256.h"

namespace strata {

namespace {

void addArray(Sha256& h, const NamedArray& a) {
    h.text(a.name);
    h.u64(uint64_t(a.type));
    h.values(a.shape);
    switch (a.type) {
    case NamedArray::Type::Float32: h.values(a.f32); break;
    case NamedArray::Type::Int64: h.values(a.i64); break;
    case NamedArray::Type::UInt8: h.values(a.u8); break;
    }
}

}  // namespace

std::string digestDesign(const std::string& designJson) {
    Sha256 h;
    h.text(designJson);
    return h.hex();
}

std::string digestConfig(const nlohmann::json& config) {
    Sha256 h;
    // Invalid UTF-8 (a Latin-1 folder name) enters as U+FFFD, as the reader sees it (RunFileRead).
    h.text(config.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return h.hex();
}

std::string digestMetrics(const RunData& run, const std::vector<std::string>& columns) {
    Sha256 h;
    h.u64(columns.size());
    for (const std::string& c : columns) {
        h.text(c);
        auto it = run.epochMetrics.find(c);
        h.values(it == run.epochMetrics.end() ? std::vector<double>() : it->second);
    }
    h.values(run.steps);
    h.values(run.stepLoss);
    h.u64(run.hasTest ? 1 : 0);
    if (run.hasTest) {
        h.f64(run.testLoss);
        h.f64(run.testAccuracy);
    }
    return h.hex();
}

namespace {
void addArrays(Sha256& h, const std::vector<NamedArray>& arrays) {
    std::vector<const NamedArray*> sorted;
    for (const NamedArray& a : arrays) sorted.push_back(&a);
    std::sort(sorted.begin(), sorted.end(), [](const NamedArray* a, const NamedArray* b) { return a->name < b->name; });
    h.u64(sorted.size());
    for (const NamedArray* a : sorted) addArray(h, *a);
}
}  // namespace

std::string digestArrays(const std::vector<NamedArray>& arrays) {
    Sha256 h;
    addArrays(h, arrays);
    return h.hex();
}

std::string digestFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw RunFileError(path + ": cannot read the file");
    Sha256 h;
    if (!h.stream(in)) throw RunFileError(path + ": cannot read the file");
    return h.hex();
}

std::string digestOptimizer(const RunData& run) {
    Sha256 h;
    addArrays(h, run.optimizer);
    h.u64(uint64_t(run.epoch));
    h.u64(uint64_t(run.step));
    return h.hex();
}

}  // namespace strata
