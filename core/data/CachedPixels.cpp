#include "data/CachedPixels.h"

#include <fcntl.h>
#include <unistd.h>

#include <H5Cpp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <numeric>
#include <stdexcept>

#include "storage/H5Lock.h"

namespace strata {

CachedPixels::CachedPixels(const std::string& file, int64_t count, const ImageSpec& spec)
    : file_(file), count_(count), spec_(spec) {
    locateChunks();
    fd_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw DataError(file + ": cannot open the decode cache (" + std::strerror(errno) + ")");
}

CachedPixels::~CachedPixels() {
    if (fd_ >= 0) ::close(fd_);
}

// Where each chunk of rows of "pixels" lies in the file. Refuses a layout pread cannot read:
// not chunked by whole rows, filtered (compressed), or a chunk never written.
void CachedPixels::locateChunks() {
    std::lock_guard<std::mutex> lock(h5::libraryMutex());
    auto refuse = [&](const std::string& why) { return DataError(file_ + ": decode cache " + why); };
    try {
        h5::silenceErrors();
        H5::H5File h5(file_, H5F_ACC_RDONLY);
        H5::DataSet pixels = h5.openDataSet("pixels");
        H5::DataSpace space = pixels.getSpace();
        hsize_t dims[2] = {0, 0};
        if (space.getSimpleExtentNdims() != 2) throw refuse("pixels are not 2-D");
        space.getSimpleExtentDims(dims);
        if (int64_t(dims[0]) != count_ || int64_t(dims[1]) != spec_.pixelsPerImage())
            throw refuse("does not hold " + std::to_string(count_) + " images of " +
                         std::to_string(spec_.pixelsPerImage()) + " bytes");
        const H5::DSetCreatPropList layout = pixels.getCreatePlist();
        hsize_t chunk[2] = {0, 0};
        if (layout.getLayout() != H5D_CHUNKED || layout.getChunk(2, chunk) != 2 || chunk[1] != dims[1] ||
            chunk[0] == 0 || layout.getNfilters() != 0)
            throw refuse("pixels are not stored in unfiltered chunks of whole images");
        rowsPerChunk_ = int64_t(chunk[0]);
        const int64_t chunks = (count_ + rowsPerChunk_ - 1) / rowsPerChunk_;
        chunkOffsets_.resize(size_t(chunks));
        for (int64_t c = 0; c < chunks; ++c) {
            const hsize_t at[2] = {hsize_t(c * rowsPerChunk_), 0};
            unsigned filterMask = 0;
            haddr_t address = HADDR_UNDEF;
            hsize_t bytes = 0;
            if (H5Dget_chunk_info_by_coord(pixels.getId(), at, &filterMask, &address, &bytes) < 0 ||
                address == HADDR_UNDEF || bytes < hsize_t(rowsPerChunk_) * dims[1])
                throw refuse("chunk " + std::to_string(c) + " is missing");
            chunkOffsets_[size_t(c)] = uint64_t(address);
        }
    } catch (const H5::Exception& e) {
        throw DataError(file_ + ": cannot open the decode cache (" + e.getDetailMsg() + ")");
    }
}

void CachedPixels::read(const std::vector<int64_t>& indices, uint8_t* out) const {
    const int64_t n = int64_t(indices.size()), per = spec_.pixelsPerImage();
    for (int64_t index : indices)
        if (index < 0 || index >= count_) throw std::out_of_range("image " + std::to_string(index) + " out of range");
    // In file order: a cold file is read forwards, as the disk and the kernel's read-ahead like.
    std::vector<int64_t> byPlace(static_cast<size_t>(n));
    std::iota(byPlace.begin(), byPlace.end(), 0);
    std::sort(byPlace.begin(), byPlace.end(), [&](int64_t a, int64_t b) { return indices[size_t(a)] < indices[size_t(b)]; });
    for (int64_t i : byPlace) {
        const int64_t row = indices[size_t(i)];
        const uint64_t offset = chunkOffsets_[size_t(row / rowsPerChunk_)] + uint64_t(row % rowsPerChunk_) * uint64_t(per);
        uint8_t* dst = out + i * per;
        for (int64_t done = 0; done < per;) {
            const ssize_t got = ::pread(fd_, dst + done, size_t(per - done), off_t(offset + uint64_t(done)));
            if (got > 0) done += got;
            else if (got < 0 && errno == EINTR) continue;
            else throw DataError(file_ + ": cannot read the decode cache (" +
                                 (got < 0 ? std::string(std::strerror(errno)) : std::string("file ends early")) + ")");
        }
    }
    images_ += n;
    ++reads_;
    for (int64_t seen = largestRead_.load(); n > seen && !largestRead_.compare_exchange_weak(seen, n);) {
    }
}

CachedPixels::Stats CachedPixels::stats() const { return {images_.load(), reads_.load(), largestRead_.load()}; }

}  // namespace strata
