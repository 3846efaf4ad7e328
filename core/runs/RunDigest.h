#pragma once
// The integrity digests of a run file (docs/ARCHITECTURE.md §8): one SHA-256 per part, over a
// canonical byte form of what a reader gets back, so that a file damaged after it was written
// (a failing disk, a bad copy, an edit) is noticed before its weights predict anything.
#include <string>
#include <vector>

#include "runs/RunFile.h"

namespace strata {

// The parts that carry a digest, each stored as the root attribute "sha256_<part>".
inline constexpr const char* kDigestParts[] = {"design", "config", "metrics", "checkpoint", "optimizer", "features"};
inline constexpr const char* kDigestAttrPrefix = "sha256_";

// Lower-case hex SHA-256 of each part. `config` must be the config as it reads back from the
// file (see ConfigAttrs.h: arrays that mixed integers and floats come back all floats).
std::string digestDesign(const std::string& designJson);
std::string digestConfig(const nlohmann::json& config);
// The epoch columns in `columns` order, the step losses and the test result.
std::string digestMetrics(const RunData& run, const std::vector<std::string>& columns);
// Name, type, shape and values of each array, in name order (creation order may differ
// between writing and reading when names share a '/' prefix).
std::string digestArrays(const std::vector<NamedArray>& arrays);
// The SHA-256 of a whole file's bytes (a transfer records its source run by it). Throws
// RunFileError naming the path when it cannot be read.
std::string digestFile(const std::string& path);
// The optimizer's arrays with its epoch and step counters (both decide where a resume goes on).
std::string digestOptimizer(const RunData& run);

}  // namespace strata
