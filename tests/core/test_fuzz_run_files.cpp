// Fuzzing of run files (issue 22, docs/ARCHITECTURE.md §8). Small valid run files (a CNN, a
// residual design with BatchNorm, and one with a /features snapshot and /metrics/test) are
// damaged in thousands of seeded ways (support/RunMutants.h): bytes flipped in stored values
// and inside the checkpoint's storage, truncation, datasets and attributes deleted or added,
// datasets rewritten with other types and shapes, NaN and inf in weights, /config and metrics,
// declared sizes of terabytes, links and groups where datasets belong, garbage in /design,
// digests deleted or altered; a third of them lose every digest as well (an old file).
// Each mutant goes through readValidRun (full and summary, verified; full, --no-verify),
// readRunFile and readSnapshot. Every read succeeds or throws a RunFileError "PATH: PART: ..."
// (never another exception, never a crash, memory bounded, every HDF5 object closed); a
// verified read that succeeds returns exactly the seed's checkpoint (and design, config,
// optimizer, features); an unverified one only weights laid out as the design needs, all
// finite; a snapshot never holds a picture or array whose declared size disagrees with its
// data. flipsAnywhere then flips bytes anywhere, HDF5's own structures included, and reads each
// mutant in a child process the verified way, which checks the whole-file checksum before HDF5
// parses anything (runs/RunFileChecksum.h): HDF5 1.10 itself can crash on damaged structures. Seeded and bounded: the first
// kRunFuzzMinimum / kFlipsMinimum mutants always run, then until the budget is spent.
// STRATA_FUZZ_TRACE=1 prints each mutant before it is read; STRATA_FUZZ_BUDGET_MS sets the
// budgets (a soak); STRATA_FUZZ_KEEP=DIR keeps the flipped files that failed.
#include "insight/Insight.h"
#include "runs/RunReader.h"
#include "storage/H5Lock.h"

#include <hdf5.h>

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <dlfcn.h>
#include <execinfo.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <random>

#include "support/RunFixtures.h"
#include "support/RunMutants.h"
#include "support/TestData.h"

using namespace strata;
using namespace strata::test;

namespace {

constexpr unsigned kRunFuzzSeed = 2222;
// The budget bounds the time on a fast machine; on a loaded one the first kRunFuzzMinimum
// mutants still run, so the coverage asserted below never depends on the machine's load.
constexpr int kRunFuzzMinimum = 1000;
constexpr int kRunFuzzMaximum = 1000000;
constexpr qint64 kRunFuzzBudgetMs = 15000;

long runFuzzMaxRssKb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

// ---- the seeds ---------------------------------------------------------------------------

Picture fuzzPicture(int width, int height, int channels, int salt) {
    Picture p;
    p.width = width;
    p.height = height;
    p.channels = channels;
    for (int i = 0; i < width * height * channels; ++i) p.pixels.push_back(uint8_t(i * 13 + salt));
    return p;
}

// A snapshot with every part the run file stores under /features.
FeatureSnapshot fuzzSnapshot() {
    FeatureSnapshot s;
    s.epoch = 2;
    s.classes = {"a", "b", "c"};
    s.layers = {{"conv1", "Conv2d", 1, "early", true}, {"pool1", "MaxPool2d", 3, "middle", true},
                {"fc", "Linear", 5, "deep", false}};
    s.filtersLayer = "conv1";
    s.filters = fuzzPicture(11, 11, 1, 1);
    s.probeImage = fuzzPicture(16, 16, 1, 2);
    s.sampleImages = 9;
    LayerActivations a;
    a.layer = "conv1";
    a.depth = 1;
    a.role = "early";
    a.channels = {3, 1, 0};
    a.meanActivation = {0.5f, 0.4f, 0.1f};
    for (int k = 0; k < 3; ++k) a.maps.push_back(fuzzPicture(16, 16, 1, 10 + k));
    s.activations = {a};
    LayerPatches p;
    p.layer = "conv1";
    p.depth = 1;
    p.role = "early";
    p.channels = {3, 1};
    p.crops = {{fuzzPicture(3, 3, 1, 20), fuzzPicture(3, 3, 1, 21)}, {fuzzPicture(3, 3, 1, 22), fuzzPicture(3, 3, 1, 23)}};
    p.activations = {{1.0f, 0.5f}, {0.9f, 0.4f}};
    s.patches = {p};
    s.probe = {{"conv1", 1, "early", 0.6}, {"fc", 5, "deep", 0.9}};
    s.projection.layer = "fc";
    s.projection.x = {0.1f, 0.2f, 0.3f, -0.1f, -0.2f, 0.0f};
    s.projection.y = {1.0f, 0.5f, -0.5f, 0.2f, 0.1f, 0.3f};
    s.projection.labels = {0, 1, 2, 0, 1, 2};
    s.projection.silhouette = 0.25;
    s.gradients.layers = {"conv1", "fc"};
    s.gradients.steps = {1, 2, 3};
    s.gradients.norms = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f};
    s.confusion.counts = {{3, 0, 0}, {1, 2, 0}, {0, 0, 3}};
    s.confusion.perClassAccuracy = {1.0, 0.67, 1.0};
    s.confusion.examplePaths.assign(3, std::vector<std::vector<std::string>>(3));
    s.confusion.examplePaths[1][0] = {"b/001.png"};
    s.saliency.method = "grad-cam";
    s.saliency.layer = "conv1";
    s.saliency.predicted = "a";
    s.saliency.probability = 0.7;
    s.saliency.heat = fuzzPicture(16, 16, 1, 30);
    s.saliency.overlay = fuzzPicture(16, 16, 3, 31);
    return s;
}

