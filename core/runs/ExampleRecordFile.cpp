#include "runs/ExampleRecordFile.h"

#include "storage/H5Attributes.h"
#include "storage/H5Groups.h"

#include <stdexcept>

namespace strata::h5 {

namespace {

void writePaths(H5::Group& g, const std::vector<std::string>& paths) {
    const hsize_t n = paths.size();
    std::vector<const char*> ptrs;
    ptrs.reserve(paths.size());
    for (const std::string& p : paths) ptrs.push_back(p.c_str());
    const H5::StrType str = utf8Type();
    H5::DataSet ds = g.createDataSet("paths", str, H5::DataSpace(1, &n));
    if (n) ds.write(ptrs.data(), str);
}

template <typename T>
void writeArray(H5::Group& g, const char* name, const std::vector<T>& v, const H5::PredType& file,
                const H5::PredType& mem, std::vector<hsize_t> dims) {
    H5::DataSet ds = g.createDataSet(name, file, H5::DataSpace(int(dims.size()), dims.data()));
    if (!v.empty()) ds.write(v.data(), mem);
}

void writeSet(H5::Group& parent, const char* name, const ExampleSet& set) {
    H5::Group g = createOrderedGroup(parent, name);
    const hsize_t n = hsize_t(set.images()), e = hsize_t(set.epochs());
    writePaths(g, set.paths);
    writeArray(g, "labels", set.labels, H5::PredType::STD_I64LE, H5::PredType::NATIVE_INT64, {n});
    writeArray(g, "probability", set.probability, H5::PredType::STD_U16LE, H5::PredType::NATIVE_UINT16, {e, n});
    writeArray(g, "predicted", set.predicted, H5::PredType::STD_U16LE, H5::PredType::NATIVE_UINT16, {e, n});
}

std::vector<std::string> readPaths(const H5::DataSet& ds, const std::string& shown) {
    const hsize_t n = readCount(ds.getSpace(), sizeof(char*), shown);
    std::vector<std::string> out;
    if (n == 0) return out;
    if (ds.getTypeClass() != H5T_STRING || !ds.getStrType().isVariableStr())
        throw std::runtime_error(shown + " is not a list of strings");
    const H5::StrType mem = utf8Type();
    std::vector<char*> ptrs(n, nullptr);
    ds.read(ptrs.data(), mem);
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    H5::DataSpace space = ds.getSpace();
    H5Dvlen_reclaim(mem.getId(), space.getId(), H5P_DEFAULT, ptrs.data());
    return out;
}

template <typename T>
std::vector<T> readArray(const H5::DataSet& ds, const H5::PredType& mem, const std::string& shown) {
    if (ds.getTypeClass() != H5T_INTEGER) throw std::runtime_error(shown + " is not an integer array");
    std::vector<T> v(readCount(ds.getSpace(), sizeof(T), shown));
    if (!v.empty()) ds.read(v.data(), mem);
    return v;
}

H5::DataSet dataset(const H5::Group& g, const std::string& name, const std::string& shown) {
    if (!g.nameExists(name) || g.childObjType(name) != H5O_TYPE_DATASET)
        throw std::runtime_error("missing dataset " + shown);
    return g.openDataSet(name);
}

ExampleSet readSet(const H5::Group& parent, const std::string& name) {
    ExampleSet set;
    if (!parent.nameExists(name)) return set;
    const std::string at = "/examples/" + name + "/";
    const H5::Group g = parent.openGroup(name);
    set.paths = readPaths(dataset(g, "paths", at + "paths"), at + "paths");
    set.labels = readArray<int64_t>(dataset(g, "labels", at + "labels"), H5::PredType::NATIVE_INT64, at + "labels");
    set.probability = readArray<uint16_t>(dataset(g, "probability", at + "probability"),
                                          H5::PredType::NATIVE_UINT16, at + "probability");
    set.predicted = readArray<uint16_t>(dataset(g, "predicted", at + "predicted"), H5::PredType::NATIVE_UINT16,
                                        at + "predicted");
    const size_t n = set.paths.size();
    const bool consistent = set.labels.size() == n && set.predicted.size() == set.probability.size() &&
                            (n == 0 ? set.probability.empty() : set.probability.size() % n == 0);
    if (!consistent) throw std::runtime_error(at + " arrays disagree in size");
    return set;
}

}  // namespace

void writeExampleRecord(H5::H5File& file, const ExampleRecord& record) {
    if (!record.present()) return;
    H5::Group g = createOrderedGroup(file, "examples");
    writeSet(g, "train", record.train);
    if (record.val.images() > 0) writeSet(g, "val", record.val);
}

void readExampleRecord(const H5::H5File& file, ExampleRecord& record) {
    if (!file.nameExists("examples")) return;
    if (file.childObjType("examples") != H5O_TYPE_GROUP) throw std::runtime_error("/examples is not a group");
    const H5::Group g = file.openGroup("examples");
    record.train = readSet(g, "train");
    record.val = readSet(g, "val");
}

}  // namespace strata::h5
