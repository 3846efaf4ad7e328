#pragma once
// "/config" of the run file: one HDF5 attribute per key of a flat JSON object, typed so that
// h5py shows natural values. Internal to runs/.
//
//   string                  -> variable-length UTF-8 string      (h5py: str)
//   integer                 -> int64                             (h5py: numpy.int64)
//   float                   -> float64                           (h5py: numpy.float64)
//   bool                    -> h5py's bool enum, int8 FALSE/TRUE (h5py: numpy.bool_)
//   array of strings        -> 1-D variable-length UTF-8 strings (h5py: array of str)
//   array of integers       -> 1-D int64; with any float, 1-D float64
//   array of bools          -> 1-D bool enum
//   empty array             -> 1-D float64 of length 0
//   anything else (object, null, mixed or nested array)
//                           -> its JSON text as a string attribute, the key listed in the
//                              attribute "_json_keys" so it reads back as JSON, not text
//
// Reading restores the same JSON, except that an array of numbers that mixed integers and
// floats comes back all floats (equal by value), and an empty array of any kind is [].
#include <H5Cpp.h>
#include <nlohmann/json.hpp>

namespace strata::h5 {

inline constexpr const char* kJsonKeysAttr = "_json_keys";

// Throws std::invalid_argument for a config that is not an object or uses kJsonKeysAttr.
void writeConfigAttrs(H5::Group& group, const nlohmann::json& config);
// Throws std::runtime_error naming the attribute for a type it cannot map back.
nlohmann::json readConfigAttrs(const H5::Group& group);

}  // namespace strata::h5