RunMutantSeed makeFuzzSeed(const std::string& name, const std::string& path, const RunData& run, int channels) {
    writeRunFile(path, run);
    return describeRunSeed(name, path, channels);
}

// ---- mutants read in a child process ------------------------------------------------------

// HDF5 1.10.8 trusts much of what it reads from a file: a flipped byte in its global heap
// (where variable-length strings live), in a string's stored length or in a metadata address
// makes HDF5 itself copy out of bounds (corrupting the heap, so that the crash may come later
// and anywhere) or allocate gigabytes, whatever its caller checks afterwards. flipsAnywhere
// reads each mutant in a child process; when that read crashes, hangs or fails oddly, a second
// child walks the same file with nothing but HDF5 (every object, link, attribute and dataset,
// as h5py's visititems would). The failure is HDF5's, and counted as such, when the crash
// happened inside HDF5, when HDF5 alone crashes or balloons too, or when the file's global
// heap is damaged in a way HDF5 does not check (its out-of-bounds copy may go unnoticed by
// the walk and crash Strata later); else it is Strata's and fails the test. Set this false once run
// files carry a check that runs before HDF5 parses them (e.g. a whole-file checksum in the
// HDF5 user block): then HDF5's failures fail the test as well.
constexpr bool kRunFuzzHdf5FailuresKnown = false;  // verified reads check the whole-file checksum first
// Files, groups, datasets and attributes (not datatypes: the C++ API holds its predefined ones).
constexpr unsigned kRunFuzzOpenObjects = H5F_OBJ_FILE | H5F_OBJ_DATASET | H5F_OBJ_GROUP | H5F_OBJ_ATTR;
constexpr int kFlipsMinimum = 150;
constexpr qint64 kFlipsBudgetMs = 6000;
constexpr int kChildGrowthMb = 256;  // more than this in a child: memory ballooned

int runFuzzCrashFd = -1;  // in a child: where the crash handler reports

// Reports "crash in HDF5" when the innermost frame outside the C and C++ runtimes is HDF5's
// (a memcpy that HDF5 called with a size read from the file), else "crash elsewhere".
void runFuzzOnCrash(int sig) {
    void* frames[64];
    const int n = backtrace(frames, 64);
    bool hdf5 = false;
    for (int k = 2; k < n; ++k) {  // 0: this handler, 1: the signal trampoline
        Dl_info info{};
        if (!dladdr(frames[k], &info) || !info.dli_fname) continue;
        if (std::strstr(info.dli_fname, "libc.so") || std::strstr(info.dli_fname, "libstdc++")) continue;
        hdf5 = std::strstr(info.dli_fname, "libhdf5") != nullptr;
        break;
    }
    const char* msg = hdf5 ? "crash in HDF5\n" : "crash elsewhere\n";
    if (write(runFuzzCrashFd, msg, std::strlen(msg)) < 0) {}
    _exit(100 + sig);
}

// The virtual size of this process, in bytes.
uint64_t runFuzzVmBytes() {
    std::ifstream statm("/proc/self/statm");
    uint64_t pages = 0;
    statm >> pages;
    return pages * uint64_t(sysconf(_SC_PAGESIZE));
}

struct ChildResult {
    std::string reply;   // what the child wrote ("crash\n" from the crash handler)
    bool hung = false;   // killed after the timeout
    int status = 0;      // waitpid's
    int grewMb = 0;      // how much the child's peak memory grew while it worked

    bool crashed() const { return reply.rfind("crash", 0) == 0 || hung || !WIFEXITED(status) || WEXITSTATUS(status) != 0; }
};

// Runs `work` in a child process whose address space is capped 1 GiB above the parent's;
// its result string comes back in reply.
template <typename Work>
ChildResult runFuzzChild(Work work) {
    ChildResult r;
    int fds[2];
    if (pipe(fds) != 0) return r.reply = "fault pipe() failed", r;
    fflush(stdout);
    fflush(stderr);
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        runFuzzCrashFd = fds[1];
        struct sigaction sa {};
        sa.sa_handler = runFuzzOnCrash;
        for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) sigaction(sig, &sa, nullptr);
        const rlim_t cap = runFuzzVmBytes() + (rlim_t(1) << 30);
        const rlimit limit{cap, cap};
        setrlimit(RLIMIT_AS, &limit);
        const long baselineKb = runFuzzMaxRssKb();
        const std::string line = work() + "\n" + std::to_string((runFuzzMaxRssKb() - baselineKb) / 1024) + "\n";
        if (write(fds[1], line.data(), line.size()) < 0) {}
        _exit(0);
    }
    close(fds[1]);
    if (pid < 0) return close(fds[0]), r.reply = "fault fork() failed", r;
    char buf[4096];
    pollfd pfd{fds[0], POLLIN, 0};
    while (true) {
        if (poll(&pfd, 1, 20000) <= 0) {
            r.hung = true;
            kill(pid, SIGKILL);
            break;
        }
        const ssize_t got = read(fds[0], buf, sizeof buf);
        if (got <= 0) break;
        r.reply.append(buf, size_t(got));
    }
    close(fds[0]);
    waitpid(pid, &r.status, 0);
    if (const size_t nl = r.reply.find('\n'); nl != std::string::npos && r.reply.rfind("crash", 0) != 0) {
        r.grewMb = std::atoi(r.reply.c_str() + nl + 1);
        r.reply.resize(nl);
    }
    return r;
}

// ---- the HDF5-only walk: what HDF5 does with a file when no Strata code is involved ------

