#include "support/RunMutants.h"

#include <QtGlobal>

#include <hdf5.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <mutex>

#include "storage/H5Lock.h"
#include "support/RunDamage.h"
#include "support/TestData.h"

namespace strata::test {

int64_t fuzzBudgetMs(int64_t fallback) {
    bool ok = false;
    const qint64 ms = qEnvironmentVariable("STRATA_FUZZ_BUDGET_MS").toLongLong(&ok);
    return ok ? ms : fallback;
}

RunBytes readFileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return RunBytes(std::istreambuf_iterator<char>(in), {});
}

void writeFileBytes(const std::string& path, const RunBytes& b) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}

void flipBytes(RunBytes& b, uint64_t from, uint64_t size, int flips, std::mt19937& rng) {
    for (int k = 0; k < flips && size > 0; ++k) b[size_t(from + rng() % size)] ^= uint8_t(1 + rng() % 255);
}

namespace {

const char* const kMutationNames[] = {"flip-data",      "flip-checkpoint", "flip-features",  "truncate",
                                      "delete-dataset", "delete-attribute", "add-dataset",   "add-attribute",
                                      "wrong-dtype",    "wrong-shape",     "non-finite",     "huge-dims",
                                      "link-instead",   "garbage-design",  "digests",        "config",
                                      "format",         "optimizer",       "columns",        "scalar-attr-as-array"};
static_assert(std::size(kMutationNames) == size_t(kRunMutations));

// Where the contiguous storage of each dataset lies in the file.
std::vector<StorageRange> storageOf(const std::string& path, const std::vector<std::string>& datasets) {
    std::lock_guard<std::mutex> lock(h5::libraryMutex());
    std::vector<StorageRange> out;
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_file_locking(fapl, false, true);
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    if (f < 0) return out;
    for (const std::string& d : datasets) {
        const hid_t ds = H5Dopen2(f, d.c_str(), H5P_DEFAULT);
        if (ds < 0) continue;
        const haddr_t offset = H5Dget_offset(ds);
        const hsize_t size = H5Dget_storage_size(ds);
        if (offset != HADDR_UNDEF && size > 0) out.push_back({uint64_t(offset), uint64_t(size)});
        H5Dclose(ds);
    }
    H5Fclose(f);
    return out;
}

}  // namespace

RunMutantSeed describeRunSeed(const std::string& name, const std::string& path, int channels) {
    RunMutantSeed s;
    s.name = name;
    s.path = path;
    s.bytes = readFileBytes(path);
    s.data = readRunFile(path);
    s.channels = channels;
    s.groups = {"/", "/config", "/metrics", "/metrics/epoch", "/metrics/step", "/checkpoint", "/optimizer"};
    s.datasets = {"/design", "/metrics/step/step", "/metrics/step/loss"};
    for (const std::string& c : s.data.epochColumns) s.datasets.push_back("/metrics/epoch/" + c);
    for (const NamedArray& a : s.data.checkpoint) s.checkpointDatasets.push_back("/checkpoint/" + a.name);
    for (const NamedArray& a : s.data.optimizer) s.datasets.push_back("/optimizer/" + a.name);
    for (const NamedArray& a : s.data.features) {
        s.featureDatasets.push_back("/features/" + a.name);
        const size_t slash = a.name.rfind('/');
        if (slash != std::string::npos) s.groups.push_back("/features/" + a.name.substr(0, slash));
    }
    if (!s.data.features.empty()) s.groups.push_back("/features");
    s.datasets.insert(s.datasets.end(), s.checkpointDatasets.begin(), s.checkpointDatasets.end());
    s.datasets.insert(s.datasets.end(), s.featureDatasets.begin(), s.featureDatasets.end());
    for (const std::string& d : s.datasets)
        if (d != "/design") s.numericDatasets.push_back(d);
    for (const char* a : {"format", "created", "strata_version"}) s.attributes.push_back({"/", a});
    for (const auto& [part, digest] : s.data.digests) s.attributes.push_back({"/", "sha256_" + part});
    for (auto it = s.data.config.begin(); it != s.data.config.end(); ++it) s.attributes.push_back({"/config", it.key()});
    s.attributes.push_back({"/metrics/epoch", "columns"});
    s.attributes.push_back({"/optimizer", "epoch"});
    s.attributes.push_back({"/optimizer", "step"});
    if (s.data.hasTest) {
        s.groups.push_back("/metrics/test");
        s.attributes.push_back({"/metrics/test", "loss"});
        s.attributes.push_back({"/metrics/test", "accuracy"});
    }
    s.checkpointStorage = storageOf(path, s.checkpointDatasets);
    s.featureStorage = storageOf(path, s.featureDatasets);
    s.dataStorage = storageOf(path, s.numericDatasets);
    return s;
}

