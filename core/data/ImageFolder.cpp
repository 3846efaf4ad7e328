// Image folders: scanning, decoding by the preprocessing contract (docs/ARCHITECTURE.md §6) and
// per-channel statistics. Decoding never throws: a user's folder can hold anything, and one
// bad file must cost a "skipped" line, not the run.
#include "data/ImageFolder.h"

#include "data/ChannelSums.h"
#include "data/DecodeCache.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <thread>

namespace fs = std::filesystem;

namespace strata {
namespace {

// Larger images are refused before decoding: a crafted header could otherwise ask for
// gigabytes, and nothing this size belongs in a training set of small inputs.
constexpr int64_t kMaxPixels = 100'000'000;
constexpr int64_t kMaxFileBytes = int64_t(1) << 30;

bool isHidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return !name.empty() && name[0] == '.';
}

bool hasImageExtension(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".tif" ||
           ext == ".tiff";
}

uint32_t be16(const uint8_t* p) { return uint32_t(p[0]) << 8 | p[1]; }
uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
uint32_t le16(const uint8_t* p) { return uint32_t(p[1]) << 8 | p[0]; }
uint32_t le32(const uint8_t* p) { return uint32_t(p[3]) << 24 | uint32_t(p[2]) << 16 | uint32_t(p[1]) << 8 | p[0]; }

// Reads width and height from the header of PNG, JPEG, BMP or TIFF data, so that absurd sizes
// are refused before the decoder allocates. Returns false when the format is not recognised
// (the decoder then decides, under OpenCV's own pixel limit).
bool sniffImageSize(const std::vector<uint8_t>& d, int64_t& w, int64_t& h) {
    const size_t n = d.size();
    const uint8_t* p = d.data();
    if (n >= 24 && std::memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0 && std::memcmp(p + 12, "IHDR", 4) == 0) {
        w = be32(p + 16);
        h = be32(p + 20);
        return true;
    }
    if (n >= 26 && p[0] == 'B' && p[1] == 'M') {
        if (le32(p + 14) == 12) {  // OS/2 core header: 16-bit sizes
            w = le16(p + 18);
            h = le16(p + 20);
        } else {
            w = std::abs(int64_t(int32_t(le32(p + 18))));
            h = std::abs(int64_t(int32_t(le32(p + 22))));  // negative: top-down rows
        }
        return true;
    }
    if (n >= 4 && p[0] == 0xFF && p[1] == 0xD8) {
        size_t i = 2;
        while (i + 4 <= n) {
            if (p[i] != 0xFF) return false;
            const uint8_t m = p[i + 1];
            if (m == 0xFF) { ++i; continue; }  // fill byte
            if (m == 0x01 || (m >= 0xD0 && m <= 0xD8)) { i += 2; continue; }  // no length
            const size_t len = be16(p + i + 2);
            const bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
            if (sof && i + 9 <= n) {
                h = be16(p + i + 5);
                w = be16(p + i + 7);
                return true;
            }
            if (m == 0xDA || len < 2) return false;  // scan data before any frame header
            i += 2 + len;
        }
        return false;
    }
    const bool ii = n >= 8 && p[0] == 'I' && p[1] == 'I' && le16(p + 2) == 42;
    const bool mm = n >= 8 && p[0] == 'M' && p[1] == 'M' && be16(p + 2) == 42;
    if (ii || mm) {
        auto u16 = [&](size_t o) { return ii ? le16(p + o) : be16(p + o); };
        auto u32 = [&](size_t o) { return ii ? le32(p + o) : be32(p + o); };
        const size_t ifd = u32(4);
        if (ifd + 2 > n) return false;
        const size_t count = u16(ifd);
        bool haveW = false, haveH = false;
        for (size_t k = 0; k < count && ifd + 2 + 12 * (k + 1) <= n; ++k) {
            const size_t e = ifd + 2 + 12 * k;
            const uint32_t tag = u16(e), type = u16(e + 2);
            if (tag != 256 && tag != 257) continue;
            const int64_t v = type == 3 ? int64_t(u16(e + 8)) : int64_t(u32(e + 8));
            (tag == 256 ? w : h) = v;
            (tag == 256 ? haveW : haveH) = true;
        }
        return haveW && haveH;
    }
    return false;
}

// Walks the PNG chunk list to its IEND. A cut-off PNG is reported as such here, instead of
// libpng printing its own error on stderr (once per file, from every decode thread).
bool pngComplete(const std::vector<uint8_t>& d) {
    if (d.size() < 8 || std::memcmp(d.data(), "\x89PNG\r\n\x1a\n", 8) != 0) return true;  // not PNG
    size_t i = 8;
    while (i + 12 <= d.size()) {
        const size_t len = be32(d.data() + i);
        if (std::memcmp(d.data() + i + 4, "IEND", 4) == 0) return true;
        if (len > d.size() - i - 12) return false;
        i += 12 + len;
    }
    return false;
}

bool readFile(const std::string& path, std::vector<uint8_t>& data, std::string& why) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) { why = "file not found"; return false; }
    if (!fs::is_regular_file(status)) { why = "not a regular file"; return false; }
    const auto size = fs::file_size(path, ec);
    if (ec) { why = "cannot read file size"; return false; }
    if (size == 0) { why = "empty file"; return false; }
    if (int64_t(size) > kMaxFileBytes) { why = "file too large (" + std::to_string(size) + " bytes)"; return false; }
    std::ifstream in(path, std::ios::binary);
    if (!in) { why = "cannot open file"; return false; }
    data.resize(size_t(size));
    in.read(reinterpret_cast<char*>(data.data()), std::streamsize(size));
    if (size_t(in.gcount()) != size) { why = "cannot read file"; return false; }
    return true;
}

