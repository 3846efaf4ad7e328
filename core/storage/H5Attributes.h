#pragma once
// HDF5 C++ API helpers for h5py-compatible types and scalar/list attributes. Callers hold
// h5::libraryMutex() (storage/H5Lock.h) around every call.
#include <H5Cpp.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace strata::h5 {

// Variable-length UTF-8 strings: what h5py writes for str and reads back as str.
H5::StrType utf8Type();
// h5py's bool: an int8 enum {FALSE = 0, TRUE = 1}; numpy reads it as numpy.bool_.
H5::EnumType boolType();
bool isBool(const H5::AbstractDs& ds);  // attribute or dataset of boolType()

void writeStringAttr(H5::H5Object& obj, const std::string& name, const std::string& value);
void writeStringListAttr(H5::H5Object& obj, const std::string& name,
                         const std::vector<std::string>& values);
void writeInt64Attr(H5::H5Object& obj, const std::string& name, int64_t value);
void writeDoubleAttr(H5::H5Object& obj, const std::string& name, double value);

// Scalar string attribute, fixed or variable length.
std::string readString(const H5::Attribute& attr);
// 1-D string attribute, fixed or variable length.
std::vector<std::string> readStringList(const H5::Attribute& attr);
int64_t readInt64(const H5::Attribute& attr);
double readDouble(const H5::Attribute& attr);
// Number of elements of a dataspace; 1 for scalar, 0 for a null dataspace.
hsize_t elementCount(const H5::DataSpace& space);

// A damaged file may declare a dataset of 2^20 x 2^20 values: while a ReadLimit lives on this
// thread, readCount refuses to read more bytes than the file holds (Strata never compresses,
// so every value it wrote is in the file), before anything is allocated.
class ReadLimit {
public:
    explicit ReadLimit(uint64_t fileBytes);
    ~ReadLimit();
    ReadLimit(const ReadLimit&) = delete;
    ReadLimit& operator=(const ReadLimit&) = delete;

private:
    uint64_t previous_;
};
// The element count of `space` for reading elements of `elementBytes` bytes each. Throws
// std::length_error ("WHAT declares 1048576 x 1048576 values (4.4 TB) but the file holds
// 1.7 MB") when they cannot be in the file; overflow-safe.
hsize_t readCount(const H5::DataSpace& space, size_t elementBytes, const std::string& what);

}  // namespace strata::h5
