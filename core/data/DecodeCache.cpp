#include "data/DecodeCache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
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

#include "data/ByteSize.h"
#include "storage/AtomicFile.h"
#include "storage/H5Attributes.h"
#include "storage/H5Lock.h"

namespace fs = std::filesystem;

namespace strata::decode_cache {

namespace {

// /2: pixels chunked [images, C*H*W] (read a batch at a time), channel sums stored.
constexpr const char* kFormat = "strata.decodecache/2";
// About 1 MiB of images per HDF5 chunk: a batch's random reads touch one small part of each.
constexpr int64_t kChunkBytes = int64_t(1) << 20;

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
// beyond the budget (the least recently used file never, as it was just written or read), and
// temp files of writers that died.
void prune(const fs::path& dir) {
    const Budget limit = budget();
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
        if (i > 0 && (i >= size_t(limit.maxFiles) || total > uintmax_t(limit.maxBytes))) fs::remove(items[i].path, ec);
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

namespace {

// The listing of a cache file checked against the folder as scanned now; the pixels stay in
// the file. Throws H5::Exception (or std::exception) for a damaged file; returns the reason
// of a miss, "" for a match.
std::string readListingLocked(const H5::H5File& f, const std::string& key, const FolderIndex& index,
                              const ImageSpec& spec, DecodedImages& r, ChannelSums& sums) {
    const int64_t total = int64_t(index.entries.size());
    if (stringAttr(f, "format") != kFormat) return "corrupt: not a " + std::string(kFormat) + " file";
    if (stringAttr(f, "key") != key) return "stale";
    if (intAttr(f, "channels") != spec.channels || intAttr(f, "height") != spec.height ||
        intAttr(f, "width") != spec.width || intAttr(f, "entries") != total)
        return "corrupt: header does not match";
    const hsize_t maxBytes = hsize_t(total) * 4096 + 65536;  // paths and reasons are short
    const std::vector<uint8_t> kept = readArray<uint8_t>(f, "kept", H5::PredType::NATIVE_UINT8, hsize_t(total));
    if (int64_t(kept.size()) != total) return "corrupt: entry list";
    const int64_t count = std::count(kept.begin(), kept.end(), uint8_t(1));
    std::vector<std::string> entries, classes, reasons;
    if (!splitStrings(readArray<uint8_t>(f, "entries", H5::PredType::NATIVE_UINT8, maxBytes), entries) ||
        !splitStrings(readArray<uint8_t>(f, "classes", H5::PredType::NATIVE_UINT8, maxBytes), classes) ||
        !splitStrings(readArray<uint8_t>(f, "skipped_reasons", H5::PredType::NATIVE_UINT8, maxBytes), reasons))
        return "corrupt: string lists";
    r.labels = readArray<int64_t>(f, "labels", H5::PredType::NATIVE_INT64, hsize_t(count));
    if (int64_t(entries.size()) != total || classes != index.classes || int64_t(r.labels.size()) != count ||
        int64_t(reasons.size()) != total - count)
        return "corrupt: lists disagree";
    const std::vector<uint64_t> s =
        readArray<uint64_t>(f, "channel_sums", H5::PredType::NATIVE_UINT64, hsize_t(2 * spec.channels));
    if (int64_t(s.size()) != 2 * spec.channels) return "corrupt: channel sums";
    sums = ChannelSums(spec.channels, size_t(spec.height) * size_t(spec.width));
    sums.images = count;
    std::copy(s.begin(), s.begin() + spec.channels, sums.sum.begin());
    std::copy(s.begin() + spec.channels, s.end(), sums.sumSquares.begin());
    H5::DataSet pixels = f.openDataSet("pixels");
    H5::DataSpace space = pixels.getSpace();
    hsize_t dims[2] = {0, 0};
    if (space.getSimpleExtentNdims() != 2) return "corrupt: pixel data";
    space.getSimpleExtentDims(dims);
    if (int64_t(dims[0]) != count || int64_t(dims[1]) != spec.pixelsPerImage()) return "corrupt: pixel data";
    // Every entry must be the one scanned now, and every label its class: the digest could
    // only miss this by a collision, but a wrong label would silently poison training.
    size_t k = 0, sk = 0;
    for (int64_t i = 0; i < total; ++i) {
        const FolderEntry& e = index.entries[size_t(i)];
        if (entries[size_t(i)] != relativePath(index, e)) return "corrupt: entry " + entries[size_t(i)];
        if (kept[size_t(i)]) {
            if (r.labels[k++] != e.label) return "corrupt: label of " + e.path;
            r.paths.push_back(e.path);
        } else {
            r.skippedPaths.push_back(e.path);
            r.skippedReasons.push_back(reasons[sk++]);
        }
    }
    r.spec = spec;
    r.classes = index.classes;
    return "";
}

// Opens `file` and checks its listing; `body` then reads what else it needs. A miss or a
// damaged file gives false and the reason.
template <typename Body>
bool readChecked(const std::string& file, const std::string& key, const FolderIndex& index, const ImageSpec& spec,
                 DecodedImages& out, ChannelSums& sums, std::string* why, Body body) {
    auto miss = [&](const std::string& reason) {
        if (why) *why = reason;
        return false;
    };
    std::error_code ec;
    if (key.empty()) return miss("folder cannot be fingerprinted");
    if (!fs::is_regular_file(file, ec)) return miss("no cache file");
    DecodedImages r;
    try {
        std::lock_guard<std::mutex> lock(h5::libraryMutex());
        h5::silenceErrors();
        H5::H5File f(file, H5F_ACC_RDONLY);
        if (std::string reason = readListingLocked(f, key, index, spec, r, sums); !reason.empty()) return miss(reason);
        if (std::string reason = body(f, r); !reason.empty()) return miss(reason);
    } catch (const H5::Exception& e) {
        return miss("corrupt: " + e.getDetailMsg());
    } catch (const std::exception& e) {
        return miss(std::string("corrupt: ") + e.what());
    }
    out = std::move(r);
    // Mark as recently used for prune(); a read-only cache just loses the ordering.
    fs::last_write_time(file, fs::file_time_type::clock::now(), ec);
    return true;
}

int64_t envInt(const char* name, int64_t fallback) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    try {
        return parseByteSize(v, name);
    } catch (const std::invalid_argument&) {
        return fallback;  // a cache setting must not stop a training: the default stays
    }
}

}  // namespace

bool read(const std::string& file, const std::string& key, const FolderIndex& index, const ImageSpec& spec,
          DecodedImages& out, std::string* why) {
    ChannelSums sums;
    return readChecked(file, key, index, spec, out, sums, why, [&](const H5::H5File& f, DecodedImages& r) {
        const int64_t count = r.count(), per = spec.pixelsPerImage();
        H5::DataSet ds = f.openDataSet("pixels");
        r.pixels.resize(size_t(count * per));
        if (count > 0) ds.read(r.pixels.data(), H5::PredType::NATIVE_UINT8);
        return std::string();
    });
}

bool readListing(const std::string& file, const std::string& key, const FolderIndex& index, const ImageSpec& spec,
                 DecodedImages& out, ChannelSums& sums, std::string* why) {
    return readChecked(file, key, index, spec, out, sums, why,
                       [](const H5::H5File&, DecodedImages&) { return std::string(); });
}

struct Writer::Impl {
    std::string file, key, tmp;
    const FolderIndex& index;
    ImageSpec spec;
    std::unique_ptr<H5::H5File> h5;
    std::unique_ptr<H5::DataSet> pixels;
    int64_t written = 0, failAfter = -1;
    bool committed = false;

