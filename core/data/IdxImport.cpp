// IDX (MNIST-style) files to an image folder. The files come from outside, so every header
// field is checked before it sizes anything, and data is read incrementally: a lying header
// can't make us allocate more than the file really holds.
#include "data/IdxImport.h"

#include "data/ImageFolder.h"  // DataError

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <stdexcept>

namespace fs = std::filesystem;

namespace strata {
namespace {

constexpr uint32_t kImagesMagic = 0x00000803;  // uint8, 3 dimensions
constexpr uint32_t kLabelsMagic = 0x00000801;  // uint8, 1 dimension
constexpr int64_t kMaxImagePixels = 100'000'000;

// Plain or gzip input behind one read(): gzip is recognised by its magic (1f 8b), not by
// the file name, since both forms are distributed.
class IdxStream {
public:
    explicit IdxStream(const std::string& path) : path_(path) {
        std::ifstream probe(path, std::ios::binary);
        if (!probe) throw DataError(path + ": cannot open file");
        unsigned char sig[2] = {0, 0};
        probe.read(reinterpret_cast<char*>(sig), 2);
        if (probe.gcount() == 2 && sig[0] == 0x1f && sig[1] == 0x8b) {
            gz_ = gzopen(path.c_str(), "rb");
            if (!gz_) throw DataError(path + ": cannot open file");
            gzbuffer(gz_, 1 << 17);
        } else {
            plain_.open(path, std::ios::binary);
            if (!plain_) throw DataError(path + ": cannot open file");
        }
    }
    ~IdxStream() {
        if (gz_) gzclose(gz_);
    }
    IdxStream(const IdxStream&) = delete;
    IdxStream& operator=(const IdxStream&) = delete;

    // Reads up to n bytes; fewer only at the end of the data.
    size_t read(uint8_t* dst, size_t n) {
        if (!gz_) {
            plain_.read(reinterpret_cast<char*>(dst), std::streamsize(n));
            return size_t(plain_.gcount());
        }
        size_t got = 0;
        while (got < n) {
            const unsigned ask = unsigned(std::min<size_t>(n - got, 1u << 30));
            const int r = gzread(gz_, dst + got, ask);
            if (r < 0) {
                int code = 0;
                const char* msg = gzerror(gz_, &code);
                throw DataError(path_ + ": corrupt gzip data (" + std::string(msg ? msg : "unknown error") + ")");
            }
            if (r == 0) break;
            got += size_t(r);
        }
        return got;
    }

private:
    std::string path_;
    gzFile gz_ = nullptr;
    std::ifstream plain_;
};

struct IdxData {
    std::vector<uint32_t> dims;
    std::vector<uint8_t> bytes;
};

std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

// Reads the header and the first `maxItems` items (all when negative).
IdxData readIdx(const std::string& path, uint32_t magic, const char* what, int64_t maxItems) {
    IdxStream in(path);
    uint8_t head[4];
    if (in.read(head, 4) != 4) throw DataError(path + ": truncated IDX header");
    const uint32_t got = uint32_t(head[0]) << 24 | uint32_t(head[1]) << 16 | uint32_t(head[2]) << 8 | head[3];
    if (got != magic)
        throw DataError(path + ": bad magic number " + hex32(got) + " (expected " + hex32(magic) + ", IDX " + what + ")");

    IdxData idx;
    const int ndims = head[3];
    for (int d = 0; d < ndims; ++d) {
        uint8_t b[4];
        if (in.read(b, 4) != 4) throw DataError(path + ": truncated IDX header");
        idx.dims.push_back(uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3]);
    }
    // Per-item size is bounded, so the total (count below 2^32) can't overflow int64.
    int64_t perItem = 1;
    for (int d = 1; d < ndims; ++d) {
        perItem *= int64_t(idx.dims[size_t(d)]);
        if (perItem == 0 || perItem > kMaxImagePixels)
            throw DataError(path + ": unsupported item size in IDX header");
    }
    const int64_t items = maxItems < 0 ? int64_t(idx.dims[0]) : std::min<int64_t>(maxItems, idx.dims[0]);
    const int64_t total = items * perItem;

