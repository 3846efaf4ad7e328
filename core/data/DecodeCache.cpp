#include "data/DecodeCache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <H5Cpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <thread>

#include "storage/AtomicFile.h"
#include "storage/H5Attributes.h"
#include "storage/H5Lock.h"

namespace fs = std::filesystem;

namespace strata::decode_cache {

namespace {

constexpr const char* kFormat = "strata.decodecache/1";
// Least recently used files beyond these are removed after each write: the cache is a
// convenience, and test runs or one-off folders must not fill the disk.
constexpr size_t kMaxFiles = 16;
constexpr uintmax_t kMaxBytes = uintmax_t(8) << 30;

// Two FNV-1a-style streams with different bases, mixed at the end: 128 bits, stable across
// builds (std::hash is not). A cache key, not a security boundary: read() also checks every
// entry's name and label.
class Digest {
public:
    void add(const void* data, size_t n) {
        const auto* p = static_cast<const uint8_t*>(data);
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {  // a word at a time (FNV-1a over 64-bit words): 8x fewer steps
            uint64_t w;
            std::memcpy(&w, p + i, 8);
            a_ = (a_ ^ w) * 0x100000001B3ull;
            b_ = (b_ ^ (w + 0x9E3779B97F4A7C15ull)) * 0x100000001B3ull;
        }
        for (; i < n; ++i) {
            a_ = (a_ ^ p[i]) * 0x100000001B3ull;
            b_ = (b_ ^ p[i]) * 0x100000001B3ull;
        }
    }
    void add(const std::string& s) {
        add(s.data(), s.size());
        add(int64_t(s.size()));  // "ab"+"c" differs from "a"+"bc"
    }
    void add(int64_t v) { add(&v, sizeof v); }
    std::string hex() const {
        static const char* digits = "0123456789abcdef";
        std::string out;
        for (uint64_t v : {mix(a_), mix(b_ ^ a_)})
            for (int shift = 60; shift >= 0; shift -= 4) out += digits[(v >> shift) & 15];
        return out;
    }

private:
    static uint64_t mix(uint64_t z) {  // splitmix64's finalizer
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    uint64_t a_ = 0xCBF29CE484222325ull;
    uint64_t b_ = 0x84222325CBF29CE4ull;
};

std::string absoluteFolder(const std::string& dir) {
    std::error_code ec;
    fs::path p = fs::absolute(dir, ec);
    return (ec ? fs::path(dir) : p).lexically_normal().string();
}

// "class/file.png": the entry's path relative to the folder (the scan builds root/class/file).
std::string relativePath(const FolderIndex& index, const FolderEntry& e) {
    const size_t slash = e.path.find_last_of('/');  // string ops: fs::path parsing costs more than the stat
    return index.classes[size_t(e.label)] + "/" + (slash == std::string::npos ? e.path : e.path.substr(slash + 1));
}

// Strings as one '\0'-separated byte array: far faster to read than 60,000 HDF5 strings.
std::vector<uint8_t> joinStrings(const std::vector<std::string>& items) {
    std::vector<uint8_t> out;
    for (const std::string& s : items) {
        out.insert(out.end(), s.begin(), s.end());
        out.push_back(0);
    }
    return out;
}

bool splitStrings(const std::vector<uint8_t>& bytes, std::vector<std::string>& items) {
    items.clear();
    size_t start = 0;
    for (size_t i = 0; i < bytes.size(); ++i) {
        if (bytes[i] != 0) continue;
        items.emplace_back(reinterpret_cast<const char*>(bytes.data()) + start, i - start);
        start = i + 1;
    }
    return start == bytes.size();  // no unterminated tail
}

void writeArray(H5::H5File& f, const char* name, const void* data, hsize_t n, const H5::PredType& type) {
    H5::DataSpace space(1, &n);
    H5::DataSet ds = f.createDataSet(name, type, space);
    if (n > 0) ds.write(data, type);
}

template <typename T>
std::vector<T> readArray(const H5::H5File& f, const char* name, const H5::PredType& type, hsize_t maxCount) {
    H5::DataSet ds = f.openDataSet(name);
    H5::DataSpace space = ds.getSpace();
    if (space.getSimpleExtentNdims() != 1) throw H5::DataSetIException("readArray", std::string(name) + " is not 1-D");
    const hsize_t n = hsize_t(space.getSimpleExtentNpoints());
    if (n > maxCount) throw H5::DataSetIException("readArray", std::string(name) + " is too large");
    std::vector<T> out(static_cast<size_t>(n));
    if (n > 0) ds.read(out.data(), type);
    return out;
}

int64_t intAttr(const H5::H5File& f, const char* name) { return h5::readInt64(f.openAttribute(name)); }
std::string stringAttr(const H5::H5File& f, const char* name) { return h5::readString(f.openAttribute(name)); }

// Removes the least recently used cache files (by modification time; a hit touches its file)
// beyond kMaxFiles or kMaxBytes, and temp files of writers that died.
void prune(const fs::path& dir) {
    struct Item {
        fs::path path;
        fs::file_time_type time;
        uintmax_t size;
    };
    std::vector<Item> items;
    std::error_code ec;
    const auto now = fs::file_time_type::clock::now();
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code e2;
        const std::string name = it->path().filename().string();
        const auto time = it->last_write_time(e2);
        if (e2) continue;
        if (name.find(".h5.tmp-") != std::string::npos) {
            if (now - time > std::chrono::hours(24)) fs::remove(it->path(), e2);
            continue;
        }
        if (it->path().extension() != ".h5") continue;
        const uintmax_t size = it->file_size(e2);
        if (!e2) items.push_back({it->path(), time, size});
    }
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.time > b.time; });
    uintmax_t total = 0;
    for (size_t i = 0; i < items.size(); ++i) {
        total += items[i].size;
        if (i >= kMaxFiles || (i > 0 && total > kMaxBytes)) fs::remove(items[i].path, ec);
    }
}

}  // namespace

