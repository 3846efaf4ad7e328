// Reading the run file of docs/ARCHITECTURE.md §8: the whole run, or only the summary that
// `strata runs` and the runs panel list (no checkpoint, optimizer or features data).
#include "runs/RunFile.h"

#include "runs/ConfigAttrs.h"
#include "runs/ExampleRecordFile.h"
#include "storage/H5Attributes.h"
#include "storage/H5Groups.h"
#include "storage/H5Lock.h"
#include "runs/NamedArrays.h"
#include "runs/RunDigest.h"

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

// Text that JSON can carry: the summary, the digests and `strata runs --json` dump it, and
// nlohmann::json refuses to dump invalid UTF-8 (a flipped byte in a class name or a path).
bool validUtf8(const std::string& text) {
    try {
        (void)nlohmann::json(text).dump();
        return true;
    } catch (const nlohmann::json::type_error&) {
        return false;
    }
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
    // The attribute `name` of `obj`, holding one value (what the single-value readers of
    // H5Attributes.h read); `shown` names it in messages.
    H5::Attribute singleAttr(const H5::H5Object& obj, const std::string& name, const std::string& shown) {
        H5::Attribute a = obj.openAttribute(name);
        const hsize_t n = h5::elementCount(a.getSpace());
        if (n != 1) throw error(shown + " holds " + std::to_string(n) + " values where one belongs");
        return a;
    }
    // A number attribute (integers and floats convert), as int64 or double.
    H5::Attribute numberAttr(const H5::H5Object& obj, const std::string& name, const std::string& shown) {
        H5::Attribute a = singleAttr(obj, name, shown);
        if (a.getTypeClass() != H5T_INTEGER && a.getTypeClass() != H5T_FLOAT) throw error(shown + " is not a number");
        return a;
    }
    // A "/" attribute: "" when absent or not a string.
    std::string optionalStringAttr(const H5::H5Object& obj, const std::string& name) {
        if (!obj.attrExists(name)) return {};
        H5::Attribute a = singleAttr(obj, name, "the run file's attribute \"" + name + "\"");
        return a.getTypeClass() == H5T_STRING ? h5::readString(a) : std::string();
    }

    void checkFormat() {
        const std::string format = optionalStringAttr(file, "format");
        if (format.empty()) throw error("not a Strata run file (no \"format\" attribute)");
        if (!formatSupported(format))
            throw error("unsupported run format \"" + format + "\"; this Strata reads " +
                        kRunFormat);
    }

    // A 1-D array of numbers (metrics are float64 and int64; other number types convert).
    template <typename T>
    std::vector<T> numbers(const H5::DataSet& ds, const std::string& shown, const H5::PredType& memType) {
        const H5T_class_t cls = ds.getTypeClass();
        if (cls != H5T_FLOAT && cls != H5T_INTEGER) throw error(shown + " is not an array of numbers");
        const H5::DataSpace space = ds.getSpace();
        if (space.getSimpleExtentType() != H5S_SIMPLE || space.getSimpleExtentNdims() != 1)
            throw error(shown + " is not a 1-D array");
        std::vector<T> v(size_t(h5::readCount(space, sizeof(T), shown)));
        if (!v.empty()) ds.read(v.data(), memType);
        return v;
    }
    std::vector<double> doubles(const H5::DataSet& ds, const std::string& shown) {
        return numbers<double>(ds, shown, H5::PredType::NATIVE_DOUBLE);
    }
    std::vector<int64_t> int64s(const H5::DataSet& ds, const std::string& shown) {
        return numbers<int64_t>(ds, shown, H5::PredType::NATIVE_INT64);
    }

    // "/" attrs sha256_<part> (RunDigest.h); none in files written before digests.
    void readDigests(RunData& run) {
        for (const char* part : kDigestParts) {
            const std::string name = std::string(kDigestAttrPrefix) + part;
            if (file.attrExists(name)) run.digests[part] = optionalStringAttr(file, name);
        }
    }

    void readDesign(RunData& run) {
        H5::DataSet design = dataset(file, "design", "/design");
        if (design.getTypeClass() != H5T_STRING || design.getSpace().getSimpleExtentType() != H5S_SCALAR)
            throw error("/design is not a string");
        h5::readCount(design.getSpace(), design.getStrType().getSize(), "/design");
        design.read(run.designJson, design.getStrType());
    }

    void readSummary(RunData& run) {
        checkFormat();
        run.created = optionalStringAttr(file, "created");
        run.strataVersion = optionalStringAttr(file, "strata_version");
        for (const auto& [name, value] : {std::pair<const char*, const std::string&>{"created", run.created},
                                          {"strata_version", run.strataVersion}})
            if (!validUtf8(value)) throw error(std::string("the run file's attribute \"") + name + "\" is not valid UTF-8");
        readDigests(run);
        readDesign(run);

        run.config = h5::readConfigAttrs(group(file, "config", "/config"));
        // Text that is not UTF-8 (a folder named in Latin-1) becomes U+FFFD, as in its digest:
        // everything after may dump the config as JSON.
        run.config = nlohmann::json::parse(run.config.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));

        H5::Group metrics = group(file, "metrics", "/metrics");
        H5::Group epoch = group(metrics, "epoch", "/metrics/epoch");
        run.epochColumns = epoch.attrExists("columns")
                               ? h5::readStringList(epoch.openAttribute("columns"))
                               : h5::childNames(epoch);
        for (const auto& c : run.epochColumns)
            if (!validUtf8(c)) throw error("/metrics/epoch attribute \"columns\" holds a name that is not valid UTF-8");
        for (const auto& c : run.epochColumns)
            run.epochMetrics[c] = doubles(dataset(epoch, c, "/metrics/epoch/" + c), "/metrics/epoch/" + c);
        H5::Group step = group(metrics, "step", "/metrics/step");
        run.steps = int64s(dataset(step, "step", "/metrics/step/step"), "/metrics/step/step");
        run.stepLoss = doubles(dataset(step, "loss", "/metrics/step/loss"), "/metrics/step/loss");
        readTest(metrics, run);
    }

    // Optional: only runs trained with a test folder have it.
    void readTest(const H5::Group& metrics, RunData& run) {
        if (!metrics.nameExists("test") || metrics.childObjType("test") != H5O_TYPE_GROUP) return;
        H5::Group test = metrics.openGroup("test");
        for (const char* name : {"loss", "accuracy"})
            if (!test.attrExists(name))
                throw error(std::string("/metrics/test has no \"") + name + "\" attribute");
        run.testLoss = h5::readDouble(numberAttr(test, "loss", "/metrics/test attribute \"loss\""));
        run.testAccuracy = h5::readDouble(numberAttr(test, "accuracy", "/metrics/test attribute \"accuracy\""));
        run.hasTest = true;
    }

    void readState(RunData& run) {
        run.checkpoint = h5::readNamedArrays(group(file, "checkpoint", "/checkpoint"), "/checkpoint/");
        H5::Group optimizer = group(file, "optimizer", "/optimizer");
        for (const char* name : {"epoch", "step"}) {
            if (!optimizer.attrExists(name))
                throw error(std::string("not a complete run file: /optimizer has no \"") + name +
                            "\" attribute");
        }
        run.epoch = h5::readInt64(numberAttr(optimizer, "epoch", "/optimizer attribute \"epoch\""));
        run.step = h5::readInt64(numberAttr(optimizer, "step", "/optimizer attribute \"step\""));
        run.optimizer = h5::readNamedArrays(optimizer, "/optimizer/");
        // Features are optional snapshots (docs/ARCHITECTURE.md §8).
        if (file.nameExists("features"))
            run.features = h5::readNamedArrays(group(file, "features", "/features"), "/features/");
        h5::readExampleRecord(file, run.examples);  // optional: runs trained before it have none
    }
};

H5::H5File openForReading(const std::string& path) {
    H5::FileAccPropList fapl;
    // Files are replaced by rename, never written in place: no lock is needed to read one.
    H5Pset_file_locking(fapl.getId(), false, true);
    try {
        return H5::H5File(path, H5F_ACC_RDONLY, H5::FileCreatPropList::DEFAULT, fapl);
    } catch (const H5::Exception&) {  // it has HDF5's signature, so the rest is missing or broken
        throw RunFileError(path + ": HDF5 cannot open it: the file is truncated or damaged");
    }
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
        const h5::ReadLimit limit(std::filesystem::file_size(path));
        Reader reader{path, openForReading(path)};
        RunData run;
        reader.readSummary(run);
        if (full) reader.readState(run);
        return run;  // the file closes here: nothing is held open between calls
    } catch (const RunFileError&) {
        throw;
    } catch (const std::length_error& e) {  // a declared size the file cannot hold (ReadLimit)
        throw RunFileError(path + ": " + e.what() + ": the file is damaged");
    } catch (const std::runtime_error& e) {  // an array of a type or kind a run file never holds
        throw RunFileError(path + ": " + e.what());
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
