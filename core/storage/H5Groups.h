#pragma once
// HDF5 groups that keep their children in the order written. Callers hold
// h5::libraryMutex() (storage/H5Lock.h) around every call.
#include <H5Cpp.h>

#include <string>
#include <vector>

namespace strata::h5 {

// Groups that remember link creation order, so arrays read back in the order written (a
// checkpoint lists parameters in module order, which the panels show).
H5::Group createOrderedGroup(const H5::Group& parent, const std::string& name);
// Child link names in creation order when the group tracks it, else in name order (files
// written by other tools).
std::vector<std::string> childNames(const H5::Group& group);

}  // namespace strata::h5