hid_t runFuzzWalkUtf8() {
    const hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

void runFuzzWalkAttribute(hid_t obj, const char* name) {
    const hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return;
    const hid_t type = H5Aget_type(a), space = H5Aget_space(a);
    const hssize_t n = space < 0 ? -1 : H5Sget_simple_extent_npoints(space);
    if (type >= 0 && n > 0 && n < (1 << 20)) {
        if (H5Tis_variable_str(type) > 0) {
            std::vector<char*> strings(size_t(n), nullptr);
            const hid_t mem = runFuzzWalkUtf8();
            if (H5Aread(a, mem, strings.data()) >= 0) H5Dvlen_reclaim(mem, space, H5P_DEFAULT, strings.data());
            H5Tclose(mem);
        } else if (const hid_t mem = H5Tget_native_type(type, H5T_DIR_ASCEND); mem >= 0) {
            const size_t bytes = H5Tget_size(mem) * size_t(n);
            if (bytes < (size_t(1) << 26)) {
                std::vector<char> buf(bytes);
                H5Aread(a, mem, buf.data());
            }
            H5Tclose(mem);
        }
    }
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    H5Aclose(a);
}

void runFuzzWalkDataset(hid_t ds, uint64_t fileBytes) {
    const hid_t type = H5Dget_type(ds), space = H5Dget_space(ds);
    const hssize_t n = space < 0 ? -1 : H5Sget_simple_extent_npoints(space);
    if (type >= 0 && n > 0) {
        if (H5Tis_variable_str(type) > 0) {
            if (n < (1 << 20)) {
                std::vector<char*> strings(size_t(n), nullptr);
                const hid_t mem = runFuzzWalkUtf8();
                if (H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, strings.data()) >= 0)
                    H5Dvlen_reclaim(mem, space, H5P_DEFAULT, strings.data());
                H5Tclose(mem);
            }
        } else if (const hid_t mem = H5Tget_native_type(type, H5T_DIR_ASCEND); mem >= 0) {
            const long double bytes = (long double)H5Tget_size(mem) * (long double)n;
            if (bytes <= (long double)fileBytes) {
                std::vector<char> buf(static_cast<size_t>(bytes));
                H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
            }
            H5Tclose(mem);
        }
    }
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
}

struct RunFuzzWalk {
    hid_t file;
    uint64_t fileBytes;
};

herr_t runFuzzWalkLink(hid_t group, const char* name, const H5L_info_t*, void*) {
    H5L_info_t info{};
    H5Lget_info(group, name, &info, H5P_DEFAULT);
    if (H5Lexists(group, name, H5P_DEFAULT) > 0) {
        H5O_info_t oinfo{};
        H5Oget_info_by_name2(group, name, &oinfo, H5O_INFO_BASIC, H5P_DEFAULT);
    }
    return 0;
}

herr_t runFuzzWalkObject(hid_t root, const char* name, const H5O_info_t* info, void* data) {
    const RunFuzzWalk& walk = *static_cast<const RunFuzzWalk*>(data);
    const hid_t obj = H5Oopen(root, name, H5P_DEFAULT);
    if (obj < 0) return 0;
    if (info->type == H5O_TYPE_GROUP) {  // as Strata lists a group: in creation order when tracked
        const hid_t gcpl = H5Gget_create_plist(obj);
        unsigned order = 0;
        if (gcpl >= 0) H5Pget_link_creation_order(gcpl, &order), H5Pclose(gcpl);
        H5Literate(obj, (order & H5P_CRT_ORDER_TRACKED) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME, H5_ITER_INC, nullptr,
                   runFuzzWalkLink, nullptr);
    } else if (info->type == H5O_TYPE_DATASET) {
        runFuzzWalkDataset(obj, walk.fileBytes);
    }
    const int attrs = H5Aget_num_attrs(obj);
    for (int k = 0; k < attrs && k < 4096; ++k) {
        char attrName[1024] = {0};
        if (H5Aget_name_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(k), attrName, sizeof attrName, H5P_DEFAULT) > 0)
            runFuzzWalkAttribute(obj, attrName);
    }
    H5Oclose(obj);
    return 0;
}

uint64_t runFuzzLe(const RunBytes& b, size_t at, int bytes) {
    uint64_t v = 0;
    for (int k = bytes - 1; k >= 0; --k) v = (v << 8) | b[at + size_t(k)];
    return v;
}

// Whether a global heap collection ("GCOL": where HDF5 keeps variable-length strings) is
// damaged in a way HDF5 1.10.8 does not check: an object that runs past its collection's end
// (HDF5 then copies that many bytes out of bounds) or free space of size 0 (it loops).
bool runFuzzHeapDamaged(const RunBytes& b) {
    static const char signature[] = "GCOL";
    for (auto it = b.begin(); (it = std::search(it, b.end(), signature, signature + 4)) != b.end(); ++it) {
        const size_t at = size_t(it - b.begin());
        if (at + 16 > b.size() || b[at + 4] != 1) continue;  // not one (HDF5 checks the version)
        const uint64_t size = runFuzzLe(b, at + 8, 8);
        if (size < 16 || size > b.size() - at) continue;  // HDF5 reads past the end of the file: an error
        for (uint64_t p = at + 16, end = at + size; p + 16 <= end;) {
            const uint64_t index = runFuzzLe(b, p, 2), objectSize = runFuzzLe(b, p + 8, 8);
            const uint64_t need = index > 0 ? 16 + ((objectSize + 7) & ~uint64_t(7)) : objectSize;
            if (need == 0 || need > end - p || objectSize > end - p) return true;
            p += need;
        }
    }
    return false;
}