// Any depth to 8 bits: 16-bit by /257 so that 65535 maps to 255 exactly; floats are taken as
// [0, 1] (TIFF/HDR convention); other integer depths saturate.
cv::Mat to8Bit(const cv::Mat& m) {
    if (m.depth() == CV_8U) return m;
    cv::Mat out;
    double scale = 1.0;
    if (m.depth() == CV_16U) scale = 1.0 / 257.0;
    else if (m.depth() == CV_32F || m.depth() == CV_64F) scale = 255.0;
    m.convertTo(out, CV_8U, scale);
    return out;
}

// To the wanted channel count, in RGB order for colour. Alpha is dropped, not blended: the
// contract keeps colour values as stored.
cv::Mat toChannels(const cv::Mat& m, int channels) {
    cv::Mat base = m;
    if (m.channels() == 2 || m.channels() > 4) cv::extractChannel(m, base, 0);  // gray+alpha
    cv::Mat out;
    const int c = base.channels();
    if (channels == 1) {
        if (c == 1) return base;
        cv::cvtColor(base, out, c == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    } else {
        if (c == 1) cv::cvtColor(base, out, cv::COLOR_GRAY2RGB);
        else cv::cvtColor(base, out, c == 4 ? cv::COLOR_BGRA2RGB : cv::COLOR_BGR2RGB);
    }
    return out;
}

bool decodeImpl(const std::string& path, const ImageSpec& spec, std::vector<uint8_t>& out, std::string& why) {
    if ((spec.channels != 1 && spec.channels != 3) || spec.height <= 0 || spec.width <= 0) {
        why = "unsupported input shape " + std::to_string(spec.channels) + "x" + std::to_string(spec.height) +
              "x" + std::to_string(spec.width);
        return false;
    }
    std::vector<uint8_t> data;
    if (!readFile(path, data, why)) return false;
    int64_t w = 0, h = 0;
    if (sniffImageSize(data, w, h)) {
        if (w <= 0 || h <= 0) { why = "invalid image size in header"; return false; }
        if (w > kMaxPixels || h > kMaxPixels || w * h > kMaxPixels) {  // each first: no overflow
            why = "image too large (" + std::to_string(w) + "x" + std::to_string(h) + ")";
            return false;
        }
    }
    if (!pngComplete(data)) { why = "truncated PNG"; return false; }
    // ANYDEPTH|ANYCOLOR rather than UNCHANGED: same pixels, but EXIF orientation is applied.
    cv::Mat img = cv::imdecode(data, cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR);
    data = {};
    if (img.empty()) { why = "cannot decode image"; return false; }
    if (int64_t(img.cols) * img.rows > kMaxPixels) {
        why = "image too large (" + std::to_string(img.cols) + "x" + std::to_string(img.rows) + ")";
        return false;
    }
    img = toChannels(to8Bit(img), spec.channels);
    if (img.rows != spec.height || img.cols != spec.width) {
        cv::Mat resized;
        cv::resize(img, resized, cv::Size(spec.width, spec.height), 0, 0, cv::INTER_LINEAR);
        img = resized;
    }
    if (!img.isContinuous()) img = img.clone();
    const size_t plane = size_t(spec.height) * spec.width;
    out.resize(plane * spec.channels);
    if (spec.channels == 1) {
        std::memcpy(out.data(), img.data, plane);
    } else {
        const uint8_t* src = img.data;  // interleaved RGB -> planar
        for (size_t i = 0; i < plane; ++i)
            for (int c = 0; c < 3; ++c) out[c * plane + i] = src[i * 3 + c];
    }
    return true;
}

struct DecodeSlot {
    bool ok = false;
    std::string why;
};

}  // namespace

