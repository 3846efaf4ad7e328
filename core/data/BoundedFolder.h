#pragma once
// An image folder loaded within a memory budget for decoded images (docs/ARCHITECTURE.md §6):
// when its decoded size fits, it is decoded (or read from the decode cache) into memory as
// always; when not, it is read a batch at a time from its decode cache file (data/CachedPixels.h).
// A folder that has no cache file yet is decoded in parallel, a window of images at a time,
// straight into a new cache file, so the whole folder is never held. Torch-free.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "data/CachedPixels.h"
#include "data/ChannelSums.h"
#include "data/ImageFolder.h"

namespace strata {

struct BoundedFolder {
    DecodedImages images;                         // without pixels when streamed
    std::shared_ptr<const CachedPixels> streamed;  // set when the pixels stay in the cache file
    ChannelSums sums;                             // of the kept images, when streamed
    FolderLoadInfo info;

    bool isStreamed() const { return streamed != nullptr; }
    // Bytes of decoded pixels this holds in memory (0 when streamed).
    int64_t memoryBytes() const { return int64_t(images.pixels.size()); }
    // Mean and std per channel, as channelMeanStd() on the whole folder.
    void meanStd(std::vector<double>& mean, std::vector<double>& stdev) const;
};

// Loads `dir` at `spec`, in memory when its decoded size (every image kept) is at most
// `budget` bytes (-1: no limit), else streamed. `log` gets one line when the folder is
// streamed and when a cache file is written for it. Throws DataError as loadImageFolder(), and
// naming the folder when streaming is impossible: the cache off, the disk too full for the
// cache file (with the free space), or the cache write failing (no partial file stays).
BoundedFolder loadBoundedFolder(const std::string& dir, const ImageSpec& spec, int threads, int64_t budget,
                                const std::function<void(int64_t, int64_t)>& progress = {},
                                const std::function<void(const std::string&)>& log = {});

// Bytes of decoded images the first pass over a streamed folder holds at once (one window,
// decoded by all threads, then appended to the cache file).
constexpr int64_t kStreamDecodeWindowBytes = int64_t(64) << 20;

}  // namespace strata
