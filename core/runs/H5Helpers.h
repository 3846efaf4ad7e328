#pragma once
// Small HDF5 C++ API helpers shared by the run file's writer and reader. Internal to runs/.
#include <H5Cpp.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace strata::h5 {

// The Debian HDF5 build is not thread-safe: every run-file call holds this lock, so the
// trainer's writes and the runs panel's reads in one process never overlap inside HDF5.
std::mutex& libraryMutex();
// Stops HDF5 printing its error stack to stderr: a bad file becomes one RunFileError instead.
void silenceErrors();

// Variable-length UTF-8 strings: what h5py writes for str and reads back as str.
H5::StrType utf8Type();
// h5py's bool: an int8 enum {FALSE = 0, TRUE = 1}; numpy reads it as numpy.bool_.
H5::EnumType boolType();
bool isBool(const H5::AbstractDs& ds);  // attribute or dataset of boolType()

// Groups that remember link creation order, so arrays read back in the order written (a
// checkpoint lists parameters in module order, which the panels show).
H5::Group createOrderedGroup(const H5::Group& parent, const std::string& name);
// Child link names in creation order when the group tracks it, else in name order (files
// written by other tools).
std::vector<std::string> childNames(const H5::Group& group);

void writeStringAttr(H5::H5Object& obj, const std::string& name, const std::string& value);
void writeStringListAttr(H5::H5Object& obj, const std::string& name,
                         const std::vector<std::string>& values);
void writeInt64Attr(H5::H5Object& obj, const std::string& name, int64_t value);

// Scalar string attribute, fixed or variable length.
std::string readString(const H5::Attribute& attr);
// 1-D string attribute, fixed or variable length.
std::vector<std::string> readStringList(const H5::Attribute& attr);
int64_t readInt64(const H5::Attribute& attr);
// Number of elements of a dataspace; 1 for scalar, 0 for a null dataspace.
hsize_t elementCount(const H5::DataSpace& space);

}  // namespace strata::h5