FolderIndex scanImageFolder(const std::string& dir) {
    std::error_code ec;
    const fs::path root(dir);
    const auto status = fs::status(root, ec);
    if (ec || !fs::exists(status)) throw DataError(dir + ": folder does not exist");
    if (!fs::is_directory(status)) throw DataError(dir + ": not a folder");

    FolderIndex index;
    index.root = dir;
    std::vector<fs::path> classDirs;
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code ec2;
        if (!isHidden(it->path()) && it->is_directory(ec2)) classDirs.push_back(it->path());
    }
    if (ec) throw DataError(dir + ": cannot list folder (" + ec.message() + ")");
    if (classDirs.empty()) throw DataError(dir + ": no class folders (expected DIR/<class>/<image>)");
    std::sort(classDirs.begin(), classDirs.end(),
              [](const fs::path& a, const fs::path& b) { return a.filename().string() < b.filename().string(); });

    for (const fs::path& classDir : classDirs) {
        std::vector<std::string> files;
        for (fs::directory_iterator it(classDir, ec), end; !ec && it != end; it.increment(ec)) {
            std::error_code ec2;
            const fs::path& p = it->path();
            if (!isHidden(p) && hasImageExtension(p) && it->is_regular_file(ec2)) files.push_back(p.string());
        }
        if (ec) throw DataError(classDir.string() + ": cannot list folder (" + ec.message() + ")");
        if (files.empty()) throw DataError(classDir.string() + ": class folder has no images");
        std::sort(files.begin(), files.end());
        const int64_t label = int64_t(index.classes.size());
        index.classes.push_back(classDir.filename().string());
        index.countPerClass.push_back(int64_t(files.size()));
        for (std::string& f : files) index.entries.push_back({std::move(f), label});
    }
    return index;
}

bool decodeImage(const std::string& path, const ImageSpec& spec, std::vector<uint8_t>& out, std::string* error) {
    std::string why;
    bool ok = false;
    try {
        ok = decodeImpl(path, spec, out, why);
    } catch (const cv::Exception& e) {
        why = "cannot decode image (" + std::string(e.err) + ")";
    } catch (const std::exception& e) {
        why = std::string("cannot decode image (") + e.what() + ")";
    }
    if (!ok && error) *error = why;
    return ok;
}

namespace {

DecodedImages decodeFolder(const FolderIndex& index, const ImageSpec& spec, int threads,
                           const std::function<void(int64_t, int64_t)>& progress) {
    const std::string& dir = index.root;
    const int64_t total = int64_t(index.entries.size());
    const size_t per = size_t(spec.pixelsPerImage());

    DecodedImages result;
    result.spec = spec;
    result.classes = index.classes;
    result.pixels.resize(size_t(total) * per);
    std::vector<DecodeSlot> slots(static_cast<size_t>(total));

    auto decodeOne = [&](int64_t i, std::vector<uint8_t>& buf) {
        DecodeSlot& s = slots[size_t(i)];
        s.ok = decodeImage(index.entries[size_t(i)].path, spec, buf, &s.why);
        if (s.ok) std::memcpy(result.pixels.data() + size_t(i) * per, buf.data(), per);
    };
    // Workers take chunks of indices and write each image into its own slot, so the result
    // is the same whatever the thread count or scheduling.
    constexpr int64_t kChunk = 32;
    std::atomic<int64_t> next{0}, done{0};
    auto work = [&] {
        std::vector<uint8_t> buf;
        for (int64_t begin; (begin = next.fetch_add(kChunk)) < total;) {
            const int64_t end = std::min(total, begin + kChunk);
            for (int64_t i = begin; i < end; ++i) decodeOne(i, buf);
            done.fetch_add(end - begin);
        }
    };

    if (progress) progress(0, total);
    const int nThreads = int(std::max<int64_t>(1, std::min<int64_t>(threads, total)));
    if (nThreads <= 1) {
        // Chunked by hand so that progress still comes from this (the calling) thread.
        std::vector<uint8_t> buf;
        for (int64_t i = 0; i < total; i += 256) {
            const int64_t end = std::min(total, i + 256);
            for (int64_t k = i; k < end; ++k) decodeOne(k, buf);
            if (progress) progress(end, total);
        }
    } else {
        std::vector<std::thread> pool;
        try {
            for (int t = 0; t < nThreads; ++t) pool.emplace_back(work);
        } catch (const std::system_error&) {
            // Out of threads: those already started share the work; with none, do it here.
            if (pool.empty()) work();
        }
        int64_t reported = 0;
        while (done.load() < total) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            const int64_t d = done.load();
            if (progress && d != reported && d < total) progress(reported = d, total);
        }
        for (auto& t : pool) t.join();
        if (progress) progress(total, total);
    }