    // Grow with the data actually present, so a truncated file is reported, not allocated.
    constexpr size_t kChunk = size_t(1) << 20;
    size_t have = 0;
    while (int64_t(have) < total) {
        const size_t want = size_t(std::min<int64_t>(int64_t(kChunk), total - int64_t(have)));
        idx.bytes.resize(have + want);
        const size_t r = in.read(idx.bytes.data() + have, want);
        have += r;
        if (r < want) {
            throw DataError(path + ": truncated data (" + std::to_string(have) + " of " + std::to_string(total) +
                            " bytes after the header)");
        }
    }
    return idx;
}

bool validClassName(const std::string& n) {
    // Hidden names would be ignored by scanImageFolder; separators would nest folders.
    return !n.empty() && n[0] != '.' && n.find_first_of("/\\") == std::string::npos &&
           n.find('\0') == std::string::npos;
}

std::string padded(int64_t v, int width) {
    std::string s = std::to_string(v);
    return s.size() < size_t(width) ? std::string(size_t(width) - s.size(), '0') + s : s;
}

int digits(int64_t v) { return int(std::to_string(std::max<int64_t>(v, 0)).size()); }

bool sameContent(const fs::path& p, const std::vector<uint8_t>& bytes) {
    std::error_code ec;
    const auto size = fs::file_size(p, ec);
    if (ec || size != bytes.size()) return false;
    std::ifstream in(p, std::ios::binary);
    std::vector<uint8_t> old(bytes.size());
    in.read(reinterpret_cast<char*>(old.data()), std::streamsize(old.size()));
    return size_t(in.gcount()) == old.size() && old == bytes;
}

// Written in place: a file cut short by an interrupted run differs from its encoding, so
// the next run rewrites it (the content check in importIdx makes temporary-and-rename moot).
void writeFile(const fs::path& p, const std::vector<uint8_t>& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    out.close();
    if (!out) throw std::runtime_error(p.string() + ": cannot write file");
}

}  // namespace

IdxImportResult importIdx(const std::string& imagesPath, const std::string& labelsPath, const std::string& outDir,
                          const std::vector<std::string>& classNames,
                          const std::function<void(int64_t, int64_t)>& progress) {
    return importIdx(imagesPath, labelsPath, outDir, classNames, progress, -1);
}

IdxImportResult importIdx(const std::string& imagesPath, const std::string& labelsPath, const std::string& outDir,
                          const std::vector<std::string>& classNames,
                          const std::function<void(int64_t, int64_t)>& progress, int64_t limit) {
    const IdxData images = readIdx(imagesPath, kImagesMagic, "uint8 images N x H x W", limit);
    const IdxData labels = readIdx(labelsPath, kLabelsMagic, "uint8 labels", limit);
    const int64_t count = images.dims[0];
    const int rows = int(images.dims[1]), cols = int(images.dims[2]);
    if (count == 0) throw DataError(imagesPath + ": no images");
    if (int64_t(labels.dims[0]) != count)
        throw DataError(imagesPath + ": " + std::to_string(count) + " images, but " + labelsPath + " has " +
                        std::to_string(labels.dims[0]) + " labels");
    const int64_t n = int64_t(labels.bytes.size());  // after the limit
    if (n == 0) return {};

    const int64_t maxLabel = *std::max_element(labels.bytes.begin(), labels.bytes.end());
    std::vector<std::string> names;
    if (classNames.empty()) {
        // Zero-padded when labels reach 10, so that the folder sort order is the label order.
        for (int64_t v = 0; v <= maxLabel; ++v) names.push_back(padded(v, digits(maxLabel)));
    } else {
        if (maxLabel >= int64_t(classNames.size()))
            throw DataError(labelsPath + ": label " + std::to_string(maxLabel) + " has no class name (" +
                            std::to_string(classNames.size()) + " names given)");
        std::set<std::string> seen;
        for (const std::string& name : classNames) {
            if (!validClassName(name)) throw DataError("invalid class name '" + name + "'");
            if (!seen.insert(name).second) throw DataError("duplicate class name '" + name + "'");
        }
        names = classNames;
    }

    // Only labels that occur get a folder: an empty class folder is an error for the loader.
    std::vector<bool> present(names.size(), false);
    for (uint8_t v : labels.bytes) present[v] = true;
    IdxImportResult result;
    for (size_t c = 0; c < names.size(); ++c) {
        if (!present[c]) continue;
        result.classes.push_back(names[c]);
        std::error_code ec;
        fs::create_directories(fs::path(outDir) / names[c], ec);
        if (ec) throw std::runtime_error((fs::path(outDir) / names[c]).string() + ": cannot create folder (" +
                                         ec.message() + ")");
    }

    const int width = std::max(5, digits(count - 1));  // file names don't depend on the limit
    const size_t plane = size_t(rows) * cols;
    std::vector<uint8_t> png;
    if (progress) progress(0, n);
    for (int64_t i = 0; i < n; ++i) {
        const uint8_t label = labels.bytes[size_t(i)];
        const fs::path file = fs::path(outDir) / names[label] / (padded(i, width) + ".png");
        // const_cast: cv::Mat wraps without copying; imencode only reads.
        const cv::Mat img(rows, cols, CV_8UC1, const_cast<uint8_t*>(images.bytes.data()) + size_t(i) * plane);
        if (!cv::imencode(".png", img, png)) throw std::runtime_error(file.string() + ": cannot encode PNG");
        // Comparing the bytes, not just the existence, keeps a rerun quick and still repairs
        // files from a different dataset or an older import.
        if (!sameContent(file, png)) {
            writeFile(file, png);
            ++result.written;
        }
        ++result.images;
        if (progress && ((i + 1) % 1000 == 0 || i + 1 == n)) progress(i + 1, n);
    }
    return result;
}

}  // namespace strata
