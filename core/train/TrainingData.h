#pragma once
// The decoded data of one training: the training folder (and a separate validation folder),
// the normalization statistics and the train/validation split. Internal to core (torch).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "data/ImageFolder.h"
#include "runs/RunFile.h"
#include "train/Batches.h"
#include "train/TrainConfig.h"

namespace strata {

struct TrainingData {
    DecodedImages images;  // the training folder, without its pixels: they live in `train`
    std::vector<double> mean, stdev;
    std::unique_ptr<BatchSource> train, val;  // val: only for a separate validation folder
    std::vector<int64_t> trainIdx, valIdx;    // valIdx index `val` when set, else `train`
    std::vector<std::string> valPaths;        // the validation folder's paths (feature snapshots)
    int64_t dataMemory = -1;                  // the budget for decoded images in bytes (-1: none)
    bool streamed = false;                    // the training folder is read a batch at a time

    bool hasVal() const { return !valIdx.empty(); }
    const BatchSource& valSource() const { return val ? *val : *train; }
    int classCount() const { return int(images.classes.size()); }
};

// Decodes the training folder (and validation folder), fixes the normalization statistics
// (those recorded in `statsFrom` when set: the resumed run, or the run a transfer starts from)
// and splits off validation when asked.
TrainingData loadTrainingData(const TrainConfig& cfg, const ImageSpec& spec, const RunData* statsFrom,
                              const std::function<void(int64_t, int64_t)>& progress,
                              const std::function<void(const std::string&)>& log);

// A validation or test folder, in memory or streamed within `budget` bytes (-1: no limit) and
// normalized by the training statistics: its skips reported, its classes those of training
// (DataError naming the folder otherwise).
struct LabeledSource {
    std::unique_ptr<BatchSource> source;
    std::vector<std::string> paths;
};
LabeledSource loadLabeledSource(const std::string& dir, const char* role, const ImageSpec& spec, int threads,
                                int64_t budget, const TrainingData& training, const std::string& trainDir,
                                const std::function<void(const std::string&)>& log);

}  // namespace strata
