#pragma once
// Image folders (DIR/<class>/<image>) decoded into memory by the preprocessing contract of
// docs/ARCHITECTURE.md §6, up to the uint8 stage: decode -> Input channels -> bilinear resize. Scaling to
// [0, 1] and per-channel normalization happen on batches (see data/Batches in the trainer).
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace strata {

struct ImageSpec {
    int channels = 1;  // 1: grayscale, 3: RGB (in that order)
    int height = 28;
    int width = 28;
    int64_t pixelsPerImage() const { return int64_t(channels) * height * width; }
};

// Bad data (missing folder, no images, an empty class): the message names the path.
class DataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct FolderEntry {
    std::string path;
    int64_t label = 0;
};

struct FolderIndex {
    std::string root;
    std::vector<std::string> classes;  // sorted by name
    std::vector<FolderEntry> entries;  // sorted by class, then path
    std::vector<int64_t> countPerClass;
};

// Lists DIR/<class>/<image> with extensions png/jpg/jpeg/bmp/tif/tiff (case-insensitive);
// hidden files and folders are ignored. Throws DataError when DIR is missing, has no class
// folders, or a class folder has no images.
FolderIndex scanImageFolder(const std::string& dir);

// Decodes one image file to C*H*W uint8 (channel-major) per the preprocessing contract.
// Returns false with a reason in *error when the file cannot be decoded.
bool decodeImage(const std::string& path, const ImageSpec& spec, std::vector<uint8_t>& out,
                 std::string* error = nullptr);

struct DecodedImages {
    ImageSpec spec;
    std::vector<std::string> classes;
    std::vector<uint8_t> pixels;  // size() == count() * spec.pixelsPerImage()
    std::vector<int64_t> labels;
    std::vector<std::string> paths;
    std::vector<std::string> skippedPaths;  // unreadable files, in scan order
    std::vector<std::string> skippedReasons;
    int64_t count() const { return int64_t(labels.size()); }
};

// Where loadImageFolder() got the images from, and how long that took.
struct FolderLoadInfo {
    bool fromCache = false;  // read from the decoded-data cache instead of decoding
    double seconds = 0;      // scanning and decoding, or scanning and reading the cache
    std::string cacheFile;   // "" when the cache is off (STRATA_NO_CACHE, no HOME)
    std::string cacheNote;   // why it was not read or written ("stale", "corrupt: ...", ...)
};

// Scans and decodes a folder with `threads` decode threads. `progress(done, total)` is called
// from the calling thread now and then. Unreadable files are skipped and listed. Throws
// DataError for the cases of scanImageFolder, and when every file of a class is unreadable.
// With `useCache` (and unless STRATA_NO_CACHE=1), a folder decoded before at this size and
// unchanged since is read from the decoded-data cache (data/DecodeCache.h), else decoded and
// stored there; the result is the same either way, byte for byte.
DecodedImages loadImageFolder(const std::string& dir, const ImageSpec& spec, int threads = 1,
                              const std::function<void(int64_t, int64_t)>& progress = {},
                              FolderLoadInfo* info = nullptr, bool useCache = true);

// Mean and standard deviation per channel of the images scaled to [0, 1].
void channelMeanStd(const DecodedImages& images, std::vector<double>& mean, std::vector<double>& std);

// "skipped 3 unreadable files: a.png (reason), b.jpg (reason), ..." (first few paths), or "".
std::string skipReport(const DecodedImages& images, int maxPaths = 3);

}  // namespace strata
