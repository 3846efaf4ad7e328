#pragma once
// The whole-file checksum of a run file (docs/ARCHITECTURE.md §8). The first kUserBlockBytes of
// the file are an HDF5 user block, which HDF5 and h5py skip. Strata fills it with
// "strata-run sha256 <hex>\n": the SHA-256 of every byte after the block. A reader checks it
// before HDF5 parses anything: HDF5 itself can crash or exhaust memory on damaged internal
// structures, which the per-part digests (RunDigest.h) are only checked after.
#include <cstdint>
#include <string>

namespace strata {

inline constexpr uint64_t kUserBlockBytes = 512;

// Fills the user block of the closed HDF5 file at `path` (written with that user block size).
// Throws RunFileError naming the path when the file cannot be read or written.
void stampFileChecksum(const std::string& path);

enum class FileChecksum {
    Absent,   // no stamp: written before it existed, or rewritten by another tool (h5repack)
    Matches,  // every byte is as Strata wrote it
};
// Throws RunFileError naming the path when the stamp is there and the bytes differ.
FileChecksum checkFileChecksum(const std::string& path);

}  // namespace strata
