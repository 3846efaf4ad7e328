#pragma once
// The per-example record of a training (docs/ARCHITECTURE.md §8, group "/examples"): for every
// training and validation image, at each epoch's end, the probability the network gave its
// folder label and the class it predicted. Kept compact for large folders: probabilities are
// quantized to uint16 (p * 65535, rounded), classes are uint16, rows are epochs, and the
// datasets are chunked and deflated where the HDF5 library has deflate.
// 60,000 images x 20 epochs: 4.8 MB before compression. Torch-free.
#include <cstdint>
#include <string>
#include <vector>

namespace strata {

struct ExampleSet {
    std::vector<std::string> paths;      // one per image, in the order of the columns
    std::vector<int64_t> labels;         // folder label (class index) per image
    std::vector<uint16_t> probability;   // [epochs x images], row-major: quantized p(label)
    std::vector<uint16_t> predicted;     // [epochs x images]: argmax class

    int64_t images() const { return int64_t(paths.size()); }
    int64_t epochs() const { return paths.empty() ? 0 : int64_t(probability.size() / paths.size()); }
    double probabilityAt(int64_t epoch, int64_t image) const {
        return double(probability[size_t(epoch * images() + image)]) / 65535.0;
    }
    int predictedAt(int64_t epoch, int64_t image) const { return predicted[size_t(epoch * images() + image)]; }
    // Appends one epoch's row; p is clamped to [0, 1] before quantizing.
    void appendEpoch(const std::vector<float>& p, const std::vector<int>& classes);
};

struct ExampleRecord {
    ExampleSet train, val;
    bool present() const { return train.images() > 0; }
    int64_t epochs() const { return train.epochs(); }
};

}  // namespace strata
