// Reading the run file of docs/ARCHITECTURE.md §8: the whole run, or only the summary that
// `strata runs` and the runs panel list (no checkpoint, optimizer or features data).
#include "runs/RunFile.h"

#include "runs/ConfigAttrs.h"
#include "storage/H5Attributes.h"
#include "storage/H5Groups.h"
#include "storage/H5Lock.h"
#include "runs/NamedArrays.h"

#include <filesystem>

namespace strata {

namespace {
// Same major version: "strata.run/1" and "strata.run/1.<anything>".
bool formatSupported(const std::string& format) {
    const std::string prefix = "strata.run/";
    if (format.compare(0, prefix.size(), prefix) != 0) return false;
    const std::string version = format.substr(prefix.size());
    const std::string major = version.substr(0, version.find('.'));
    return major == "1";
}

struct Reader {
    const std::string& path;
    H5::H5File file;

    RunFileError error(const std::string& what) const { return RunFileError(path + ": " + what); }

    H5::Group group(const H5::Group& parent, const std::string& name, const std::string& shown) {
        if (!parent.nameExists(name) || parent.childObjType(name) != H5O_TYPE_GROUP)
            throw error("not a complete run file: missing group " + shown);
        return parent.openGroup(name);
    }
    H5::DataSet dataset(const H5::Group& parent, const std::string& name, const std::string& shown) {
        if (!parent.nameExists(name) || parent.childObjType(name) != H5O_TYPE_DATASET)
            throw error("not a complete run file: missing dataset " + shown);
        return parent.openDataSet(name);
    }
    std::string optionalStringAttr(const H5::H5Object& obj, const std::string& name) {
        if (!obj.attrExists(name)) return {};
        H5::Attribute a = obj.openAttribute(name);
        return a.getTypeClass() == H5T_STRING ? h5::readString(a) : std::string();
    }

    void checkFormat() {
        const std::string format = optionalStringAttr(file, "format");
        if (format.empty()) throw error("not a Strata run file (no \"format\" attribute)");
        if (!formatSupported(format))
            throw error("unsupported run format \"" + format + "\"; this Strata reads " +
                        kRunFormat);
    }

    std::vector<double> doubles(const H5::DataSet& ds) {
        std::vector<double> v(size_t(h5::elementCount(ds.getSpace())));
        if (!v.empty()) ds.read(v.data(), H5::PredType::NATIVE_DOUBLE);
        return v;
    }
    std::vector<int64_t> int64s(const H5::DataSet& ds) {
        std::vector<int64_t> v(size_t(h5::elementCount(ds.getSpace())));
        if (!v.empty()) ds.read(v.data(), H5::PredType::NATIVE_INT64);
        return v;
    }

    void readSummary(RunData& run) {
        checkFormat();
        run.created = optionalStringAttr(file, "created");
        run.strataVersion = optionalStringAttr(file, "strata_version");

        H5::DataSet design = dataset(file, "design", "/design");
        if (design.getTypeClass() != H5T_STRING) throw error("/design is not a string");
        design.read(run.designJson, design.getStrType());

        run.config = h5::readConfigAttrs(group(file, "config", "/config"));

        H5::Group metrics = group(file, "metrics", "/metrics");
        H5::Group epoch = group(metrics, "epoch", "/metrics/epoch");
        run.epochColumns = epoch.attrExists("columns")
                               ? h5::readStringList(epoch.openAttribute("columns"))
                               : h5::childNames(epoch);
        for (const auto& c : run.epochColumns)
            run.epochMetrics[c] = doubles(dataset(epoch, c, "/metrics/epoch/" + c));
        H5::Group step = group(metrics, "step", "/metrics/step");
        run.steps = int64s(dataset(step, "step", "/metrics/step/step"));
        run.stepLoss = doubles(dataset(step, "loss", "/metrics/step/loss"));
        readTest(metrics, run);
    }

    // Optional: only runs trained with a test folder have it.
    void readTest(const H5::Group& metrics, RunData& run) {
        if (!metrics.nameExists("test") || metrics.childObjType("test") != H5O_TYPE_GROUP) return;
        H5::Group test = metrics.openGroup("test");
        for (const char* name : {"loss", "accuracy"})
            if (!test.attrExists(name))
                throw error(std::string("/metrics/test has no \"") + name + "\" attribute");
        run.testLoss = h5::readDouble(test.openAttribute("loss"));
        run.testAccuracy = h5::readDouble(test.openAttribute("accuracy"));
        run.hasTest = true;
    }

    void readState(RunData& run) {
        run.checkpoint = h5::readNamedArrays(group(file, "checkpoint", "/checkpoint"));
        H5::Group optimizer = group(file, "optimizer", "/optimizer");
        for (const char* name : {"epoch", "step"}) {
            if (!optimizer.attrExists(name))
                throw error(std::string("not a complete run file: /optimizer has no \"") + name +
                            "\" attribute");
        }
        run.epoch = h5::readInt64(optimizer.openAttribute("epoch"));
        run.step = h5::readInt64(optimizer.openAttribute("step"));
        run.optimizer = h5::readNamedArrays(optimizer);
        // Features are optional snapshots (docs/ARCHITECTURE.md §8).
        if (file.nameExists("features"))
            run.features = h5::readNamedArrays(group(file, "features", "/features"));
    }
};

H5::H5File openForReading(const std::string& path) {
    H5::FileAccPropList fapl;
    // Files are replaced by rename, never written in place: no lock is needed to read one.
    H5Pset_file_locking(fapl.getId(), false, true);
    return H5::H5File(path, H5F_ACC_RDONLY, H5::FileCreatPropList::DEFAULT, fapl);
}

RunData readRun(const std::string& path, bool full) {
    std::lock_guard<std::mutex> lock(h5::libraryMutex());
    h5::silenceErrors();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw RunFileError(path + ": no such file");
    if (std::filesystem::is_directory(path, ec))
        throw RunFileError(path + ": is a directory, not a run file");
    try {
        if (!H5::H5File::isHdf5(path)) throw RunFileError(path + ": not an HDF5 file");
        Reader reader{path, openForReading(path)};
        RunData run;
        reader.readSummary(run);
        if (full) reader.readState(run);
        return run;  // the file closes here: nothing is held open between calls
    } catch (const RunFileError&) {
        throw;
    } catch (const H5::Exception& e) {
        throw RunFileError(path + ": cannot read run file: HDF5 error in " + e.getFuncName() +
                           ": " + e.getDetailMsg());
    } catch (const std::exception& e) {
        throw RunFileError(path + ": cannot read run file: " + e.what());
    }
}
}  // namespace

RunData readRunFile(const std::string& path) { return readRun(path, true); }

RunData readRunSummary(const std::string& path) { return readRun(path, false); }

}  // namespace strata
