#include "support/TrainFixtures.h"

#include <random>

namespace strata::test {

TrainConfig tinyTrainConfig(const QString& data, const QString& run, int epochs) {
    TrainConfig c;
    c.data = data.toStdString();
    c.epochs = epochs;
    c.batchSize = 16;
    c.threads = 1;
    c.lr = 0.01;
    c.run = run.toStdString();
    return c;
}

DecodedImages randomDecodedImages(int n, const ImageSpec& spec, unsigned seed) {
    DecodedImages d;
    d.spec = spec;
    std::mt19937 rng(seed);
    d.pixels.resize(size_t(n) * size_t(spec.pixelsPerImage()));
    for (uint8_t& p : d.pixels) p = uint8_t(rng() & 255);
    for (int i = 0; i < n; ++i) d.labels.push_back(i % 3);
    d.classes = {"a", "b", "c"};
    return d;
}

}  // namespace strata::test
