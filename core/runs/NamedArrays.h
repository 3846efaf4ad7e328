#pragma once
// "/checkpoint", "/optimizer" and "/features" of the run file: one dataset per NamedArray,
// with its shape (shape {} is a scalar dataspace) and type (float32, int64, uint8). A '/' in
// a name makes subgroups ("conv1/filters"); '.' is an ordinary character ("conv1.weight").
// Internal to runs/.
#include "runs/RunFile.h"

#include <H5Cpp.h>
#include <vector>

namespace strata::h5 {

// Throws std::invalid_argument for an empty name or name part, or data whose size does not
// match the shape.
void writeNamedArrays(H5::Group& group, const std::vector<NamedArray>& arrays);
// Reads every dataset under `group`, subgroups included, in creation order (a subgroup's
// arrays follow each other). Throws std::runtime_error, naming the array as
// `shownPrefix + name` ("/checkpoint/c1.weight"), for a dataset of another type than float32,
// int64 or uint8, a link, or any other object; std::length_error for a size the file cannot hold.
std::vector<NamedArray> readNamedArrays(const H5::Group& group, const std::string& shownPrefix);

}  // namespace strata::h5
