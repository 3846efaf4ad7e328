#pragma once
// "/examples" of the run file (runs/ExampleRecord.h): a subgroup per split ("train", "val"),
// each with datasets "paths" (variable-length UTF-8), "labels" (int64 [images]),
// "probability" and "predicted" (uint16 [epochs, images]). Absent in runs trained before it
// existed. Not compressed: ReadLimit (storage/H5Attributes.h) relies on every value being in
// the file. Internal to runs/; callers hold h5::libraryMutex().
#include <H5Cpp.h>

#include "runs/ExampleRecord.h"

namespace strata::h5 {

void writeExampleRecord(H5::H5File& file, const ExampleRecord& record);
// Leaves `record` empty when the file has no "/examples"; throws std::runtime_error naming the
// dataset when one is missing or its size does not agree with the others.
void readExampleRecord(const H5::H5File& file, ExampleRecord& record);

}  // namespace strata::h5
