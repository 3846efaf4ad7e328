#pragma once
// The decoded-data cache (docs/ARCHITECTURE.md §6): an image folder decoded once is kept as uint8 pixels,
// labels, classes, paths and skip list in one HDF5 file under $XDG_CACHE_HOME/strata/decoded
// (default ~/.cache/strata/decoded), never inside the user's folder. Later loads of the same
// folder at the same Input size read it back instead of decoding every image again.
//
// One file per (folder, Input size, decoder version); inside, a digest of every file's relative
// path, size and modification time must match the folder as it is now, so a changed, added or
// removed image makes the file stale and it is rebuilt. A cache that cannot be read (corrupt,
// truncated, another format) is a miss, never an error. Memory is not bounded: the whole
// folder is held in memory, as without the cache.
#include <string>

#include "data/ImageFolder.h"

namespace strata {

namespace decode_cache {

// Bump when decodeImage() would produce different pixels for the same file.
constexpr int kDecoderVersion = 1;

// The cache folder: $XDG_CACHE_HOME/strata/decoded, else $HOME/.cache/strata/decoded; "" when
// neither variable is set or STRATA_NO_CACHE is set to anything but "" or "0".
std::string directory();

// The cache file of `index`'s folder at `spec` (under `dir`, normally directory()).
std::string fileFor(const std::string& dir, const FolderIndex& index, const ImageSpec& spec);

// Digest of the folder's contents as listed by `index`: each file's path relative to the
// folder, size and modification time, plus `spec` and the decoder version. "" when a file
// cannot be stat'ed (then nothing is cached). Stats the files from `threads` threads.
std::string contentKey(const FolderIndex& index, const ImageSpec& spec, int threads = 1);

// Reads `file` into `out` when it exists, is readable and holds exactly `index`'s folder at
// `key`. Returns false otherwise, with the reason in *why ("no cache file", "stale", "corrupt: ...").
bool read(const std::string& file, const std::string& key, const FolderIndex& index, const ImageSpec& spec,
          DecodedImages& out, std::string* why = nullptr);

// Writes `images` (decoded from `index`'s folder) atomically to `file`, creating its folder,
// then removes the least recently used cache files beyond a small budget. Returns false with
// the reason in *why on failure; the caller carries on without the cache.
bool write(const std::string& file, const std::string& key, const FolderIndex& index, const DecodedImages& images,
           std::string* why = nullptr);

}  // namespace decode_cache

}  // namespace strata
