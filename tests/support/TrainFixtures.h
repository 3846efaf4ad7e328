#pragma once
// Small, fast inputs for the engine tests: a training setting and decoded images.
#include <QString>

#include "data/ImageFolder.h"
#include "train/TrainConfig.h"

namespace strata::test {

// Trains on `data` for `epochs` with batch 16, one thread and lr 0.01, writing `run`.
TrainConfig tinyTrainConfig(const QString& data, const QString& run, int epochs);

// `n` images of `spec` with seeded random pixels, in classes "a", "b", "c" (image i in i % 3).
DecodedImages randomDecodedImages(int n, const ImageSpec& spec, unsigned seed);

}  // namespace strata::test
