#include "data/BoundedFolder.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>

#include "data/ByteSize.h"
#include "data/DecodeCache.h"

namespace fs = std::filesystem;

namespace strata {

namespace {

double secondsSince(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Decodes entries [begin, end) into `window` (image i at (i - begin) * per) from `threads`
// threads; ok[i - begin] and why[i - begin] say how each went. Each image has its own slot, so
// the result does not depend on the scheduling.
void decodeWindow(const FolderIndex& index, const ImageSpec& spec, int64_t begin, int64_t end, int threads,
                  std::vector<uint8_t>& window, std::vector<uint8_t>& ok, std::vector<std::string>& why) {
    const int64_t n = end - begin, per = spec.pixelsPerImage();
    ok.assign(size_t(n), 0);
    why.assign(size_t(n), std::string());
    std::atomic<int64_t> next{0};
    auto work = [&] {
        std::vector<uint8_t> buf;
        for (int64_t i; (i = next.fetch_add(1)) < n;) {
            ok[size_t(i)] = decodeImage(index.entries[size_t(begin + i)].path, spec, buf, &why[size_t(i)]);
            if (ok[size_t(i)]) std::memcpy(window.data() + i * per, buf.data(), size_t(per));
        }
    };
    std::vector<std::thread> pool;
    try {
        for (int t = 1; t < std::min<int64_t>(threads, n); ++t) pool.emplace_back(work);
    } catch (const std::system_error&) {
        // Out of threads: those started and this one share the work.
    }
    work();
    for (auto& t : pool) t.join();
}

struct FirstPass {
    std::vector<uint8_t> kept;
    std::vector<std::string> reasons;
    std::vector<int64_t> labels;
    ChannelSums sums;
    std::vector<int64_t> keptPerClass;
};

// A class whose every file failed would silently vanish from training: refuse instead.
void checkEveryClassKept(const FolderIndex& index, const FirstPass& pass) {
    for (size_t c = 0; c < index.classes.size(); ++c)
        if (pass.keptPerClass[c] == 0)
            throw DataError((fs::path(index.root) / index.classes[c]).string() +
                            ": every image of the class is unreadable (" + std::to_string(index.countPerClass[c]) +
                            " files)");
}

// The first pass over a folder too large for memory: windows of images decoded in parallel
// and appended to a new cache file. Throws DataError when the file cannot be written (the
// Writer removes what it wrote).
void decodeIntoCache(const FolderIndex& index, const ImageSpec& spec, int threads, const std::string& file,
                     const std::string& key, const std::function<void(int64_t, int64_t)>& progress) {
    const int64_t total = int64_t(index.entries.size()), per = spec.pixelsPerImage();
    const int64_t windowSize = std::clamp<int64_t>(kStreamDecodeWindowBytes / per, 64, 4096);
    decode_cache::Writer writer(file, key, index, spec);
    std::string why;
    auto failed = [&] {
        return DataError(index.root + ": cannot write the decode cache, which a folder larger than the data memory "
                         "needs: " + why);
    };
    if (!writer.open(&why)) throw failed();
    FirstPass pass;
    pass.sums = ChannelSums(spec.channels, size_t(spec.height) * size_t(spec.width));
    pass.keptPerClass.assign(index.classes.size(), 0);
    std::vector<uint8_t> window(size_t(windowSize * per)), ok;
    std::vector<std::string> reasons;
    if (progress) progress(0, total);
    for (int64_t begin = 0; begin < total; begin += windowSize) {
        const int64_t end = std::min(total, begin + windowSize);
        decodeWindow(index, spec, begin, end, threads, window, ok, reasons);
        int64_t kept = 0;  // compacted to the front, in scan order
        for (int64_t i = 0; i < end - begin; ++i) {
            const FolderEntry& e = index.entries[size_t(begin + i)];
            pass.kept.push_back(ok[size_t(i)]);
            if (!ok[size_t(i)]) {
                pass.reasons.push_back(reasons[size_t(i)]);
                continue;
            }
            if (kept != i) std::memmove(window.data() + kept * per, window.data() + i * per, size_t(per));
            pass.sums.add(window.data() + kept * per);
            pass.labels.push_back(e.label);
            ++pass.keptPerClass[size_t(e.label)];
            ++kept;
        }
        if (!writer.append(window.data(), kept, &why)) throw failed();
        if (progress) progress(end, total);
    }
    checkEveryClassKept(index, pass);
    if (!writer.finish(pass.kept, pass.reasons, pass.labels, pass.sums, &why)) throw failed();
}

// The disk must hold the cache file before a byte is written.
void checkFreeSpace(const FolderIndex& index, const ImageSpec& spec, const std::string& cacheDir, int64_t budget) {
    const int64_t needed = decode_cache::estimatedBytes(index, spec), free = decode_cache::freeBytes(cacheDir);
    if (free < 0 || needed <= free) return;
    throw DataError(index.root + ": its decode cache needs " + formatBytes(needed) + " on disk but " + cacheDir +
                    " has only " + formatBytes(free) + " free. Free some space there (or point XDG_CACHE_HOME "
                    "elsewhere), or raise the data memory (--data-memory or STRATA_DATA_MEMORY, now " +
                    formatBytes(budget) + ") to hold the folder in memory");
}

BoundedFolder loadStreamed(const FolderIndex& index, const ImageSpec& spec, int threads, int64_t budget,
                           const std::function<void(int64_t, int64_t)>& progress,
                           const std::function<void(const std::string&)>& log) {
    const auto start = std::chrono::steady_clock::now();
    const int64_t needed = int64_t(index.entries.size()) * spec.pixelsPerImage();
    const std::string cacheDir = decode_cache::directory();
    if (cacheDir.empty())
        throw DataError(index.root + ": its decoded images take " + formatBytes(needed) + ", more than the data memory (" +
                        formatBytes(budget) + ", --data-memory or STRATA_DATA_MEMORY), and reading them a batch at "
                        "a time needs the decode cache, which is off (STRATA_NO_CACHE, or no HOME). Turn the cache "
                        "on or raise the data memory");
    BoundedFolder r;
    r.info.cacheFile = decode_cache::fileFor(cacheDir, index, spec);
    const std::string key = decode_cache::contentKey(index, spec, threads);
    if (decode_cache::readListing(r.info.cacheFile, key, index, spec, r.images, r.sums, &r.info.cacheNote)) {
        r.info.fromCache = true;
        if (progress) progress(int64_t(index.entries.size()), int64_t(index.entries.size()));
    } else {
        checkFreeSpace(index, spec, cacheDir, budget);
        if (log)
            log(index.root + ": decoding " + std::to_string(index.entries.size()) + " images into the decode cache (" +
                formatBytes(decode_cache::estimatedBytes(index, spec)) + " in " + r.info.cacheFile + ")");
        decodeIntoCache(index, spec, threads, r.info.cacheFile, key, progress);
        std::string why;
        if (!decode_cache::readListing(r.info.cacheFile, key, index, spec, r.images, r.sums, &why))
            throw DataError(r.info.cacheFile + ": the decode cache just written cannot be read back: " + why);
    }
    r.streamed = std::make_shared<const CachedPixels>(r.info.cacheFile, r.images.count(), spec);
    r.info.seconds = secondsSince(start);
    if (log)
        log(index.root + ": " + formatBytes(needed) + " decoded, more than the data memory (" + formatBytes(budget) +
            "): reading batches from the decode cache");
    return r;
}

}  // namespace

void BoundedFolder::meanStd(std::vector<double>& mean, std::vector<double>& stdev) const {
    if (isStreamed()) sums.meanStd(mean, stdev);
    else channelMeanStd(images, mean, stdev);
}

BoundedFolder loadBoundedFolder(const std::string& dir, const ImageSpec& spec, int threads, int64_t budget,
                                const std::function<void(int64_t, int64_t)>& progress,
                                const std::function<void(const std::string&)>& log) {
    if (budget >= 0) {
        const FolderIndex index = scanImageFolder(dir);
        if (int64_t(index.entries.size()) * spec.pixelsPerImage() > budget)
            return loadStreamed(index, spec, threads, budget, progress, log);
    }
    BoundedFolder r;
    r.images = loadImageFolder(dir, spec, threads, progress, &r.info);
    return r;
}

}  // namespace strata
