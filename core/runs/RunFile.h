#pragma once
// The run file of docs/ARCHITECTURE.md §8: HDF5, readable by h5py, written whole and atomically (temp
// file + rename) at each epoch end, so a reader never sees half a write and the file is not
// held open between writes. Torch-free: tensors travel as plain arrays.
#include <nlohmann/json.hpp>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <ctime>
#include <string>
#include <vector>

#include "runs/ExampleRecord.h"

namespace strata {

inline constexpr const char* kRunFormat = "strata.run/1";

class RunFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A named array: float32 (weights, optimizer moments) or int64 (counters such as
// BatchNorm's num_batches_tracked), or raw bytes (opaque state such as serialized RNG).
struct NamedArray {
    enum class Type { Float32, Int64, UInt8 };
    std::string name;
    Type type = Type::Float32;
    std::vector<int64_t> shape;
    std::vector<float> f32;
    std::vector<int64_t> i64;
    std::vector<uint8_t> u8;
};

struct RunData {
    // "/" attrs
    std::string created;         // ISO 8601, UTC
    std::string strataVersion;   // STRATA_VERSION
    // "/design": the design JSON text
    std::string designJson;
    // "/config" attrs: strings, numbers, booleans, arrays of strings or numbers
    nlohmann::json config = nlohmann::json::object();
    // "/metrics/epoch": one column per metric, all of equal length (one row per epoch)
    std::vector<std::string> epochColumns;  // column order
    std::map<std::string, std::vector<double>> epochMetrics;
    // "/metrics/step": datasets "step" (int64) and "loss" (float64)
    std::vector<int64_t> steps;
    std::vector<double> stepLoss;
    // "/metrics/test": attrs loss and accuracy of the evaluation on the test folder after the
    // last epoch (--test); the group is absent when none ran (and in older files)
    bool hasTest = false;
    double testLoss = 0, testAccuracy = 0;
    // "/checkpoint": one dataset per parameter and buffer, named by module path
    std::vector<NamedArray> checkpoint;
    // "/optimizer": datasets (optimizer state, RNG state) + attrs epoch and step
    std::vector<NamedArray> optimizer;
    int64_t epoch = 0;  // last complete epoch
    int64_t step = 0;   // optimizer steps taken
    // "/features": optional snapshots, each a named array (e.g. "conv1/filters")
    std::vector<NamedArray> features;
    // "/examples": the per-example record (runs/ExampleRecord.h); absent in older runs
    ExampleRecord examples;
    // "/" attrs "sha256_<part>" as read (RunDigest.h); empty for files written before them.
    // Writing ignores this map and stores the digests of what it writes.
    std::map<std::string, std::string> digests;
};

// The array called `name`, or nullptr.
const NamedArray* findArray(const std::vector<NamedArray>& arrays, const std::string& name);

// Writes atomically. Throws RunFileError naming the path on failure.
void writeRunFile(const std::string& path, const RunData& run);
// The file as stored, checked only for its structure: the format, the groups and datasets
// the layout names, Strata's array types, and sizes that fit in the file (a damaged size is
// refused before anything is allocated). Throws RunFileError naming the path and the part.
// Everything outside runs/ reads through readValidRun (RunReader.h), which checks the
// contents too.
RunData readRunFile(const std::string& path);
// Only "/" attrs, "/design", "/config" and "/metrics" (fast listing for `strata runs`).
RunData readRunSummary(const std::string& path);

// A time as ISO 8601 UTC to the second ("2024-05-01T12:34:56Z"), the form of RunData::created.
std::string utcIso8601(std::time_t t);
std::string utcNowIso8601();

}  // namespace strata
