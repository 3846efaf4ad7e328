#pragma once
// Damaged copies of a valid run file (docs/ARCHITECTURE.md §8) for the fuzz tests: seeded,
// each of one kind (bytes flipped in stored values, truncation, datasets and attributes
// deleted, added or rewritten with other types and shapes, NaN and inf, declared sizes of
// terabytes, links and groups where datasets belong, garbage in /design, damaged digests,
// odd /config, format and /optimizer attributes), optionally with every digest deleted too
// (an old file, which only the contents checks guard). Torch-free: the HDF5 C API.
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "runs/RunFile.h"

namespace strata::test {

using RunBytes = std::vector<uint8_t>;

// A fuzz test's time budget: STRATA_FUZZ_BUDGET_MS when set (a longer soak, or the replay of
// a late mutant), else `fallback`.
int64_t fuzzBudgetMs(int64_t fallback);

RunBytes readFileBytes(const std::string& path);
void writeFileBytes(const std::string& path, const RunBytes& bytes);

struct StorageRange {
    uint64_t offset = 0, size = 0;
};

// A valid run file and what a mutant may touch in it.
struct RunMutantSeed {
    std::string name;
    std::string path;  // the valid file (also the target of external links)
    RunBytes bytes;
    RunData data;  // as readRunFile reads it back
    int channels = 1;  // of its Input
    std::vector<std::string> groups, datasets, numericDatasets, checkpointDatasets, featureDatasets;
    std::vector<std::pair<std::string, std::string>> attributes;  // object, attribute
    std::vector<StorageRange> checkpointStorage, featureStorage, dataStorage;  // dataStorage: every numeric dataset
};

// Describes the valid run file at `path`, whose Input has `channels` channels.
RunMutantSeed describeRunSeed(const std::string& name, const std::string& path, int channels);

enum class RunMutation {
    FlipData, FlipCheckpoint, FlipFeatures, Truncate,  // on the bytes
    DeleteDataset, DeleteAttribute, AddDataset, AddAttribute, WrongDtype, WrongShape, NonFinite, HugeDims,
    LinkInstead, GarbageDesign, Digests, ConfigEdit, FormatEdit, OptimizerEdit, ColumnsEdit, ScalarAttrAsArray,
};
inline constexpr int kRunMutations = int(RunMutation::ScalarAttrAsArray) + 1;
const char* runMutationName(RunMutation kind);

// Writes a mutant of `seed` of `kind` to `path`, without any digest as well when
// `stripDigests`; returns what it did ("4 bytes in [6544, +32), all digests deleted").
// Holds h5::libraryMutex() while it edits; every HDF5 id is closed when it returns.
std::string writeRunMutant(const RunMutantSeed& seed, RunMutation kind, bool stripDigests, const std::string& path,
                           std::mt19937& rng);

// XORs `flips` random bytes of b[from, from + size) with non-zero values.
void flipBytes(RunBytes& b, uint64_t from, uint64_t size, int flips, std::mt19937& rng);

}  // namespace strata::test
