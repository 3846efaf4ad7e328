#pragma once
// The decoded-data cache (docs/ARCHITECTURE.md §6): an image folder decoded once is kept as uint8 pixels,
// labels, classes, paths, skip list and per-channel sums in one HDF5 file under
// $XDG_CACHE_HOME/strata/decoded (default ~/.cache/strata/decoded), never inside the user's
// folder. Later loads of the same folder at the same Input size read it back instead of decoding
// every image again: whole (a folder within the data memory budget) or a batch of images at a
// time (data/CachedPixels.h: a folder larger than the budget).
//
// One file per (folder, Input size, decoder version, format); inside, a digest of every file's
// relative path, size and modification time must match the folder as it is now, so a changed,
// added or removed image makes the file stale and it is rebuilt. A cache that cannot be read
// (corrupt, truncated, another format) is a miss, never an error. The pixels are a chunked 2-D
// dataset [images, C*H*W] that grows as a Writer appends, so a folder can be cached while it is
// decoded, without holding it.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/ChannelSums.h"
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

// As read(), without the pixels: `out` gets the labels, paths and skip list, `sums` the
// per-channel sums of the kept images. For streaming (data/CachedPixels.h reads the pixels).
bool readListing(const std::string& file, const std::string& key, const FolderIndex& index, const ImageSpec& spec,
                 DecodedImages& out, ChannelSums& sums, std::string* why = nullptr);

// Writes `images` (decoded from `index`'s folder) atomically to `file`, creating its folder,
// then removes the least recently used cache files beyond the budget. Returns false with
// the reason in *why on failure (no file is left behind); the caller carries on without the cache.
bool write(const std::string& file, const std::string& key, const FolderIndex& index, const DecodedImages& images,
           std::string* why = nullptr);

// Writes a cache file as the images are decoded: create, append the kept images in scan order,
// finish with the listing. Nothing is visible under `file` until finish() succeeds; a Writer
// destroyed unfinished (an error, a full disk) removes its temp file.
class Writer {
public:
    Writer(std::string file, std::string key, const FolderIndex& index, const ImageSpec& spec);
    ~Writer();
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    // False with the reason in *why on failure; after a failure the writer only cleans up.
    bool open(std::string* why);
    bool append(const uint8_t* pixels, int64_t count, std::string* why);
    // `kept[i]` for each entry of the index; `reasons` of the skipped ones, in order; labels of
    // the kept ones. Commits the file atomically and prunes the cache folder.
    bool finish(const std::vector<uint8_t>& kept, const std::vector<std::string>& reasons,
                const std::vector<int64_t>& labels, const ChannelSums& sums, std::string* why);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The most a cache file of `index` at `spec` takes on disk (every image kept).
int64_t estimatedBytes(const FolderIndex& index, const ImageSpec& spec);
// Free bytes for an unprivileged user on the file system of `dir` (or of its nearest existing
// parent), -1 when unknown. STRATA_TEST_CACHE_FREE_BYTES overrides it (tests).
int64_t freeBytes(const std::string& dir);

// How much the cache folder may hold: the least recently used files beyond these are removed
// after each write (the newest file always stays). STRATA_CACHE_SIZE (a size such as 20G) and
// STRATA_CACHE_FILES override the defaults of 8 GiB and 16 files.
struct Budget {
    int64_t maxBytes = int64_t(8) << 30;
    int maxFiles = 16;
};
Budget budget();

}  // namespace decode_cache

}  // namespace strata