    Impl(std::string f, std::string k, const FolderIndex& i, const ImageSpec& s)
        : file(std::move(f)), key(std::move(k)), index(i), spec(s) {}
    void discard() {  // under the library lock
        pixels.reset();
        try {
            if (h5) h5->close();
        } catch (const H5::Exception&) {
        }
        h5.reset();
        std::error_code ec;
        if (!tmp.empty()) fs::remove(tmp, ec);
    }
};

Writer::Writer(std::string file, std::string key, const FolderIndex& index, const ImageSpec& spec)
    : impl_(std::make_unique<Impl>(std::move(file), std::move(key), index, spec)) {
    // Tests inject a full disk after this many images (no small file system needed).
    impl_->failAfter = envInt("STRATA_TEST_CACHE_FAIL_AFTER", -1);
}

Writer::~Writer() {
    if (impl_->committed) return;
    std::lock_guard<std::mutex> lock(h5::libraryMutex());
    impl_->discard();
}

bool Writer::open(std::string* why) {
    Impl& w = *impl_;
    auto fail = [&](const std::string& reason) {
        if (why) *why = reason;
        w.discard();
        return false;
    };
    if (w.key.empty()) return fail("folder cannot be fingerprinted");
    std::error_code ec;
    const fs::path dir = fs::path(w.file).parent_path();
    fs::create_directories(dir, ec);
    if (ec) return fail(dir.string() + ": " + ec.message());
    static std::atomic<int> serial{0};  // two loads in one process may write the same file
    w.tmp = atomicTempPath(w.file) + "-" + std::to_string(serial++);
    const hsize_t per = hsize_t(w.spec.pixelsPerImage());
    std::lock_guard<std::mutex> lock(h5::libraryMutex());
    try {
        h5::silenceErrors();
        w.h5 = std::make_unique<H5::H5File>(w.tmp, H5F_ACC_TRUNC);
        const hsize_t dims[2] = {0, per}, maxDims[2] = {H5S_UNLIMITED, per};
        const hsize_t chunk[2] = {hsize_t(std::max<int64_t>(1, kChunkBytes / int64_t(per))), per};
        H5::DSetCreatPropList layout;
        layout.setChunk(2, chunk);
        w.pixels = std::make_unique<H5::DataSet>(
            w.h5->createDataSet("pixels", H5::PredType::NATIVE_UINT8, H5::DataSpace(2, dims, maxDims), layout));
    } catch (const H5::Exception& e) {
        return fail(w.tmp + ": " + e.getDetailMsg());
    }
    return true;
}

bool Writer::append(const uint8_t* data, int64_t count, std::string* why) {
    Impl& w = *impl_;
    std::lock_guard<std::mutex> lock(h5::libraryMutex());
    auto fail = [&](const std::string& reason) {
        if (why) *why = reason;
        w.discard();
        return false;
    };
    if (!w.pixels) return fail("cache file not open");
    if (count <= 0) return true;
    if (w.failAfter >= 0 && w.written + count > w.failAfter)
        return fail(w.tmp + ": No space left on device (injected by STRATA_TEST_CACHE_FAIL_AFTER)");
    const hsize_t per = hsize_t(w.spec.pixelsPerImage());
    try {
        const hsize_t size[2] = {hsize_t(w.written + count), per};
        w.pixels->extend(size);
        H5::DataSpace file = w.pixels->getSpace();
        const hsize_t start[2] = {hsize_t(w.written), 0}, block[2] = {hsize_t(count), per};
        file.selectHyperslab(H5S_SELECT_SET, block, start);
        w.pixels->write(data, H5::PredType::NATIVE_UINT8, H5::DataSpace(2, block), file);
    } catch (const H5::Exception& e) {
        return fail(w.tmp + ": " + e.getDetailMsg());
    }
    w.written += count;
    return true;
}

bool Writer::finish(const std::vector<uint8_t>& kept, const std::vector<std::string>& reasons,
                    const std::vector<int64_t>& labels, const ChannelSums& sums, std::string* why) {
    Impl& w = *impl_;
    std::unique_lock<std::mutex> lock(h5::libraryMutex());
    auto fail = [&](const std::string& reason) {
        if (why) *why = reason;
        w.discard();
        return false;
    };
    if (!w.pixels) return fail("cache file not open");
    if (int64_t(labels.size()) != w.written || kept.size() != w.index.entries.size())
        return fail("decoded images do not match the folder listing");
    std::vector<std::string> entries;
    entries.reserve(w.index.entries.size());
    for (const FolderEntry& e : w.index.entries) entries.push_back(relativePath(w.index, e));
    std::vector<uint64_t> sumValues(sums.sum);
    sumValues.insert(sumValues.end(), sums.sumSquares.begin(), sums.sumSquares.end());
    try {
        H5::H5File& f = *w.h5;
        h5::writeStringAttr(f, "format", kFormat);
        h5::writeStringAttr(f, "key", w.key);
        h5::writeStringAttr(f, "folder", absoluteFolder(w.index.root));
        h5::writeInt64Attr(f, "channels", w.spec.channels);
        h5::writeInt64Attr(f, "height", w.spec.height);
        h5::writeInt64Attr(f, "width", w.spec.width);
        h5::writeInt64Attr(f, "entries", int64_t(w.index.entries.size()));
        h5::writeInt64Attr(f, "decoder_version", kDecoderVersion);
        const std::vector<uint8_t> entryBytes = joinStrings(entries), classBytes = joinStrings(w.index.classes),
                                   reasonBytes = joinStrings(reasons);
        writeArray(f, "kept", kept.data(), kept.size(), H5::PredType::NATIVE_UINT8);
        writeArray(f, "entries", entryBytes.data(), entryBytes.size(), H5::PredType::NATIVE_UINT8);
        writeArray(f, "classes", classBytes.data(), classBytes.size(), H5::PredType::NATIVE_UINT8);
        writeArray(f, "skipped_reasons", reasonBytes.data(), reasonBytes.size(), H5::PredType::NATIVE_UINT8);
        writeArray(f, "labels", labels.data(), labels.size(), H5::PredType::NATIVE_INT64);
        writeArray(f, "channel_sums", sumValues.data(), sumValues.size(), H5::PredType::NATIVE_UINT64);
        w.pixels.reset();
        f.close();
        w.h5.reset();
    } catch (const H5::Exception& e) {
        return fail(w.tmp + ": " + e.getDetailMsg());
    }
    if (std::string err = commitAtomic(w.tmp, w.file); !err.empty()) return fail(w.file + ": " + err);
    w.committed = true;
    lock.unlock();
    prune(fs::path(w.file).parent_path());
    return true;
}

bool write(const std::string& file, const std::string& key, const FolderIndex& index, const DecodedImages& images,
           std::string* why) {
    auto fail = [&](const std::string& reason) {
        if (why) *why = reason;
        return false;
    };
    // Entry status in scan order: decoded images and skipped files are each in scan order, so
    // one pass pairs them up.
    const int64_t total = int64_t(index.entries.size());
    std::vector<uint8_t> kept(size_t(total), 0);
    std::vector<std::string> reasons;
    size_t k = 0, s = 0;
    for (int64_t i = 0; i < total; ++i) {
        const FolderEntry& e = index.entries[size_t(i)];
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
    const int64_t per = images.spec.pixelsPerImage();
    ChannelSums sums(images.spec.channels, size_t(images.spec.height) * size_t(images.spec.width));
    for (int64_t i = 0; i < images.count(); ++i) sums.add(images.pixels.data() + i * per);
    Writer writer(file, key, index, images.spec);
    return writer.open(why) && writer.append(images.pixels.data(), images.count(), why) &&
           writer.finish(kept, reasons, images.labels, sums, why);
}

int64_t estimatedBytes(const FolderIndex& index, const ImageSpec& spec) {
    int64_t listing = 65536;
    for (const FolderEntry& e : index.entries) listing += int64_t(e.path.size()) + 2 + 8;  // entry, kept, label
    return int64_t(index.entries.size()) * spec.pixelsPerImage() + listing;
}

int64_t freeBytes(const std::string& dir) {
    if (const char* forced = std::getenv("STRATA_TEST_CACHE_FREE_BYTES"); forced && *forced) return envInt("STRATA_TEST_CACHE_FREE_BYTES", -1);
    fs::path p(dir);
    std::error_code ec;
    while (!p.empty() && !fs::exists(p, ec)) p = p.parent_path();
    struct statvfs st {};
    if (p.empty() || ::statvfs(p.c_str(), &st) != 0) return -1;
    return int64_t(st.f_bavail) * int64_t(st.f_frsize);
}

Budget budget() {
    Budget b;
    b.maxBytes = envInt("STRATA_CACHE_SIZE", b.maxBytes);
    b.maxFiles = int(std::max<int64_t>(1, envInt("STRATA_CACHE_FILES", b.maxFiles)));
    return b;
}

}  // namespace strata::decode_cache
