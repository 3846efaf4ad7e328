#include "support/RunDamage.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>

#include "runs/RunDigest.h"
#include "runs/RunFileChecksum.h"
#include "storage/H5Lock.h"

namespace strata::test {

namespace {

H5::H5File openRunFile(const QString& path, unsigned flags) {
    h5::silenceErrors();
    H5::FileAccPropList fapl;
    H5Pset_file_locking(fapl.getId(), false, true);
    return H5::H5File(path.toStdString(), flags, H5::FileCreatPropList::DEFAULT, fapl);
}

}  // namespace

void clearFileChecksum(const std::string& path) {
    std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
    const std::string zeros(kUserBlockBytes, '\0');
    if (!f || !f.write(zeros.data(), std::streamsize(zeros.size())))
        throw std::runtime_error(path + ": cannot clear the checksum");
}

void editRunFile(const QString& path, const std::function<void(H5::H5File&)>& edit) {
    {
        std::lock_guard<std::mutex> lock(h5::libraryMutex());
        H5::H5File file = openRunFile(path, H5F_ACC_RDWR);
        edit(file);
    }
    clearFileChecksum(path.toStdString());
}

void replaceDataset(H5::Group group, const std::string& name, const H5::PredType& fileType,
                    const std::vector<hsize_t>& dims, const void* data, const H5::PredType& memType) {
    if (group.nameExists(name)) group.unlink(name);
    const H5::DataSpace space =
        dims.empty() ? H5::DataSpace(H5S_SCALAR) : H5::DataSpace(int(dims.size()), dims.data());
    H5::DataSet ds = group.createDataSet(name, fileType, space);
    if (data) ds.write(data, memType);
}

void setDoublesAttr(H5::H5Object& obj, const std::string& name, const std::vector<double>& values) {
    if (obj.attrExists(name)) obj.removeAttr(name);
    const hsize_t n = values.size();
    obj.createAttribute(name, H5::PredType::IEEE_F64LE, H5::DataSpace(1, &n))
        .write(H5::PredType::NATIVE_DOUBLE, values.data());
}

void fillWithNaN(const QString& path, const std::string& dataset) {
    editRunFile(path, [&](H5::H5File& f) {
        H5::DataSet ds = f.openDataSet(dataset);
        const std::vector<float> nan(size_t(ds.getSpace().getSimpleExtentNpoints()),
                                     std::numeric_limits<float>::quiet_NaN());
        ds.write(nan.data(), H5::PredType::NATIVE_FLOAT);
    });
}

void flipStoredBytes(const QString& path, const std::string& dataset, int count) {
    haddr_t offset = HADDR_UNDEF;
    hsize_t size = 0;
    {
        std::lock_guard<std::mutex> lock(h5::libraryMutex());
        H5::H5File file = openRunFile(path, H5F_ACC_RDONLY);
        H5::DataSet ds = file.openDataSet(dataset);
        if (ds.getTypeClass() != H5T_FLOAT || ds.getDataType().getSize() != 4)
            throw std::runtime_error("flipStoredBytes: " + dataset + " is not float32");
        offset = H5Dget_offset(ds.getId());  // contiguous, uncompressed: the values are these bytes
        size = ds.getStorageSize();
    }
    if (offset == HADDR_UNDEF) throw std::runtime_error("flipStoredBytes: " + dataset + " has no contiguous storage");
    if (size < hsize_t(count) * 2) throw std::runtime_error("flipStoredBytes: " + dataset + " is too small");
    std::fstream f(path.toStdString(), std::ios::in | std::ios::out | std::ios::binary);
    std::mt19937 random(20240501);  // mt19937's sequence is the same everywhere
    std::set<hsize_t> flipped;
    while (int(flipped.size()) < count) {
        const hsize_t at = hsize_t(random()) % size;
        if (at % 4 == 3 || !flipped.insert(at).second) continue;  // little-endian float32: byte 3 is sign + exponent
        const char mask = char(1 + random() % 255);                // never 0: the byte always changes
        char byte = 0;
        f.seekg(std::streamoff(offset + at));
        f.read(&byte, 1);
        byte = char(byte ^ mask);
        f.seekp(std::streamoff(offset + at));
        f.write(&byte, 1);
    }
    f.flush();
    if (!f.good()) throw std::runtime_error("flipStoredBytes: cannot rewrite " + path.toStdString());
}

void removeDigests(const QString& path) {
    editRunFile(path, [](H5::H5File& f) {
        for (const char* part : kDigestParts) {
            const std::string name = std::string(kDigestAttrPrefix) + part;
            if (f.attrExists(name)) f.removeAttr(name);
        }
    });
}

void truncateFile(const QString& path, double fraction) {
    const std::filesystem::path file = path.toStdString();
    std::filesystem::resize_file(file, uintmax_t(double(std::filesystem::file_size(file)) * fraction));
}

}  // namespace strata::test
