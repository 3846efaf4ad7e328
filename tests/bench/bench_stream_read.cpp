// Reading a streamed folder's decode cache (issue 20), to choose the shuffle scheme: batches of
// images in a whole-epoch random order (what training asks for) against batches in file order
// (what a chunk-order shuffle with a mixing buffer reads), with the file's pages in the page
// cache and evicted from it first (posix_fadvise DONTNEED: read from the disk).
//
//   build/tests/bench_stream_read DIR [SIZE=96] [CHANNELS=3] [IMAGES=20000] [BATCH=64]
//
// DIR must have a decode cache at SIZE (train on it once, or run tests/bench/bench_streaming.sh);
// the cache is found as training finds it (XDG_CACHE_HOME). Prints images/s per scheme and
// state. Not part of ctest.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "data/CachedPixels.h"
#include "data/DecodeCache.h"

using namespace strata;

namespace {

// The training's epoch order (train/Batches.h shuffledIndices, which needs torch): a seeded
// Fisher-Yates shuffle of every image.
std::vector<int64_t> shuffledIndices(int64_t n, uint64_t seed) {
    std::vector<int64_t> order(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) order[size_t(i)] = i;
    std::mt19937_64 rng(seed);
    for (int64_t i = n - 1; i > 0; --i) std::swap(order[size_t(i)], order[size_t(rng() % uint64_t(i + 1))]);
    return order;
}

void evict(const std::string& file) {
    const int fd = ::open(file.c_str(), O_RDONLY);
    if (fd < 0) return;
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
}

// Images per second reading `order` in batches of `batch`.
double readRate(const CachedPixels& pixels, const std::vector<int64_t>& order, int64_t batch) {
    std::vector<uint8_t> out(size_t(batch * pixels.spec().pixelsPerImage()));
    const auto start = std::chrono::steady_clock::now();
    for (size_t b = 0; b < order.size(); b += size_t(batch)) {
        const std::vector<int64_t> idx(order.begin() + long(b), order.begin() + long(std::min(order.size(), b + size_t(batch))));
        pixels.read(idx, out.data());
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return double(order.size()) / s;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_stream_read DIR [SIZE=96] [CHANNELS=3] [IMAGES=20000] [BATCH=64]\n");
        return 2;
    }
    const int size = argc > 2 ? std::atoi(argv[2]) : 96, channels = argc > 3 ? std::atoi(argv[3]) : 3;
    const int64_t images = argc > 4 ? std::atoll(argv[4]) : 20000, batch = argc > 5 ? std::atoll(argv[5]) : 64;
    const ImageSpec spec{channels, size, size};
    const FolderIndex index = scanImageFolder(argv[1]);
    const std::string file = decode_cache::fileFor(decode_cache::directory(), index, spec);
    DecodedImages listing;
    ChannelSums sums;
    std::string why;
    if (!decode_cache::readListing(file, decode_cache::contentKey(index, spec, 2), index, spec, listing, sums, &why)) {
        std::fprintf(stderr, "error: %s: no usable decode cache (%s)\n", argv[1], why.c_str());
        return 2;
    }
    const CachedPixels pixels(file, listing.count(), spec);
    const int64_t n = std::min<int64_t>(images, listing.count());
    // Random: a whole-epoch shuffle of all images, the first n of it. Sequential: n images in
    // file order starting at a random-ish place (a chunk-order scheme reads runs like this).
    const std::vector<int64_t> shuffled = shuffledIndices(listing.count(), 7);
    const std::vector<int64_t> random(shuffled.begin(), shuffled.begin() + n);
    std::vector<int64_t> sequential(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) sequential[size_t(i)] = (listing.count() / 3 + i) % listing.count();
    std::printf("%s: %lld images of %dx%dx%d, reading %lld in batches of %lld\n", file.c_str(),
                (long long)listing.count(), channels, size, size, (long long)n, (long long)batch);
    std::printf("%-28s %12s\n", "scheme", "images/s");
    for (const bool cold : {false, true})
        for (const bool shuffledOrder : {true, false}) {
            const std::vector<int64_t>& order = shuffledOrder ? random : sequential;
            if (cold) evict(file);
            else readRate(pixels, order, batch);  // warm the pages once
            std::printf("%-28s %12.0f\n",
                        (std::string(shuffledOrder ? "random batches" : "file-order batches") + (cold ? ", cold" : ", warm")).c_str(),
                        readRate(pixels, order, batch));
        }
    return 0;
}
