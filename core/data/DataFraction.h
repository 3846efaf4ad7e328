#pragma once
// A share of the training folder for experiments on data size (`strata train --data-fraction F`):
// the first fraction of each class by sorted file name. It is chosen without randomness, so
// every variant of an experiment, and every rerun, trains on the very same images, and a larger
// fraction always contains a smaller one.
#include "data/ImageFolder.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace strata {

// Picks, among `candidates` (indices into `labels` and `paths`: e.g. TrainingData::trainIdx
// after the validation split), the first ceil(fraction * n_c) images of each class c by path,
// where n_c counts the class's candidates; at least 1 for every class with a candidate.
// f * n within 1e-9 of a whole number counts as that number (0.1 * 30 is 3, not 4).
// Returns the chosen indices in ascending order (folder order). The same inputs always give
// the same result. Throws std::invalid_argument when fraction is not in (0, 1]
// ("--data-fraction must be ..."), when labels and paths differ in size, or for a candidate or
// label out of range.
std::vector<int64_t> firstFractionOfEachClass(const std::vector<int64_t>& labels,
                                              const std::vector<std::string>& paths,
                                              const std::vector<int64_t>& candidates, double fraction);

// The same over every image of `images` (its labels and paths; the pixels are not read, so it
// also works on TrainingData::images after the batch source took the pixels).
std::vector<int64_t> firstFractionOfEachClass(const DecodedImages& images, double fraction);

// How many of n images the fraction keeps: ceil(fraction * n) with the tolerance above,
// between 1 and n (0 when n is 0).
int64_t fractionCount(int64_t n, double fraction);

}  // namespace strata
