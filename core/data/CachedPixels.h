#pragma once
// The pixels of a folder larger than the data memory budget, read from its decode cache file
// (data/DecodeCache.h) a batch at a time: only the images asked for, never the whole file.
// Strata's own memory for the data set is then the batches being assembled; the kernel's page
// cache keeps what it can of the file, without counting against the process.
//
// Training asks for the images of each batch in its shuffled order (random access), one batch
// ahead on the prefetch thread (train/BatchPrefetcher.h), so the epoch order is exactly the one
// used in memory. HDF5 locates the chunks once, when the file is opened (under
// h5::libraryMutex()); the images are then read with pread straight from the file, without
// HDF5 or its lock: the chunks are stored unfiltered, row after row, and HDF5's own hyperslab
// reads cost about 1 ms per scattered image (bench_stream_read: 1,200 images/s against the
// photo CNN's 3,300 images/s of training). Torch-free.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "data/ImageFolder.h"

namespace strata {

class CachedPixels {
public:
    // Opens the "pixels" dataset of `file` ([count, C*H*W] uint8). Throws DataError naming the
    // file when it cannot, or when its shape is not count images of `spec`.
    CachedPixels(const std::string& file, int64_t count, const ImageSpec& spec);
    ~CachedPixels();
    CachedPixels(const CachedPixels&) = delete;
    CachedPixels& operator=(const CachedPixels&) = delete;

    int64_t count() const { return count_; }
    const ImageSpec& spec() const { return spec_; }
    const std::string& file() const { return file_; }

    // Copies images `indices` (any order, repeats allowed) to `out`, one after the other
    // (indices.size() * C*H*W bytes), reading them in file order. Thread-safe. Throws
    // std::out_of_range for an index outside [0, count), DataError when the file cannot be read.
    void read(const std::vector<int64_t>& indices, uint8_t* out) const;

    // What reading cost so far: images read, read calls, and the most images one call held
    // (the bound on the memory streaming needs; tests check it).
    struct Stats {
        int64_t images = 0, reads = 0, largestRead = 0;
    };
    Stats stats() const;

private:
    void locateChunks();

    std::string file_;
    int64_t count_ = 0;
    ImageSpec spec_;
    int fd_ = -1;
    int64_t rowsPerChunk_ = 1;
    std::vector<uint64_t> chunkOffsets_;  // file offset of each chunk of rows
    mutable std::atomic<int64_t> images_{0}, reads_{0}, largestRead_{0};
};

}  // namespace strata