// Opens the file as Strata does and visits everything in it with the HDF5 C API alone.
std::string runFuzzWalkFile(const std::string& path, uint64_t fileBytes) {
    std::lock_guard<std::mutex> lock(h5::libraryMutex());
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_file_locking(fapl, false, true);
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    if (f < 0) return "unopened";
    RunFuzzWalk walk{f, fileBytes};
    H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, runFuzzWalkObject, &walk, H5O_INFO_BASIC);
    H5Fclose(f);
    return "walked";
}

// ---- what a mutant must satisfy ----------------------------------------------------------

bool sameArrays(const std::vector<NamedArray>& a, const std::vector<NamedArray>& b) {
    if (a.size() != b.size()) return false;
    for (const NamedArray& x : a) {
        const NamedArray* y = findArray(b, x.name);
        if (!y || y->type != x.type || y->shape != x.shape || y->f32.size() != x.f32.size() ||
            y->i64 != x.i64 || y->u8 != x.u8)
            return false;
        if (!x.f32.empty() && std::memcmp(x.f32.data(), y->f32.data(), x.f32.size() * sizeof(float)) != 0) return false;
    }
    return true;
}

bool sameLayout(const std::vector<NamedArray>& a, const std::vector<NamedArray>& b) {
    if (a.size() != b.size()) return false;
    for (const NamedArray& x : a) {
        const NamedArray* y = findArray(b, x.name);
        if (!y || y->type != x.type || y->shape != x.shape) return false;
    }
    return true;
}

// Empty when a RunFileError's message is as promised: "PATH: " first, one line, a part named.
std::string runFuzzMessageFault(const std::string& what, const std::string& path) {
    if (what.rfind(path + ": ", 0) != 0) return "the message does not start with \"PATH: \": " + what;
    if (what.find('\n') != std::string::npos) return "the message has more than one line: " + what;
    const std::string rest = what.substr(path.size() + 2);
    for (const char* part : {"/design", "/config", "/metrics", "/checkpoint", "/optimizer", "/features", "digest", "checksum", "HDF5",
                             "run format", "run file"})
        if (rest.find(part) != std::string::npos) return {};
    return "the message names no part of the file: " + what;
}

std::string runFuzzBucket(const std::string& what) {
    auto has = [&](const char* s) { return what.find(s) != std::string::npos; };
    if (has("do not match the checksum")) return "file checksum";
    if (has("does not match the digest")) return "digest mismatch";
    if (has("digest of") && has("is missing")) return "missing digest";
    if (has("declares") && has("the file holds")) return "declared size";
    if (has("not an HDF5 file") || has("HDF5 error") || has("HDF5 cannot") || has("cannot read run file"))
        return "not HDF5/unreadable";
    if (has("is a link") || has("neither an array nor a group")) return "link";
    if (has("missing group") || has("missing dataset") || has("not a complete run file")) return "missing group/dataset";
    if (has("unsupported run format") || has("not a Strata run file")) return "format";
    if (has("is stored as") || has("not an array of numbers") || has("is not a string") || has("cannot read") ||
        has("is not a byte array") || has("is not a number") || has("; the design needs int64") || has("; the design needs float32"))
        return "dtype";
    if (has("has shape") || has("1-D array") || has("rows but") || has("where one belongs"))
        return "shape";
    if (has("not finite") || has("is NaN") || has("is infinite")) return "not finite";
    if (has("belongs to no layer") || has("which the design needs")) return "checkpoint layout";
    if (has(": /config")) return "config";
    if (has(": /design")) return "design";
    if (has("/metrics")) return "metrics";
    if (has("/optimizer")) return "optimizer";
    return "other";
}

std::string runFuzzPictureFault(const Picture& p, const std::string& what) {
    if (p.width < 0 || p.height < 0 || p.channels < 0 ||
        p.pixels.size() != uint64_t(p.width) * uint64_t(p.height) * uint64_t(p.channels))
        return what + " declares " + std::to_string(p.height) + " x " + std::to_string(p.width) + " x " +
               std::to_string(p.channels) + " but holds " + std::to_string(p.pixels.size()) + " bytes";
    return {};
}

// Empty when every picture and array of the snapshot holds exactly what it declares.
std::string runFuzzSnapshotFault(const FeatureSnapshot& s) {
    std::string fault;
    auto check = [&](const std::string& f) {
        if (fault.empty()) fault = f;
    };
    check(runFuzzPictureFault(s.filters, "filters"));
    check(runFuzzPictureFault(s.probeImage, "probe_image"));
    check(runFuzzPictureFault(s.saliency.heat, "saliency/heat"));
    check(runFuzzPictureFault(s.saliency.overlay, "saliency/overlay"));
    for (const LayerActivations& a : s.activations)
        for (const Picture& p : a.maps) check(runFuzzPictureFault(p, "activations/" + a.layer));
    for (const LayerPatches& p : s.patches)
        for (const auto& list : p.crops) {
            if (list.size() != p.crops.front().size()) check("patches/" + p.layer + " rows differ in length");
            for (const Picture& c : list) check(runFuzzPictureFault(c, "patches/" + p.layer));
        }
    const FeatureProjection& pr = s.projection;
    if (pr.x.size() != pr.y.size() || pr.x.size() != pr.labels.size())
        check("projection: " + std::to_string(pr.x.size()) + " x, " + std::to_string(pr.y.size()) + " y, " +
              std::to_string(pr.labels.size()) + " labels");
    if (s.gradients.norms.size() != s.gradients.layers.size() * s.gradients.steps.size())
        check("gradients: norms do not fill layers x steps");
    for (const auto& row : s.confusion.counts)
        if (row.size() != s.confusion.counts.size()) check("confusion/counts is not square");
    return fault;
}

