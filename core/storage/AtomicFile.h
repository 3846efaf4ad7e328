#pragma once
// Write-then-rename, shared by the run file and the JSON writers: a reader (h5py, `strata runs`,
// the runs panel) sees either the old file or the new one, never half of a write.
#include <cstddef>
#include <string>

namespace strata {

// The temp file beside `path` (same directory, so the rename stays on one file system):
// path + ".tmp-<pid>".
std::string atomicTempPath(const std::string& path);

// Flushes `tmp` to disk and renames it over `path`. Returns an empty string on success, else
// the reason (the caller names the path and removes the temp).
std::string commitAtomic(const std::string& tmp, const std::string& path);

// Writes `size` bytes to `path` atomically (temp file, flush, rename). Throws
// std::runtime_error naming the path on failure, leaving no temp file behind.
void writeFileAtomic(const std::string& path, const void* data, size_t size);

}  // namespace strata
