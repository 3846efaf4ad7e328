#pragma once
// Sizes of memory and disk as users write them ("512M", "2G", "1.5G", "100000"), and the memory
// budget for decoded images (docs/ARCHITECTURE.md §6: below it a folder is held in memory, above
// it training streams from the decode cache). Torch-free.
#include <cstdint>
#include <string>

namespace strata {

// "N", "NK", "NM", "NG" (or with "iB"/"B", any case): N bytes times 1024, 1024^2, 1024^3.
// N may have a fraction. Throws std::invalid_argument naming `what` for anything else.
int64_t parseByteSize(const std::string& text, const std::string& what);

// "1.5 GiB", "512 MiB", "900 B": for messages.
std::string formatBytes(int64_t bytes);

// The default data memory: STRATA_DATA_MEMORY when set to a size (for the studio and `eval`,
// which have no --data-memory), else kDefaultDataMemoryShare of MemAvailable in /proc/meminfo,
// read now; -1 (no limit, everything in memory) when neither can be read.
constexpr double kDefaultDataMemoryShare = 0.5;
int64_t defaultDataMemory();

// `setting` ("" for the default) in bytes; -1 means no limit.
int64_t resolveDataMemory(const std::string& setting);

}  // namespace strata