const char* runMutationName(RunMutation kind) { return kMutationNames[int(kind)]; }

namespace {

// The file opened for writing, as Strata opens files (no locking); closed at scope end.
class RunFuzzEdit {
public:
    explicit RunFuzzEdit(const std::string& path) : lock_(h5::libraryMutex()) {
        h5::silenceErrors();
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        fapl_ = H5Pcreate(H5P_FILE_ACCESS);
        H5Pset_file_locking(fapl_, false, true);
        file = H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl_);
    }
    ~RunFuzzEdit() {
        if (file >= 0) H5Fclose(file);
        H5Pclose(fapl_);
    }
    RunFuzzEdit(const RunFuzzEdit&) = delete;
    RunFuzzEdit& operator=(const RunFuzzEdit&) = delete;

    hid_t file = -1;

private:
    std::lock_guard<std::mutex> lock_;
    hid_t fapl_ = -1;
};

hid_t runFuzzUtf8() {
    const hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

// rank -1: scalar.
hid_t runFuzzSpace(int rank, const std::vector<hsize_t>& dims) {
    return rank < 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims.data(), nullptr);
}

bool runFuzzDataset(hid_t f, const std::string& path, hid_t fileType, int rank, const std::vector<hsize_t>& dims,
                    hid_t memType = -1, const void* data = nullptr, hid_t dcpl = H5P_DEFAULT) {
    const hid_t space = runFuzzSpace(rank, dims);
    const hid_t ds = H5Dcreate2(f, path.c_str(), fileType, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    bool ok = ds >= 0;
    if (ok && data) ok = H5Dwrite(ds, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
    if (ds >= 0) H5Dclose(ds);
    H5Sclose(space);
    return ok;
}

bool runFuzzStringDataset(hid_t f, const std::string& path, const std::string& text) {
    const hid_t t = runFuzzUtf8();
    const char* p = text.c_str();
    const bool ok = runFuzzDataset(f, path, t, -1, {}, t, &p);
    H5Tclose(t);
    return ok;
}

bool runFuzzAttr(hid_t f, const std::string& obj, const std::string& name, hid_t fileType, int rank,
                 const std::vector<hsize_t>& dims, hid_t memType, const void* data) {
    if (H5Aexists_by_name(f, obj.c_str(), name.c_str(), H5P_DEFAULT) > 0)
        H5Adelete_by_name(f, obj.c_str(), name.c_str(), H5P_DEFAULT);
    const hid_t space = runFuzzSpace(rank, dims);
    const hid_t a = H5Acreate_by_name(f, obj.c_str(), name.c_str(), fileType, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    bool ok = a >= 0;
    if (ok && data) ok = H5Awrite(a, memType, data) >= 0;
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    return ok;
}

bool runFuzzStringAttr(hid_t f, const std::string& obj, const std::string& name, const std::vector<std::string>& values,
                       bool scalar) {
    const hid_t t = runFuzzUtf8();
    std::vector<const char*> ptrs;
    for (const std::string& v : values) ptrs.push_back(v.c_str());
    const bool ok = runFuzzAttr(f, obj, name, t, scalar ? -1 : 1, {hsize_t(values.size())}, t, ptrs.data());
    H5Tclose(t);
    return ok;
}

bool runFuzzDoubleAttr(hid_t f, const std::string& obj, const std::string& name, const std::vector<double>& v,
                       bool scalar) {
    return runFuzzAttr(f, obj, name, H5T_IEEE_F64LE, scalar ? -1 : 1, {hsize_t(v.size())}, H5T_NATIVE_DOUBLE, v.data());
}

bool runFuzzIntAttr(hid_t f, const std::string& obj, const std::string& name, const std::vector<int64_t>& v,
                    bool scalar) {
    return runFuzzAttr(f, obj, name, H5T_STD_I64LE, scalar ? -1 : 1, {hsize_t(v.size())}, H5T_NATIVE_INT64, v.data());
}

// A dataset's values as doubles with its dims (rank -1: scalar); false when not numeric.
bool runFuzzNumbers(hid_t f, const std::string& path, std::vector<double>& values, std::vector<hsize_t>& dims,
                    int& rank, hid_t& type) {
    const hid_t ds = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
    if (ds < 0) return false;
    const hid_t t = H5Dget_type(ds);
    const H5T_class_t cls = H5Tget_class(t);
    const hid_t space = H5Dget_space(ds);
    bool ok = cls == H5T_FLOAT || cls == H5T_INTEGER;
    if (ok) {
        rank = H5Sget_simple_extent_type(space) == H5S_SCALAR ? -1 : H5Sget_simple_extent_ndims(space);
        dims.assign(size_t(std::max(rank, 0)), 0);
        if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
        values.assign(size_t(H5Sget_simple_extent_npoints(space)), 0.0);
        ok = values.empty() || H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0;
        if (ok) type = H5Tcopy(t);
    }
    H5Sclose(space);
    H5Tclose(t);
    H5Dclose(ds);
    return ok;
}

// Writes `value` over element `index` of a numeric dataset (converted to its type).
bool runFuzzPoke(hid_t f, const std::string& path, size_t index, double value) {
    const hid_t ds = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
    if (ds < 0) return false;
    const hid_t space = H5Dget_space(ds);
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    bool ok = n > 0;
    if (ok) {
        const int rank = H5Sget_simple_extent_ndims(space);
        if (rank > 0) {
            std::vector<hsize_t> dims(static_cast<size_t>(rank)), coord(static_cast<size_t>(rank));
            H5Sget_simple_extent_dims(space, dims.data(), nullptr);
            size_t rest = index % size_t(n);
            for (int d = rank - 1; d >= 0; --d) {
                coord[size_t(d)] = rest % dims[size_t(d)];
                rest /= dims[size_t(d)];
            }
            H5Sselect_elements(space, H5S_SELECT_SET, 1, coord.data());
        }
        const hsize_t one = 1;
        const hid_t mem = H5Screate_simple(1, &one, nullptr);
        ok = H5Dwrite(ds, H5T_NATIVE_DOUBLE, mem, rank > 0 ? space : H5S_ALL, H5P_DEFAULT, &value) >= 0;
        H5Sclose(mem);
    }
    H5Sclose(space);
    H5Dclose(ds);
    return ok;
}

template <typename T>
const T& runFuzzPick(const std::vector<T>& v, std::mt19937& rng) {
    return v[rng() % v.size()];
}

// ---- the mutations -----------------------------------------------------------------------

// Byte-level damage; the detail for the label.
std::string mutateBytes(RunMutation kind, const RunMutantSeed& seed, RunBytes& b, std::mt19937& rng) {
    switch (kind) {
    case RunMutation::FlipData: {  // the stored values of any numeric dataset
        const StorageRange& r = runFuzzPick(seed.dataStorage, rng);
        const int flips = 1 + int(rng() % 8);
        flipBytes(b, r.offset, r.size, flips, rng);
        return std::to_string(flips) + " bytes in [" + std::to_string(r.offset) + ", +" + std::to_string(r.size) + ")";
    }
    case RunMutation::FlipCheckpoint:
    case RunMutation::FlipFeatures: {
        const auto& ranges = kind == RunMutation::FlipFeatures && !seed.featureStorage.empty() ? seed.featureStorage : seed.checkpointStorage;
        const StorageRange& r = runFuzzPick(ranges, rng);
        const int flips = 1 + int(rng() % 4);
        flipBytes(b, r.offset, r.size, flips, rng);
        return std::to_string(flips) + " bytes in [" + std::to_string(r.offset) + ", +" + std::to_string(r.size) + ")";
    }
    default: {
        size_t size = 0;
        switch (rng() % 3) {
        case 0: size = rng() % b.size(); break;
        case 1: size = b.size() - 1 - rng() % std::min<size_t>(b.size() - 1, 512); break;
        default: size = b.size() / 2; break;
        }
        b.resize(size);
        return "to " + std::to_string(size) + " bytes";
    }
    }
}

hid_t runFuzzNumericType(std::mt19937& rng, std::string& name) {
    const std::pair<hid_t, const char*> types[] = {
        {H5T_IEEE_F64LE, "float64"}, {H5T_STD_I8LE, "int8"},     {H5T_STD_I32LE, "int32"}, {H5T_STD_U8LE, "uint8"},
        {H5T_IEEE_F32LE, "float32"}, {H5T_STD_I64LE, "int64"},   {H5T_IEEE_F32BE, "float32be"},
        {H5T_STD_U64LE, "uint64"},   {H5T_STD_I16BE, "int16be"}, {H5T_IEEE_F64BE, "float64be"}};
    const auto& t = types[rng() % std::size(types)];
    name = t.second;
    return t.first;
}

std::string deleteDigests(hid_t f) {
    for (const char* part : {"design", "config", "metrics", "checkpoint", "optimizer", "features"}) {
        const std::string name = std::string("sha256_") + part;
        if (H5Aexists(f, name.c_str()) > 0) H5Adelete(f, name.c_str());
    }
    return "all digests deleted";
}

// A structural or content edit through HDF5; the detail for the label.
std::string mutateFile(RunMutation kind, const RunMutantSeed& seed, hid_t f, std::mt19937& rng) {
    switch (kind) {
    case RunMutation::DeleteDataset: {
        if (rng() % 6 == 0) {
            const std::string g = runFuzzPick(seed.groups, rng);
            if (g == "/") return "nothing";
            H5Ldelete(f, g.c_str(), H5P_DEFAULT);
            return "group " + g;
        }
        const std::string d = runFuzzPick(seed.datasets, rng);
        H5Ldelete(f, d.c_str(), H5P_DEFAULT);
        return d;
    }
    case RunMutation::DeleteAttribute: {
        const auto& [obj, name] = runFuzzPick(seed.attributes, rng);
        H5Adelete_by_name(f, obj.c_str(), name.c_str(), H5P_DEFAULT);
        return obj + " @" + name;
    }
    case RunMutation::AddDataset: {
        const std::string g = runFuzzPick(seed.groups, rng);
        const char* names[] = {"extra", "zz.weight", "conv1.bias2", "state2", "meta2", "0", "fc.weight.old"};
        const std::string path = (g == "/" ? "" : g) + "/" + names[rng() % std::size(names)];
        std::string type;
        const hid_t t = runFuzzNumericType(rng, type);
        const hsize_t n = 1 + rng() % 6;
        std::vector<double> v(n, 0.5);
        runFuzzDataset(f, path, t, 1, {n}, H5T_NATIVE_DOUBLE, v.data());
        return path + " " + type + " [" + std::to_string(n) + "]";
    }
    case RunMutation::AddAttribute: {
        std::vector<std::string> objects = seed.groups;
        objects.insert(objects.end(), seed.datasets.begin(), seed.datasets.end());
        const std::string obj = runFuzzPick(objects, rng);
        const char* names[] = {"extra", "classes", "mean", "sha256_bogus", "columns", "loss", "epoch", "format", "_json_keys"};
        const std::string name = names[rng() % std::size(names)];
        switch (rng() % 4) {
        case 0: runFuzzStringAttr(f, obj, name, {"x"}, true); return obj + " @" + name + " string";
        case 1: runFuzzIntAttr(f, obj, name, {int64_t(rng() % 100) - 50}, true); return obj + " @" + name + " int64";
        case 2: runFuzzDoubleAttr(f, obj, name, {0.5, -1, 3}, false); return obj + " @" + name + " float64[3]";
        default: runFuzzStringAttr(f, obj, name, {"mean", "x", ""}, false); return obj + " @" + name + " string[3]";
        }
    }
    case RunMutation::WrongDtype:
    case RunMutation::WrongShape: {
        const std::string d =
            rng() % 2 ? runFuzzPick(seed.checkpointDatasets, rng) : runFuzzPick(seed.numericDatasets, rng);
        std::vector<double> v;
        std::vector<hsize_t> dims;
        int rank = 0;
        hid_t type = -1;
        if (!runFuzzNumbers(f, d, v, dims, rank, type)) return d + " unreadable";
        H5Ldelete(f, d.c_str(), H5P_DEFAULT);
        std::string detail;
        if (kind == RunMutation::WrongDtype) {
            std::string name;
            const hid_t t = runFuzzNumericType(rng, name);
            runFuzzDataset(f, d, t, rank, dims, H5T_NATIVE_DOUBLE, v.empty() ? nullptr : v.data());
            detail = d + " as " + name;
        } else {
            const hsize_t n = v.size();
            switch (rng() % 6) {
            case 0:  // a scalar where an array belongs
                v.resize(1, 0.25);
                rank = -1;
                dims.clear();
                detail = "scalar";
                break;
            case 1:
                v.push_back(0.125);
                rank = 1;
                dims = {n + 1};
                detail = "[n+1]";
                break;
            case 2:
                if (n > 1) v.pop_back();
                rank = 1;
                dims = {std::max<hsize_t>(n, 2) - 1};
                if (n <= 1) v.assign(1, 0.0);
                detail = "[n-1]";
                break;
            case 3:
                rank = 2;
                dims = {1, n};
                detail = "[1, n]";
                break;
            case 4:
                rank = 1;
                dims = {0};
                v.clear();
                detail = "[0]";
                break;
            default:
                std::reverse(dims.begin(), dims.end());
                if (rank > 1) {
                    detail = "reversed dims";
                } else {
                    rank = 2;
                    dims = {n, 1};
                    detail = "[n, 1]";
                }
                break;
            }
            runFuzzDataset(f, d, type, rank, dims, H5T_NATIVE_DOUBLE, v.empty() ? nullptr : v.data());
            detail = d + " " + detail;
        }
        H5Tclose(type);
        return detail;
    }
    case RunMutation::NonFinite: {
        const double values[] = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                                 -std::numeric_limits<double>::infinity()};
        const double x = values[rng() % 3];
        const std::string shown = std::isnan(x) ? "NaN" : x > 0 ? "inf" : "-inf";
        switch (rng() % 6) {
        case 0:
        case 1: {
            std::vector<std::string> floats;
            for (const NamedArray& a : seed.data.checkpoint)
                if (a.type == NamedArray::Type::Float32) floats.push_back("/checkpoint/" + a.name);
            const std::string d = runFuzzPick(floats, rng);
            runFuzzPoke(f, d, rng(), x);
            return shown + " in " + d;
        }
        case 2: {
            const char* key = rng() % 2 ? "mean" : "std";
            std::vector<double> v(size_t(seed.channels), 0.5);
            v[rng() % v.size()] = x;
            runFuzzDoubleAttr(f, "/config", key, v, false);
            return shown + " in /config @" + key;
        }
        case 3: {
            const std::string c = "/metrics/epoch/" + runFuzzPick(seed.data.epochColumns, rng);
            runFuzzPoke(f, c, rng(), x);
            return shown + " in " + c;
        }
        case 4:
            runFuzzPoke(f, "/metrics/step/loss", rng(), x);
            return shown + " in /metrics/step/loss";
        default:
            if (seed.data.hasTest) {
                const char* name = rng() % 2 ? "loss" : "accuracy";
                runFuzzDoubleAttr(f, "/metrics/test", name, {x}, true);
                return shown + " in /metrics/test @" + name;
            }
            if (!seed.featureDatasets.empty()) {
                runFuzzPoke(f, "/features/projection/x", rng(), x);
                return shown + " in /features/projection/x";
            }
            runFuzzPoke(f, "/metrics/step/loss", 0, x);
            return shown + " in /metrics/step/loss";
        }
    }
    case RunMutation::HugeDims: {
        std::string d;
        switch (rng() % 4) {
        case 0:
        case 1: d = runFuzzPick(seed.checkpointDatasets, rng); break;
        case 2: d = runFuzzPick(seed.numericDatasets, rng); break;
        default: d = seed.featureDatasets.empty() ? "/metrics/step/loss" : runFuzzPick(seed.featureDatasets, rng); break;
        }
        H5Ldelete(f, d.c_str(), H5P_DEFAULT);
        const hsize_t big = hsize_t(1) << 20;
        switch (rng() % 5) {
        case 0:
            runFuzzDataset(f, d, H5T_IEEE_F32LE, 2, {big, big});
            return d + " float32 [2^20, 2^20] never written";
        case 1: {
            const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
            const hsize_t chunk[2] = {64, 64};
            H5Pset_chunk(dcpl, 2, chunk);
            runFuzzDataset(f, d, H5T_IEEE_F32LE, 2, {big, big}, -1, nullptr, dcpl);
            H5Pclose(dcpl);
            return d + " float32 [2^20, 2^20] chunked, never written";
        }
        case 2:
            runFuzzDataset(f, d, H5T_STD_U8LE, 1, {hsize_t(1) << 40});
            return d + " uint8 [2^40]";
        case 3:
            runFuzzDataset(f, d, H5T_STD_I64LE, 3, {hsize_t(1) << 31, hsize_t(1) << 31, hsize_t(1) << 31});
            return d + " int64 [2^31, 2^31, 2^31]";
        default:  // no values at all, but a first dimension of 2^40: loops over it must not run
            runFuzzDataset(f, d, H5T_STD_U8LE, 3, {hsize_t(1) << 40, 0, 4});
            return d + " uint8 [2^40, 0, 4]";
        }
    }
    case RunMutation::LinkInstead: {
        const std::string d = rng() % 2 ? runFuzzPick(seed.checkpointDatasets, rng) : runFuzzPick(seed.datasets, rng);
        H5Ldelete(f, d.c_str(), H5P_DEFAULT);
        switch (rng() % 7) {
        case 0: {
            const std::string target = runFuzzPick(seed.datasets, rng);
            H5Lcreate_soft(target.c_str(), f, d.c_str(), H5P_DEFAULT, H5P_DEFAULT);
            return d + " soft link to " + target;
        }
        case 1:
            H5Lcreate_soft("/nowhere", f, d.c_str(), H5P_DEFAULT, H5P_DEFAULT);
            return d + " dangling soft link";
        case 2:  // to the same object of the intact seed file: still not what Strata writes
            H5Lcreate_external(seed.path.c_str(), d.c_str(), f, d.c_str(), H5P_DEFAULT, H5P_DEFAULT);
            return d + " external link to the seed";
        case 3:
            H5Lcreate_external("/nonexistent/file.h5", "/x", f, d.c_str(), H5P_DEFAULT, H5P_DEFAULT);
            return d + " dangling external link";
        case 4: {
            const std::string target = runFuzzPick(seed.datasets, rng);
            H5Lcreate_hard(f, target.c_str(), f, d.c_str(), H5P_DEFAULT, H5P_DEFAULT);
            return d + " hard link to " + target;
        }
        case 5: {
            const hid_t g = H5Gcreate2(f, d.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            if (g >= 0) H5Gclose(g);
            if (rng() % 2) {
                const double v = 1;
                runFuzzDataset(f, d + "/inner", H5T_IEEE_F32LE, 1, {1}, H5T_NATIVE_DOUBLE, &v);
                return d + " group with a dataset";
            }
            return d + " empty group";
        }
        default: {
            const hid_t t = H5Tcopy(H5T_STD_I32LE);
            H5Tcommit2(f, d.c_str(), t, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            H5Tclose(t);
            return d + " named datatype";
        }
        }
    }
    case RunMutation::GarbageDesign: {
        H5Ldelete(f, "/design", H5P_DEFAULT);
        const std::string real = seed.data.designJson;
        switch (rng() % 10) {
        case 0: runFuzzStringDataset(f, "/design", ""); return "empty";
        case 1: runFuzzStringDataset(f, "/design", real.substr(0, rng() % real.size())); return "truncated JSON";
        case 2: {
            std::string g(1 + rng() % 200, ' ');
            for (char& c : g) c = char(rng() % 256);
            runFuzzStringDataset(f, "/design", g);
            return "random bytes";
        }
        case 3: runFuzzStringDataset(f, "/design", "null"); return "null";
        case 4: {
            const std::string other =
                (real.find("BatchNorm") != std::string::npos ? tinyCnnDesign() : tinyResidualDesign()).toStdString();
            runFuzzStringDataset(f, "/design", other);
            return "another design";
        }
        case 5: {
            std::string edited = real;
            const size_t at = edited.find("\"out_channels\": 8");
            if (at != std::string::npos) edited.replace(at, 17, rng() % 2 ? "\"out_channels\": 9" : "\"out_channels\": 100000000");
            runFuzzStringDataset(f, "/design", edited);
            return "out_channels edited";
        }
        case 6: {
            std::string edited = real;
            const size_t at = edited.find("Conv2d");
            if (at != std::string::npos) edited.replace(at, 6, "Conv9d");
            runFuzzStringDataset(f, "/design", edited);
            return "unknown layer";
        }
        case 7: {  // the text as a uint8 array
            runFuzzDataset(f, "/design", H5T_STD_U8LE, 1, {hsize_t(real.size())}, H5T_NATIVE_UINT8, real.data());
            return "uint8 array";
        }
        case 8: {  // fixed-length string
            const hid_t t = H5Tcopy(H5T_C_S1);
            H5Tset_size(t, real.size() + 1);
            runFuzzDataset(f, "/design", t, -1, {}, t, real.c_str());
            H5Tclose(t);
            return "fixed-length string";
        }
        default: {  // a list of strings
            const hid_t t = runFuzzUtf8();
            const char* ptrs[] = {real.c_str(), "{}"};
            runFuzzDataset(f, "/design", t, 1, {2}, t, ptrs);
            H5Tclose(t);
            return "string list";
        }
        }
    }
    case RunMutation::Digests: {
        std::vector<std::string> parts;
        for (const auto& [part, digest] : seed.data.digests) parts.push_back(part);
        const std::string part = runFuzzPick(parts, rng);
        const std::string name = "sha256_" + part;
        switch (rng() % 7) {
        case 0: H5Adelete(f, name.c_str()); return name + " deleted";
        case 1: {
            std::string d = seed.data.digests.at(part);
            d[rng() % d.size()] = "0123456789abcdef"[rng() % 16];
            runFuzzStringAttr(f, "/", name, {d}, true);
            return name + " altered";
        }
        case 2: runFuzzIntAttr(f, "/", name, {42}, true); return name + " an int64";
        case 3: {
            const std::string other = seed.data.digests.at(runFuzzPick(parts, rng));
            runFuzzStringAttr(f, "/", name, {other}, true);
            return name + " another part's";
        }
        case 4: {
            std::string d = seed.data.digests.at(part);
            for (char& c : d) c = char(std::toupper(c));
            runFuzzStringAttr(f, "/", name, {d}, true);
            return name + " upper case";
        }
        case 5: runFuzzStringAttr(f, "/", name, {""}, true); return name + " empty";
        default: return deleteDigests(f);
        }
    }
    case RunMutation::ConfigEdit: {
        switch (rng() % 12) {
        case 0: runFuzzStringAttr(f, "/config", "classes", {"a", "a", "b"}, false); return "classes twice";
        case 1: runFuzzStringAttr(f, "/config", "classes", {}, false); return "no classes";
        case 2: runFuzzIntAttr(f, "/config", "classes", {1, 2, 3}, false); return "classes as numbers";
        case 3: runFuzzStringAttr(f, "/config", "classes", {"abc"}, true); return "classes a string";
        case 4: runFuzzStringAttr(f, "/config", "classes", {"a", "b"}, false); return "two classes";
        case 5: {
            std::vector<std::string> many;
            for (int i = 0; i < 1000; ++i) many.push_back("c" + std::to_string(i));
            runFuzzStringAttr(f, "/config", "classes", many, false);
            return "1000 classes";
        }
        case 6: runFuzzDoubleAttr(f, "/config", "mean", std::vector<double>(size_t(seed.channels) + 1, 0.5), false); return "mean too long";
        case 7: runFuzzDoubleAttr(f, "/config", "std", std::vector<double>(size_t(seed.channels), 0), false); return "std zero";
        case 8: runFuzzDoubleAttr(f, "/config", "std", std::vector<double>(size_t(seed.channels), -1), false); return "std negative";
        case 9: runFuzzStringAttr(f, "/config", "_json_keys", {"mean"}, false); return "_json_keys names a float array";
        case 10: runFuzzStringAttr(f, "/config", "mean", {"[0.5"}, true); runFuzzStringAttr(f, "/config", "_json_keys", {"mean"}, false); return "mean bad JSON";
        default: {  // an enum that is not h5py's bool
            const hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
            int8_t v = 0;
            H5Tenum_insert(t, "NO", &v);
            v = 1;
            H5Tenum_insert(t, "YES", &v);
            runFuzzAttr(f, "/config", "augment", t, -1, {}, t, &v);
            H5Tclose(t);
            return "foreign enum";
        }
        }
    }
    case RunMutation::FormatEdit: {
        switch (rng() % 6) {
        case 0: runFuzzStringAttr(f, "/", "format", {"strata.run/2"}, true); return "strata.run/2";
        case 1: runFuzzStringAttr(f, "/", "format", {"strata.run/1.9"}, true); return "strata.run/1.9";
        case 2: runFuzzStringAttr(f, "/", "format", {""}, true); return "empty";
        case 3: runFuzzIntAttr(f, "/", "format", {1}, true); return "an int64";
        case 4: runFuzzStringAttr(f, "/", "format", {"strata.runX"}, true); return "strata.runX";
        default: {
            const hid_t t = H5Tcopy(H5T_C_S1);
            H5Tset_size(t, 16);
            const char text[16] = "strata.run/1";
            runFuzzAttr(f, "/", "format", t, -1, {}, t, text);
            H5Tclose(t);
            return "fixed-length string";
        }
        }
    }
    case RunMutation::OptimizerEdit: {
        const char* name = rng() % 2 ? "epoch" : "step";
        switch (rng() % 4) {
        case 0: runFuzzIntAttr(f, "/optimizer", name, {-1}, true); return std::string(name) + " -1";
        case 1: runFuzzStringAttr(f, "/optimizer", name, {"2"}, true); return std::string(name) + " a string";
        case 2: runFuzzDoubleAttr(f, "/optimizer", name, {2.0}, true); return std::string(name) + " 2.0";
        default: runFuzzDoubleAttr(f, "/optimizer", name, {1e300}, true); return std::string(name) + " 1e300";
        }
    }
    case RunMutation::ColumnsEdit: {
        std::vector<std::string> cols;
        std::string detail;
        switch (rng() % 7) {
        case 0: cols = {}; detail = "none"; break;
        case 1: cols = {"epoch", "epoch"}; detail = "twice"; break;
        case 2: cols = {"nope"}; detail = "missing"; break;
        case 3: cols = {"../step/loss"}; detail = "../step/loss"; break;
        case 4: cols = {""}; detail = "empty name"; break;
        case 5: cols = {"/design"}; detail = "/design"; break;
        default: cols = {"epoch", "/metrics/step/step"}; detail = "/metrics/step/step"; break;
        }
        runFuzzStringAttr(f, "/metrics/epoch", "columns", cols, false);
        return detail;
    }
    default: {  // RunMutation::ScalarAttrAsArray: a scalar attribute replaced by an array of 3
        std::vector<std::pair<std::string, std::string>> scalars = {
            {"/", "format"}, {"/", "created"}, {"/optimizer", "epoch"}, {"/optimizer", "step"}, {"/config", "seed"}};
        for (const auto& [part, digest] : seed.data.digests) scalars.push_back({"/", "sha256_" + part});
        if (seed.data.hasTest) scalars.push_back({"/metrics/test", rng() % 2 ? "loss" : "accuracy"});
        const auto& [obj, name] = runFuzzPick(scalars, rng);
        if (name == "format" || name == "created" || name.rfind("sha256_", 0) == 0)
            runFuzzStringAttr(f, obj, name, {"strata.run/1", "b", "c"}, false);
        else if (rng() % 2)
            runFuzzIntAttr(f, obj, name, {2, 3, 4}, false);
        else
            runFuzzDoubleAttr(f, obj, name, {2, 3, 4}, false);
        return obj + " @" + name;
    }
    }
}

}  // namespace

std::string writeRunMutant(const RunMutantSeed& seed, RunMutation kind, bool stripDigests, const std::string& path,
                           std::mt19937& rng) {
    std::string detail;
    RunBytes bytes = seed.bytes;
    const bool onBytes = kind <= RunMutation::Truncate;
    if (onBytes) detail = mutateBytes(kind, seed, bytes, rng);
    writeFileBytes(path, bytes);
    if (onBytes && !stripDigests) return detail;  // damage on disk: the whole-file checksum's to find
    {
        RunFuzzEdit edit(path);
        if (edit.file < 0) return detail + " (HDF5 cannot open it for editing)";
        if (!onBytes) detail = mutateFile(kind, seed, edit.file, rng);
        if (stripDigests) detail += ", " + deleteDigests(edit.file);
    }
    // As rewritten by a tool that drops the user block: the per-part digests and the content
    // checks are what stand in the way.
    clearFileChecksum(path);
    return detail;
}

}  // namespace strata::test