std::string directory() {
    const char* off = std::getenv("STRATA_NO_CACHE");
    if (off && *off && std::string(off) != "0") return "";
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    if (xdg && *xdg == '/') return (fs::path(xdg) / "strata" / "decoded").string();  // XDG: absolute only
    const char* home = std::getenv("HOME");
    if (home && *home) return (fs::path(home) / ".cache" / "strata" / "decoded").string();
    return "";
}

// What names a cache: the folder, the Input size and the decoder (the file name's digest,
// and the start of the contents digest).
Digest folderDigest(const FolderIndex& index, const ImageSpec& spec) {
    Digest d;
    d.add(std::string(kFormat));
    d.add(absoluteFolder(index.root));
    d.add(int64_t(spec.channels));
    d.add(int64_t(spec.height));
    d.add(int64_t(spec.width));
    d.add(int64_t(kDecoderVersion));
    return d;
}

std::string fileFor(const std::string& dir, const FolderIndex& index, const ImageSpec& spec) {
    Digest d = folderDigest(index, spec);
    return (fs::path(dir) / (d.hex() + ".h5")).string();
}

std::string contentKey(const FolderIndex& index, const ImageSpec& spec, int threads) {
    // The stat calls dominate (60,000 files: ~0.1 s from one thread with full paths): they go
    // relative to each class folder's descriptor (no walk down the whole path each time) and
    // are shared among `threads` threads.
    struct Stamp {
        int64_t size, mtimeSec, mtimeNsec, inode, ctimeSec, ctimeNsec;
    };
    const size_t total = index.entries.size();
    std::vector<Stamp> stamps(total);
    std::vector<int> classFds(index.classes.size(), -1);
    for (size_t c = 0; c < index.classes.size(); ++c)
        classFds[c] = ::open((fs::path(index.root) / index.classes[c]).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    std::atomic<bool> failed{false};
    std::atomic<size_t> next{0};
    auto work = [&] {
        constexpr size_t kChunk = 256;
        for (size_t begin; (begin = next.fetch_add(kChunk)) < total && !failed;) {
            for (size_t i = begin; i < std::min(total, begin + kChunk); ++i) {
                const FolderEntry& e = index.entries[i];
                const size_t slash = e.path.find_last_of('/');
                const int fd = classFds[size_t(e.label)];
                struct stat st {};
                const int rc = fd >= 0 && slash != std::string::npos ? ::fstatat(fd, e.path.c_str() + slash + 1, &st, 0)
                                                                     : ::stat(e.path.c_str(), &st);
                if (rc != 0) {
                    failed = true;
                    return;
                }
                // A file replaced by another with the same size and time (cp -p, rsync) has a
                // new inode or change time.
                stamps[i] = {int64_t(st.st_size), int64_t(st.st_mtim.tv_sec), int64_t(st.st_mtim.tv_nsec),
                             int64_t(st.st_ino),  int64_t(st.st_ctim.tv_sec), int64_t(st.st_ctim.tv_nsec)};
            }
        }
    };
    std::vector<std::thread> pool;
    const int helpers = int(std::min<size_t>(size_t(std::max(1, threads)), (total + 1023) / 1024)) - 1;
    try {
        for (int t = 0; t < helpers; ++t) pool.emplace_back(work);
    } catch (const std::system_error&) {
        // Out of threads: this one does the rest.
    }
    work();
    for (auto& t : pool) t.join();
    for (int fd : classFds)
        if (fd >= 0) ::close(fd);
    if (failed) return "";

    Digest d = folderDigest(index, spec);
    d.add(int64_t(total));
    for (size_t i = 0; i < total; ++i) {
        d.add(relativePath(index, index.entries[i]));
        d.add(&stamps[i], sizeof(Stamp));
    }
    return d.hex();
}

bool read(const std::string& file, const std::string& key, const FolderIndex& index, const ImageSpec& spec,
          DecodedImages& out, std::string* why) {
    auto miss = [&](const std::string& reason) {
        if (why) *why = reason;
        return false;
    };
    std::error_code ec;
    if (key.empty()) return miss("folder cannot be fingerprinted");
    if (!fs::is_regular_file(file, ec)) return miss("no cache file");
    const int64_t total = int64_t(index.entries.size());
    const int64_t per = spec.pixelsPerImage();
    DecodedImages r;
    try {
        std::lock_guard<std::mutex> lock(h5::libraryMutex());
        h5::silenceErrors();
        H5::H5File f(file, H5F_ACC_RDONLY);
        if (stringAttr(f, "format") != kFormat) return miss("corrupt: not a " + std::string(kFormat) + " file");
        if (stringAttr(f, "key") != key) return miss("stale");
        if (intAttr(f, "channels") != spec.channels || intAttr(f, "height") != spec.height ||
            intAttr(f, "width") != spec.width || intAttr(f, "entries") != total)
            return miss("corrupt: header does not match");
        const hsize_t maxBytes = hsize_t(total) * 4096 + 65536;  // paths and reasons are short
        const std::vector<uint8_t> kept = readArray<uint8_t>(f, "kept", H5::PredType::NATIVE_UINT8, hsize_t(total));
        if (int64_t(kept.size()) != total) return miss("corrupt: entry list");
        const int64_t count = std::count(kept.begin(), kept.end(), uint8_t(1));
        std::vector<std::string> entries, classes, reasons;
        if (!splitStrings(readArray<uint8_t>(f, "entries", H5::PredType::NATIVE_UINT8, maxBytes), entries) ||
            !splitStrings(readArray<uint8_t>(f, "classes", H5::PredType::NATIVE_UINT8, maxBytes), classes) ||
            !splitStrings(readArray<uint8_t>(f, "skipped_reasons", H5::PredType::NATIVE_UINT8, maxBytes), reasons))
            return miss("corrupt: string lists");
        r.labels = readArray<int64_t>(f, "labels", H5::PredType::NATIVE_INT64, hsize_t(count));
        if (int64_t(entries.size()) != total || classes != index.classes || int64_t(r.labels.size()) != count ||
            int64_t(reasons.size()) != total - count)
            return miss("corrupt: lists disagree");
        r.pixels = readArray<uint8_t>(f, "pixels", H5::PredType::NATIVE_UINT8, hsize_t(count * per));
        if (int64_t(r.pixels.size()) != count * per) return miss("corrupt: pixel data");
        // Every entry must be the one scanned now, and every label its class: the digest could
        // only miss this by a collision, but a wrong label would silently poison training.
        size_t k = 0, s = 0;
        for (int64_t i = 0; i < total; ++i) {
            const FolderEntry& e = index.entries[size_t(i)];
            if (entries[size_t(i)] != relativePath(index, e)) return miss("corrupt: entry " + entries[size_t(i)]);
            if (kept[size_t(i)]) {
                if (r.labels[k++] != e.label) return miss("corrupt: label of " + e.path);
                r.paths.push_back(e.path);
            } else {
                r.skippedPaths.push_back(e.path);
                r.skippedReasons.push_back(reasons[s++]);
            }
        }
    } catch (const H5::Exception& e) {
        return miss("corrupt: " + e.getDetailMsg());
    } catch (const std::exception& e) {
        return miss(std::string("corrupt: ") + e.what());
    }
    r.spec = spec;
    r.classes = index.classes;
    out = std::move(r);
    // Mark as recently used for prune(); a read-only cache just loses the ordering.
    fs::last_write_time(file, fs::file_time_type::clock::now(), ec);
    return true;
}

bool write(const std::string& file, const std::string& key, const FolderIndex& index, const DecodedImages& images,
           std::string* why) {
    auto fail = [&](const std::string& reason) {
        if (why) *why = reason;
        return false;
    };
    if (key.empty()) return fail("folder cannot be fingerprinted");
    std::error_code ec;
    const fs::path dir = fs::path(file).parent_path();
    fs::create_directories(dir, ec);
    if (ec) return fail(dir.string() + ": " + ec.message());

    // Entry status in scan order: decoded images and skipped files are each in scan order, so
    // one pass pairs them up.
    const int64_t total = int64_t(index.entries.size());
    std::vector<uint8_t> kept(size_t(total), 0);
    std::vector<std::string> entries, reasons;
    entries.reserve(size_t(total));
    size_t k = 0, s = 0;
    for (int64_t i = 0; i < total; ++i) {
        const FolderEntry& e = index.entries[size_t(i)];
        entries.push_back(relativePath(index, e));
        if (k < images.paths.size() && images.paths[k] == e.path) {
            kept[size_t(i)] = 1;
            ++k;
        } else if (s < images.skippedPaths.size() && images.skippedPaths[s] == e.path) {
            reasons.push_back(s < images.skippedReasons.size() ? images.skippedReasons[s] : "");
            ++s;
        } else {
            return fail("decoded images do not match the folder listing");
        }
    }
    if (k != images.paths.size() || s != images.skippedPaths.size()) return fail("decoded images do not match the folder listing");

    static std::atomic<int> serial{0};  // two loads in one process may write the same file
    const std::string tmp = atomicTempPath(file) + "-" + std::to_string(serial++);
    try {
        std::lock_guard<std::mutex> lock(h5::libraryMutex());
        h5::silenceErrors();
        H5::H5File f(tmp, H5F_ACC_TRUNC);
        h5::writeStringAttr(f, "format", kFormat);
        h5::writeStringAttr(f, "key", key);
        h5::writeStringAttr(f, "folder", absoluteFolder(index.root));
        h5::writeInt64Attr(f, "channels", images.spec.channels);
        h5::writeInt64Attr(f, "height", images.spec.height);
        h5::writeInt64Attr(f, "width", images.spec.width);
        h5::writeInt64Attr(f, "entries", total);
        h5::writeInt64Attr(f, "decoder_version", kDecoderVersion);
        const std::vector<uint8_t> entryBytes = joinStrings(entries), classBytes = joinStrings(images.classes),
                                   reasonBytes = joinStrings(reasons);
        writeArray(f, "kept", kept.data(), kept.size(), H5::PredType::NATIVE_UINT8);
        writeArray(f, "entries", entryBytes.data(), entryBytes.size(), H5::PredType::NATIVE_UINT8);
        writeArray(f, "classes", classBytes.data(), classBytes.size(), H5::PredType::NATIVE_UINT8);
        writeArray(f, "skipped_reasons", reasonBytes.data(), reasonBytes.size(), H5::PredType::NATIVE_UINT8);
        writeArray(f, "labels", images.labels.data(), images.labels.size(), H5::PredType::NATIVE_INT64);
        writeArray(f, "pixels", images.pixels.data(), images.pixels.size(), H5::PredType::NATIVE_UINT8);
        f.close();
    } catch (const H5::Exception& e) {
        fs::remove(tmp, ec);
        return fail(tmp + ": " + e.getDetailMsg());
    }
    if (std::string err = commitAtomic(tmp, file); !err.empty()) {
        fs::remove(tmp, ec);
        return fail(file + ": " + err);
    }
    prune(dir);
    return true;
}

}  // namespace strata::decode_cache
