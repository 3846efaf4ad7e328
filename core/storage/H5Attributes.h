#pragma once
// HDF5 C++ API helpers for h5py-compatible types and scalar/list attributes. Callers hold
// h5::libraryMutex() (storage/H5Lock.h) around every call.
#include <H5Cpp.h>

#include <cstdint>
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

}  // namespace strata::h5