    // A class whose every file failed would silently vanish from training: refuse instead.
    std::vector<int64_t> decodedPerClass(index.classes.size(), 0);
    for (int64_t i = 0; i < total; ++i)
        if (slots[size_t(i)].ok) ++decodedPerClass[size_t(index.entries[size_t(i)].label)];
    for (size_t c = 0; c < index.classes.size(); ++c)
        if (decodedPerClass[c] == 0)
            throw DataError((fs::path(dir) / index.classes[c]).string() + ": every image of the class is unreadable (" +
                            std::to_string(index.countPerClass[c]) + " files)");

    // Compact the decoded images to the front, keeping scan order.
    int64_t kept = 0;
    for (int64_t i = 0; i < total; ++i) {
        const FolderEntry& e = index.entries[size_t(i)];
        const DecodeSlot& s = slots[size_t(i)];
        if (!s.ok) {
            result.skippedPaths.push_back(e.path);
            result.skippedReasons.push_back(s.why);
            continue;
        }
        if (kept != i)
            std::memmove(result.pixels.data() + size_t(kept) * per, result.pixels.data() + size_t(i) * per, per);
        result.labels.push_back(e.label);
        result.paths.push_back(e.path);
        ++kept;
    }
    result.pixels.resize(size_t(kept) * per);
    return result;
}

}  // namespace

DecodedImages loadImageFolder(const std::string& dir, const ImageSpec& spec, int threads,
                              const std::function<void(int64_t, int64_t)>& progress, FolderLoadInfo* info,
                              bool useCache) {
    const auto start = std::chrono::steady_clock::now();
    FolderLoadInfo local;
    FolderLoadInfo& li = info ? *info : local;
    li = FolderLoadInfo();
    const FolderIndex index = scanImageFolder(dir);
    const std::string cacheDir = useCache ? decode_cache::directory() : std::string();
    std::string key;
    if (!cacheDir.empty()) {
        li.cacheFile = decode_cache::fileFor(cacheDir, index, spec);
        key = decode_cache::contentKey(index, spec, threads);
        DecodedImages cached;
        if (decode_cache::read(li.cacheFile, key, index, spec, cached, &li.cacheNote)) {
            li.fromCache = true;
            li.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (progress) progress(int64_t(index.entries.size()), int64_t(index.entries.size()));  // all there
            return cached;
        }
    }
    DecodedImages result = decodeFolder(index, spec, threads, progress);
    li.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!cacheDir.empty()) {
        std::string why;
        const int64_t needed = decode_cache::estimatedBytes(index, spec), free = decode_cache::freeBytes(cacheDir);
        if (free >= 0 && needed > free)  // a full disk costs a note, not a half-written file
            li.cacheNote = "not written: needs " + std::to_string(needed) + " bytes, " + cacheDir + " has " +
                           std::to_string(free) + " free";
        else if (!decode_cache::write(li.cacheFile, key, index, result, &why))
            li.cacheNote = "not written: " + why;
    }
    return result;
}

void channelMeanStd(const DecodedImages& images, std::vector<double>& mean, std::vector<double>& stdev) {
    // The same sums a streamed folder accumulates window by window (data/ChannelSums.h).
    const size_t plane = size_t(images.spec.height) * images.spec.width;
    ChannelSums sums(images.spec.channels, plane);
    const size_t per = plane * size_t(images.spec.channels);
    for (int64_t i = 0; i < images.count() && plane > 0; ++i) sums.add(images.pixels.data() + size_t(i) * per);
    sums.meanStd(mean, stdev);
}

std::string skipReport(const DecodedImages& images, int maxPaths) {
    const size_t n = images.skippedPaths.size();
    if (n == 0) return "";
    std::string text = "skipped " + std::to_string(n) + (n == 1 ? " unreadable file: " : " unreadable files: ");
    const size_t shown = std::min(n, size_t(std::max(0, maxPaths)));
    for (size_t i = 0; i < shown; ++i) {
        if (i) text += ", ";
        text += images.skippedPaths[i];
        if (i < images.skippedReasons.size() && !images.skippedReasons[i].empty())
            text += " (" + images.skippedReasons[i] + ")";
    }
    if (n > shown) text += (shown ? ", and " : "") + std::to_string(n - shown) + " more";
    return text;
}

}  // namespace strata
