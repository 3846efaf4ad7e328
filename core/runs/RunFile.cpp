// Writing the run file of docs/ARCHITECTURE.md §8. The layout lives here; typed attributes and arrays
// are in ConfigAttrs and NamedArrays.
#include "runs/RunFile.h"

#include "storage/AtomicFile.h"
#include "runs/ConfigAttrs.h"
#include "runs/ExampleRecordFile.h"
#include "storage/H5Attributes.h"
#include "storage/H5Groups.h"
#include "storage/H5Lock.h"
#include "runs/NamedArrays.h"
#include "runs/RunDigest.h"
#include "runs/RunFileChecksum.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace strata {

namespace {
void writeDoubles(H5::Group& g, const std::string& name, const std::vector<double>& v) {
    hsize_t n = v.size();
    H5::DataSet ds = g.createDataSet(name, H5::PredType::IEEE_F64LE, H5::DataSpace(1, &n));
    if (n) ds.write(v.data(), H5::PredType::NATIVE_DOUBLE);
}

void writeInt64s(H5::Group& g, const std::string& name, const std::vector<int64_t>& v) {
    hsize_t n = v.size();
    H5::DataSet ds = g.createDataSet(name, H5::PredType::STD_I64LE, H5::DataSpace(1, &n));
    if (n) ds.write(v.data(), H5::PredType::NATIVE_INT64);
}

// Columns in epochColumns order, then any column only in the map (so none is dropped).
std::vector<std::string> epochColumnOrder(const RunData& run) {
    std::vector<std::string> cols = run.epochColumns;
    for (const auto& [name, values] : run.epochMetrics) {
        if (std::find(cols.begin(), cols.end(), name) == cols.end()) cols.push_back(name);
    }
    size_t rows = 0;
    for (size_t i = 0; i < cols.size(); ++i) {
        auto it = run.epochMetrics.find(cols[i]);
        if (it == run.epochMetrics.end())
            throw std::invalid_argument("metric column \"" + cols[i] + "\" has no values");
        if (i == 0) rows = it->second.size();
        if (it->second.size() != rows)
            throw std::invalid_argument("metric columns differ in length (\"" + cols[i] + "\")");
    }
    return cols;
}

// Returns the epoch columns in the order written.
std::vector<std::string> writeMetrics(H5::H5File& f, const RunData& run) {
    if (run.steps.size() != run.stepLoss.size())
        throw std::invalid_argument("step and loss arrays differ in length");
    const std::vector<std::string> cols = epochColumnOrder(run);
    H5::Group metrics = h5::createOrderedGroup(f, "metrics");
    H5::Group epoch = h5::createOrderedGroup(metrics, "epoch");
    h5::writeStringListAttr(epoch, "columns", cols);
    for (const auto& c : cols) writeDoubles(epoch, c, run.epochMetrics.at(c));
    H5::Group step = h5::createOrderedGroup(metrics, "step");
    writeInt64s(step, "step", run.steps);
    writeDoubles(step, "loss", run.stepLoss);
    if (run.hasTest) {
        H5::Group test = metrics.createGroup("test");
        h5::writeDoubleAttr(test, "loss", run.testLoss);
        h5::writeDoubleAttr(test, "accuracy", run.testAccuracy);
    }
    return cols;
}

// The digests of docs/ARCHITECTURE.md §8, of the contents as a reader will get them back.
void writeDigests(H5::H5File& f, const RunData& run, const nlohmann::json& configReadBack,
                  const std::vector<std::string>& columns) {
    const std::pair<const char*, std::string> digests[] = {
        {"design", digestDesign(run.designJson)},   {"config", digestConfig(configReadBack)},
        {"metrics", digestMetrics(run, columns)},    {"checkpoint", digestArrays(run.checkpoint)},
        {"optimizer", digestOptimizer(run)},         {"features", digestArrays(run.features)}};
    for (const auto& [part, hex] : digests) h5::writeStringAttr(f, std::string(kDigestAttrPrefix) + part, hex);
}

void writeLayout(H5::H5File& f, const RunData& run) {
    h5::writeStringAttr(f, "format", kRunFormat);
    h5::writeStringAttr(f, "created", run.created.empty() ? utcNowIso8601() : run.created);
    h5::writeStringAttr(f, "strata_version",
                        run.strataVersion.empty() ? STRATA_VERSION : run.strataVersion);

    const H5::StrType str = h5::utf8Type();
    f.createDataSet("design", str, H5::DataSpace(H5S_SCALAR)).write(run.designJson, str);

    H5::Group config = f.createGroup("config");
    h5::writeConfigAttrs(config, run.config);

    const std::vector<std::string> columns = writeMetrics(f, run);

    H5::Group checkpoint = h5::createOrderedGroup(f, "checkpoint");
    h5::writeNamedArrays(checkpoint, run.checkpoint);

    H5::Group optimizer = h5::createOrderedGroup(f, "optimizer");
    h5::writeInt64Attr(optimizer, "epoch", run.epoch);
    h5::writeInt64Attr(optimizer, "step", run.step);
    h5::writeNamedArrays(optimizer, run.optimizer);

    H5::Group features = h5::createOrderedGroup(f, "features");
    h5::writeNamedArrays(features, run.features);

    h5::writeExampleRecord(f, run.examples);

    writeDigests(f, run, h5::readConfigAttrs(config), columns);
}

H5::H5File createFile(const std::string& tmp) {
    H5::FileAccPropList fapl;
    // Never written in place (temp + rename), so locks buy nothing and fail on some mounts.
    H5Pset_file_locking(fapl.getId(), false, true);
    H5::FileCreatPropList fcpl;
    fcpl.setUserblock(kUserBlockBytes);  // filled with the whole-file checksum once closed
    errno = 0;
    try {
        return H5::H5File(tmp, H5F_ACC_TRUNC, fcpl, fapl);
    } catch (const H5::FileIException&) {
        throw std::runtime_error("cannot create " + tmp +
                                 (errno ? std::string(": ") + std::strerror(errno) : ""));
    }
}

void createAndWrite(const std::string& tmp, const RunData& run) {
    H5::H5File f = createFile(tmp);
    writeLayout(f, run);
    f.close();
    stampFileChecksum(tmp);
}
}  // namespace

void writeRunFile(const std::string& path, const RunData& run) {
    std::lock_guard<std::mutex> lock(h5::libraryMutex());
    h5::silenceErrors();
    const std::string tmp = atomicTempPath(path);
    std::string reason;
    try {
        createAndWrite(tmp, run);
        reason = commitAtomic(tmp, path);
    } catch (const H5::Exception& e) {
        reason = "HDF5 error in " + e.getFuncName() + ": " + e.getDetailMsg();
    } catch (const std::exception& e) {
        reason = e.what();
    }
    if (!reason.empty()) {
        std::remove(tmp.c_str());
        throw RunFileError(path + ": cannot write run file: " + reason);
    }
}

std::string utcIso8601(std::time_t t) {
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buf;
}

std::string utcNowIso8601() { return utcIso8601(std::time(nullptr)); }

const NamedArray* findArray(const std::vector<NamedArray>& arrays, const std::string& name) {
    for (const auto& a : arrays)
        if (a.name == name) return &a;
    return nullptr;
}

}  // namespace strata
