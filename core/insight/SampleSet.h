#pragma once
// The dataset sample the feature computations look at (patches, probes, projection,
// confusion), preprocessed by the one contract of docs/ARCHITECTURE.md §6: decodeImage for the uint8
// stage, BatchSource for scaling and normalization. Internal to core/insight (torch).
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "data/ImageFolder.h"
#include "train/Batches.h"

namespace strata {

struct SampleSet {
    torch::Tensor pixels;  // uint8 [N, C, H, W]: what crops are cut from
    torch::Tensor images;  // float [N, C, H, W]: normalized, what the network sees
    torch::Tensor labels;  // int64 [N]
    std::vector<std::string> paths;
    int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

// Up to `count` images of `dir` drawn at random (seeded, so every epoch and command sees the same images), decoded
// to `spec` and normalized with the run's mean and std. The folder's classes must be
// `classes` (DataError naming the folder otherwise); unreadable files are skipped.
SampleSet sampleImageFolder(const std::string& dir, const ImageSpec& spec, const std::vector<double>& mean,
                            const std::vector<double>& stdev, const std::vector<std::string>& classes, int count,
                            uint64_t seed);

// Up to `count` of the `pool` indices of an already decoded source (the trainer's), with the
// path of each (`paths` indexed like the source).
SampleSet sampleBatchSource(const BatchSource& source, const std::vector<int64_t>& pool,
                            const std::vector<std::string>& paths, const std::vector<double>& mean,
                            const std::vector<double>& stdev, int count, uint64_t seed);

// One image file preprocessed like the training data: `normalized` is [1, C, H, W], `pixels`
// [C, H, W] uint8. Throws DataError naming the file when it cannot be decoded.
void loadProbeImage(const std::string& path, const ImageSpec& spec, const std::vector<double>& mean,
                    const std::vector<double>& stdev, torch::Tensor& normalized, torch::Tensor& pixels);

}  // namespace strata