struct RunFuzzTally {
    std::map<std::string, int> refused;
    int verified = 0, unverifiable = 0, unchecked = 0;
    int unverifiableChanged = 0;  // accepted without digests, with a checkpoint unlike the seed's
    std::map<std::string, std::string> example;  // a message per bucket

    // The outcome of a tally that counted one read: "refused <bucket>" or "accepted <integrity>".
    std::string single() const {
        for (const auto& [bucket, count] : refused)
            if (count) return "refused " + bucket;
        return verified ? "accepted verified" : unverifiable ? "accepted unverifiable" : "accepted unchecked";
    }
    int total() const {
        int n = verified + unverifiable + unchecked;
        for (const auto& [bucket, count] : refused) n += count;
        return n;
    }
    std::string text() const {
        std::string out;
        for (const auto& [bucket, count] : refused) out += "    refused, " + bucket + ": " + std::to_string(count) + "\n";
        out += "    accepted: " + std::to_string(verified) + " verified, " + std::to_string(unverifiable) +
               " unverifiable (no digests; " + std::to_string(unverifiableChanged) + " with other weights), " +
               std::to_string(unchecked) + " unchecked (--no-verify)\n";
        return out;
    }
};

}  // namespace

class FuzzRunFilesTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    std::vector<RunMutantSeed> seeds_;
    RunFuzzTally full_, summary_, noVerify_;
    int structural_ = 0, structuralRefused_ = 0, snapshots_ = 0, noSnapshot_ = 0;
    qint64 slowestMs_ = 0;

    // A RunFileError's message checked and counted; a failure description, or "".
    std::string refused(RunFuzzTally& tally, const std::string& what, const std::string& path) {
        const std::string fault = runFuzzMessageFault(what, path);
        if (!fault.empty()) return fault;
        const std::string bucket = runFuzzBucket(what);
        ++tally.refused[bucket];
        tally.example.emplace(bucket, what.substr(path.size() + 2));
        return {};
    }

    // Every reader on one mutant; a failure description, or "".
    // `verifiedOnly`: the reads that check the whole-file checksum before HDF5 parses the file
    // (bytes flipped anywhere: with --no-verify, HDF5 itself may crash on its own structures).
    std::string readMutant(const std::string& path, const RunMutantSeed& seed, bool verifiedOnly = false) {
        QElapsedTimer t;
        t.start();
        // Full and verified: what predict, eval and export do.
        try {
            const ValidRun r = readValidRun(path, {RunParts::Full, true});
            if (r.integrity == RunIntegrity::Verified) {
                ++full_.verified;
                if (!sameArrays(r.data.checkpoint, seed.data.checkpoint))
                    return "verified with a checkpoint other than the seed's";
                if (!sameArrays(r.data.optimizer, seed.data.optimizer) || r.data.designJson != seed.data.designJson ||
                    r.data.config != seed.data.config || !sameArrays(r.data.features, seed.data.features))
                    return "verified with an optimizer, design, config or features other than the seed's";
            } else if (r.integrity == RunIntegrity::Unverifiable) {
                ++full_.unverifiable;
                if (!r.data.digests.empty()) return "unverifiable although the file has digests";
                if (r.integrityNote.rfind(path + ": ", 0) != 0) return "unverifiable without a note naming the file";
                if (!sameArrays(r.data.checkpoint, seed.data.checkpoint)) ++full_.unverifiableChanged;
            } else {
                return "a verified read came back unchecked";
            }
        } catch (const RunFileError& e) {
            if (std::string f = refused(full_, e.what(), path); !f.empty()) return "full read: " + f;
        } catch (const std::exception& e) {
            return std::string("full read threw a non-RunFileError: ") + e.what();
        }
        // The summary (run lists, curves), verified.
        try {
            const ValidRun r = readValidRun(path, {RunParts::Summary, true});
            if (r.integrity == RunIntegrity::Verified) {
                ++summary_.verified;
                if (r.data.designJson != seed.data.designJson || r.data.config != seed.data.config ||
                    r.data.epochMetrics != seed.data.epochMetrics || r.data.steps != seed.data.steps ||
                    r.data.stepLoss != seed.data.stepLoss)
                    return "summary verified with a design, config or metrics other than the seed's";
            } else if (r.integrity == RunIntegrity::Unverifiable) {
                ++summary_.unverifiable;
                if (!r.data.digests.empty()) return "summary unverifiable although the file has digests";
            } else {
                return "a verified summary came back unchecked";
            }
        } catch (const RunFileError& e) {
            if (std::string f = refused(summary_, e.what(), path); !f.empty()) return "summary read: " + f;
        } catch (const std::exception& e) {
            return std::string("summary read threw a non-RunFileError: ") + e.what();
        }
        if (verifiedOnly) return {};
        // Full, --no-verify: the contents checks alone must keep unusable weights out.
        try {
            const ValidRun r = readValidRun(path, {RunParts::Full, false});
            ++noVerify_.unchecked;
            if (r.integrity != RunIntegrity::Unchecked || r.integrityNote.empty()) return "--no-verify without its note";
            if (!sameLayout(r.data.checkpoint, seed.data.checkpoint))
                return "accepted (--no-verify) with a checkpoint laid out unlike the seed's";
            for (const NamedArray& a : r.data.checkpoint)
                for (float x : a.f32)
                    if (!std::isfinite(x)) return "accepted (--no-verify) with a weight that is not finite";
            if (r.mean.size() != size_t(seed.channels) || r.stdev.size() != size_t(seed.channels))
                return "accepted (--no-verify) with a mean or std of the wrong length";
            for (size_t i = 0; i < r.mean.size(); ++i)
                if (!std::isfinite(r.mean[i]) || !std::isfinite(r.stdev[i]) || !(r.stdev[i] > 0))
                    return "accepted (--no-verify) with an unusable mean or std";
            if (r.classes.empty()) return "accepted (--no-verify) without classes";
        } catch (const RunFileError& e) {
            if (std::string f = refused(noVerify_, e.what(), path); !f.empty()) return "unverified read: " + f;
        } catch (const std::exception& e) {
            return std::string("unverified read threw a non-RunFileError: ") + e.what();
        }
        // The structure alone, then the feature snapshot a panel would draw from it.
        try {
            const RunData run = readRunFile(path);
            ++structural_;
            FeatureSnapshot s;
            QElapsedTimer st;
            st.start();
            const bool has = readSnapshot(run, s);
            if (st.elapsed() > 2000) return "readSnapshot took " + std::to_string(st.elapsed()) + " ms";
            if (has) {
                ++snapshots_;
                if (std::string f = runFuzzSnapshotFault(s); !f.empty()) return "readSnapshot: " + f;
            } else {
                ++noSnapshot_;
            }
        } catch (const RunFileError& e) {
            ++structuralRefused_;
            if (std::string f = runFuzzMessageFault(e.what(), path); !f.empty()) return "readRunFile: " + f;
        } catch (const std::exception& e) {
            return std::string("readRunFile or readSnapshot threw a non-RunFileError: ") + e.what();
        }
        slowestMs_ = std::max(slowestMs_, t.elapsed());
        return {};
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        const std::string dir = tmp_.path().toStdString();
        seeds_.push_back(makeFuzzSeed("cnn", dir + "/seed-cnn.h5", validRunData(tinyCnnDesign()), 1));
        seeds_.push_back(makeFuzzSeed("residual", dir + "/seed-residual.h5", validRunData(tinyResidualDesign()), 1));
        RunData withFeatures = validRunData(tinyCnnDesign(), {"a", "b", "c"});
        withFeatures.hasTest = true;
        withFeatures.testLoss = 0.7;
        withFeatures.testAccuracy = 0.66;
        storeSnapshot(fuzzSnapshot(), withFeatures);
        seeds_.push_back(makeFuzzSeed("features", dir + "/seed-features.h5", withFeatures, 1));
        for (const RunMutantSeed& s : seeds_) {
            QVERIFY2(!s.checkpointStorage.empty(), s.name.c_str());
            QCOMPARE(s.data.digests.size(), size_t(6));
        }
        QVERIFY(!seeds_[2].featureStorage.empty());
        QVERIFY(seeds_[1].data.checkpoint.size() > seeds_[0].data.checkpoint.size());  // BatchNorm buffers
    }

    // The seeds themselves pass every reader, verified, and their snapshot reads back whole.
    void seedsAreValid() {
        for (const RunMutantSeed& s : seeds_) {
            const ValidRun r = readValidRun(s.path);
            QCOMPARE(int(r.integrity), int(RunIntegrity::Verified));
            QVERIFY(sameArrays(r.data.checkpoint, s.data.checkpoint));
            const std::string fault = readMutant(s.path, s);
            QVERIFY2(fault.empty(), fault.c_str());
        }
        FeatureSnapshot snap;
        QVERIFY(readSnapshot(seeds_[2].data, snap));
        QVERIFY2(runFuzzSnapshotFault(snap).empty(), runFuzzSnapshotFault(snap).c_str());
        QCOMPARE(int(snap.activations.at(0).maps.size()), 3);
        QCOMPARE(int(snap.patches.at(0).crops.size()), 2);
        QCOMPARE(int(snap.confusion.counts.size()), 3);
        full_ = summary_ = noVerify_ = {};
        structural_ = snapshots_ = noSnapshot_ = 0;
    }

    // readSnapshot on arrays whose shapes disagree with their data (an unverified /features):
    // each part is left empty rather than cut from values that are not there.
    void snapshotHoles() {
        RunData base;
        storeSnapshot(fuzzSnapshot(), base);
        auto damaged = [&](const std::string& name, auto edit) {
            RunData run = base;
            NamedArray* a = nullptr;
            for (NamedArray& x : run.features)
                if (x.name == name) a = &x;
            if (!a) {
                run.features.push_back({name, NamedArray::Type::UInt8, {}, {}, {}, {}});
                a = &run.features.back();
            }
            edit(*a);
            return run;
        };
        const std::vector<std::pair<std::string, RunData>> cases = {
            {"projection/y missing", damaged("projection/y", [](NamedArray& a) { a.name = "projection/y2"; })},
            {"projection/labels shorter", damaged("projection/labels", [](NamedArray& a) { a.i64.pop_back(), a.shape = {5}; })},
            {"confusion/counts [3, 2]", damaged("confusion/counts", [](NamedArray& a) { a.shape = {3, 2}, a.i64.resize(6); })},
            {"confusion/counts as float32", damaged("confusion/counts", [](NamedArray& a) {
                 a.type = NamedArray::Type::Float32, a.f32.assign(a.i64.size(), 1.f), a.i64.clear();
             })},
            {"filters as float32", damaged("filters", [](NamedArray& a) {
                 a.type = NamedArray::Type::Float32, a.f32.assign(a.u8.size(), 0.5f), a.u8.clear();
             })},
            {"probe_image [2^31, 1, 1] of 0 bytes", damaged("probe_image", [](NamedArray& a) { a.shape = {int64_t(1) << 31, 1, 0}, a.u8.clear(); })},
            {"activations [2^40, 0, 4]", damaged("activations/conv1", [](NamedArray& a) { a.shape = {int64_t(1) << 40, 0, 4}, a.u8.clear(); })},
            {"activations [3, 16, 17]", damaged("activations/conv1", [](NamedArray& a) { a.shape = {3, 16, 17}; })},
            {"patches [2^40, 1, 3, 3, 0]", damaged("patches/conv1", [](NamedArray& a) { a.shape = {int64_t(1) << 40, 1, 3, 3, 0}, a.u8.clear(); })},
            {"patches [2, 2, 3, 3, 2]", damaged("patches/conv1", [](NamedArray& a) { a.shape = {2, 2, 3, 3, 2}; })},
            {"saliency/overlay [-1, 16, 3]", damaged("saliency/overlay", [](NamedArray& a) { a.shape = {-1, 16, 3}; })},
            {"gradients/norms [3, 2]", damaged("gradients/norms", [](NamedArray& a) { a.shape = {3, 2}; })},
            {"gradients/steps as uint8", damaged("gradients/steps", [](NamedArray& a) {
                 a.type = NamedArray::Type::UInt8, a.u8.assign(a.i64.size(), 1), a.i64.clear();
             })},
        };
        for (const auto& [what, run] : cases) {
            QElapsedTimer t;
            t.start();
            FeatureSnapshot s;
            QVERIFY2(readSnapshot(run, s), what.c_str());
            QVERIFY2(t.elapsed() < 1000, what.c_str());
            const std::string fault = runFuzzSnapshotFault(s);
            QVERIFY2(fault.empty(), (what + ": " + fault).c_str());
        }
        qInfo("readSnapshot: %d damaged snapshots read back without a picture or array larger than its data",
              int(cases.size()));
    }

    void mutants() {
        std::mt19937 rng(kRunFuzzSeed);
        std::map<std::string, int> byKind;
        const long before = runFuzzMaxRssKb();
        QElapsedTimer budget;
        budget.start();
        // STRATA_FUZZ_TRACE=1 prints each mutant before it is read.
        const bool trace = qEnvironmentVariableIntValue("STRATA_FUZZ_TRACE") != 0;
        int i = 0;
        const qint64 budgetMs = fuzzBudgetMs(kRunFuzzBudgetMs);
        for (; i < kRunFuzzMaximum && (i < kRunFuzzMinimum || budget.elapsed() < budgetMs); ++i) {
            const RunMutantSeed& seed = seeds_[size_t(i) % seeds_.size()];
            const RunMutation kind = RunMutation(rng() % kRunMutations);
            // Often without digests as well: an old file, whose contents the checks alone guard.
            const bool strip = kind != RunMutation::Digests && kind != RunMutation::Truncate && rng() % 3 == 0;
            const std::string path = tmp_.filePath(QString("m%1.h5").arg(i)).toStdString();
            const std::string detail = writeRunMutant(seed, kind, strip, path, rng);
            const std::string label = "mutant " + std::to_string(i) + " (seed " + std::to_string(kRunFuzzSeed) + ", " +
                                      seed.name + ", " + runMutationName(kind) + ": " + detail + ")";
            ++byKind[runMutationName(kind)];
            if (trace) std::fprintf(stderr, "%s\n", label.c_str());  // the last line names a crashing mutant
            // Every edit and every read closes what it opened.
            const ssize_t openBefore = H5Fget_obj_count(H5F_OBJ_ALL, kRunFuzzOpenObjects);
            QVERIFY2(openBefore == 0, (label + ": the edit left " + std::to_string(openBefore) + " HDF5 objects open").c_str());
            const std::string fault = readMutant(path, seed);
            QVERIFY2(fault.empty(), (label + ": " + fault).c_str());
            const ssize_t openAfter = H5Fget_obj_count(H5F_OBJ_ALL, kRunFuzzOpenObjects);
            QVERIFY2(openAfter == 0, (label + ": the reads left " + std::to_string(openAfter) + " HDF5 objects open").c_str());
            std::remove(path.c_str());
        }
        const qint64 ms = budget.elapsed();
        const long grownMb = (runFuzzMaxRssKb() - before) / 1024;
        std::string kinds;
        for (const auto& [name, count] : byKind) kinds += " " + name + "=" + std::to_string(count);
        qInfo("fuzzed %d run-file mutants in %lld ms (seed %u), peak memory grew by %ld MB; slowest read %lld ms; "
              "kinds:%s",
              i, static_cast<long long>(ms), kRunFuzzSeed, grownMb, static_cast<long long>(slowestMs_), kinds.c_str());
        qInfo("readValidRun full, verified:\n%s", full_.text().c_str());
        qInfo("readValidRun summary, verified:\n%s", summary_.text().c_str());
        qInfo("readValidRun full, --no-verify:\n%s", noVerify_.text().c_str());
        qInfo("readRunFile: %d read, %d refused; readSnapshot: %d snapshots, %d without one", structural_,
              structuralRefused_, snapshots_, noSnapshot_);
        for (const auto& [bucket, what] : full_.example) qInfo("  e.g. %s: %s", bucket.c_str(), what.c_str());
        for (const auto& [bucket, what] : noVerify_.example)
            if (!full_.example.count(bucket)) qInfo("  e.g. (--no-verify) %s: %s", bucket.c_str(), what.c_str());

        QVERIFY(i >= kRunFuzzMinimum);
        QCOMPARE(full_.total(), i);
        QCOMPARE(noVerify_.total(), i);
        QVERIFY2(full_.refused.count("other") == 0, full_.example["other"].c_str());
        QVERIFY2(noVerify_.refused.count("other") == 0, noVerify_.example["other"].c_str());
        // The mutants reach every kind of check, not only the digests.
        for (const char* bucket : {"digest mismatch", "missing digest", "declared size", "link", "dtype", "shape"})
            QVERIFY2(full_.refused.count(bucket), bucket);
        for (const char* bucket : {"not finite", "config", "design", "checkpoint layout"})
            QVERIFY2(noVerify_.refused.count(bucket), bucket);
        QVERIFY(full_.verified > 0 && full_.unverifiable > 0 && noVerify_.unchecked > 0 && snapshots_ > 0);
        QVERIFY2(grownMb < 512, qPrintable(QString("peak memory grew by %1 MB").arg(grownMb)));
    }

    // Bytes flipped anywhere in the file, HDF5's own structures included; each mutant read in a
    // child process (see kRunFuzzHdf5FailuresKnown).
    void flipsAnywhere() {
        std::mt19937 rng(kRunFuzzSeed + 1);
        RunFuzzTally outcomes;
        void* warm[4];
        backtrace(warm, 4);  // loads the unwinder before a crash handler needs it
        int hdf5Failures = 0, mostGrewMb = 0;
        std::vector<std::string> hdf5Examples;
        const QString keep = qEnvironmentVariable("STRATA_FUZZ_KEEP");  // a folder: mutants that failed go there
        QElapsedTimer budget;
        budget.start();
        int i = 0;
        const qint64 budgetMs = fuzzBudgetMs(kFlipsBudgetMs);
        for (; i < kRunFuzzMaximum && (i < kFlipsMinimum || budget.elapsed() < budgetMs); ++i) {
            const RunMutantSeed& seed = seeds_[size_t(i) % seeds_.size()];
            RunBytes bytes = seed.bytes;
            const int flips = 1 + int(rng() % 8);
            flipBytes(bytes, 0, bytes.size(), flips, rng);
            const std::string path = tmp_.filePath(QString("f%1.h5").arg(i)).toStdString();
            writeFileBytes(path, bytes);
            const std::string label = "flip mutant " + std::to_string(i) + " (seed " + std::to_string(kRunFuzzSeed + 1) +
                                      ", " + seed.name + ", " + std::to_string(flips) + " bytes)";
            const ChildResult read = runFuzzChild([&] {
                full_ = summary_ = noVerify_ = {};
                const std::string fault = readMutant(path, seed, /*verifiedOnly=*/true);
                return fault.empty() ? full_.single() : "fault " + fault;
            });
            mostGrewMb = std::max(mostGrewMb, read.grewMb);
            std::string failure;
            if (read.hung) failure = "no answer after 20 s";
            else if (read.crashed()) failure = "crashed (status " + std::to_string(read.status) + ")";
            else if (read.reply.rfind("fault ", 0) == 0) failure = read.reply.substr(6);
            else if (read.grewMb > kChildGrowthMb) failure = "memory grew by " + std::to_string(read.grewMb) + " MB";
            if (!failure.empty()) {
                // HDF5's own failure when it crashed inside HDF5, or when HDF5 alone fails on the
                // file as well (an out-of-bounds copy inside HDF5 may crash only later, elsewhere).
                const ChildResult walk = runFuzzChild([&] { return runFuzzWalkFile(path, bytes.size()); });
                const bool hdf5 = read.reply.rfind("crash in HDF5", 0) == 0 || walk.crashed() ||
                                  walk.grewMb > kChildGrowthMb || runFuzzHeapDamaged(bytes);
                if (read.reply.rfind("crash", 0) == 0) failure += ", " + read.reply.substr(0, read.reply.find('\n'));
                if (!keep.isEmpty()) {
                    QFile::copy(QString::fromStdString(path), keep + QString("/flip-%1.h5").arg(i));
                    QFile::copy(QString::fromStdString(seed.path), keep + QString("/flip-%1-seed.h5").arg(i));
                }
                QVERIFY2(hdf5, (label + ": " + failure + "; HDF5 alone reads the file without failing").c_str());
                QVERIFY2(kRunFuzzHdf5FailuresKnown, (label + ": " + failure + " (so does HDF5 alone)").c_str());
                ++hdf5Failures;
                if (hdf5Examples.size() < 5) hdf5Examples.push_back(label + ": " + failure);
            } else if (read.reply.rfind("refused ", 0) == 0) {
                ++outcomes.refused[read.reply.substr(8)];
            } else if (read.reply == "accepted verified") {
                ++outcomes.verified;
            } else {
                ++outcomes.unverifiable;
            }
            std::remove(path.c_str());
        }
        qInfo("flipped bytes anywhere in %d mutants in %lld ms (seed %u), each read in a child process "
              "(most memory growth %d MB):\n%s    failures of HDF5 itself (HDF5 alone fails on the file too): %d",
              i, static_cast<long long>(budget.elapsed()), kRunFuzzSeed + 1, mostGrewMb, outcomes.text().c_str(),
              hdf5Failures);
        for (const std::string& e : hdf5Examples) qInfo("  e.g. %s", e.c_str());
        if (hdf5Failures)
            qWarning("HDF5 1.10.8 crashed or ballooned on %d of %d run files with flipped bytes "
                     "(known: kRunFuzzHdf5FailuresKnown)", hdf5Failures, i);
        QVERIFY(i >= kFlipsMinimum);
        QCOMPARE(outcomes.total() + hdf5Failures, i);
        QVERIFY(outcomes.refused.count("file checksum"));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(FuzzRunFilesTest)
#include "test_fuzz_run_files.moc"
