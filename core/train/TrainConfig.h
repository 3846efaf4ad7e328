#pragma once
// Every training setting, with the defaults of docs/ARCHITECTURE.md §7. Torch-free: the studio fills
// one of these from its settings panel.
#include <nlohmann/json.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace strata {

struct TrainConfig {
    std::string data;       // training image folder
    std::string val;        // optional validation folder
    double valSplit = 0.0;  // fraction of `data` held out when `val` is empty
    std::string test;       // optional test folder, evaluated after the last epoch
    // Train on the first fraction of each class of `data` by file name (data/DataFraction.h),
    // after the validation split: the same images for every run with the same folder.
    double dataFraction = 1.0;
    int epochs = 10;
    int batchSize = 64;
    std::string optimizer = "adam";  // sgd | adam | adamw
    double lr = 1e-3;
    double momentum = 0.9;
    double weightDecay = 0.0;
    std::string schedule = "none";  // none | cosine | step
    std::string augment = "none";   // none, or a +-joined set of flip crop rotate jitter erase (data/Augmentation.h)
    // Class imbalance (train/ClassBalance.h): "auto" weighs the loss by inverse class frequency;
    // "balanced" draws each epoch's images with probability proportional to 1/class count.
    std::string classWeights = "none";  // none | auto
    std::string sampler = "shuffle";    // shuffle | balanced
    int64_t seed = 0;
    int threads = 0;  // 0: number of cores
    // Memory for decoded images ("2G", "512M"; "" = half of MemAvailable, data/ByteSize.h):
    // a folder larger than this is read a batch at a time from its decode cache.
    std::string dataMemory;
    std::string run;  // run file path
    bool resume = false;
    std::string precision = "fp32";  // fp32 | bf16 | auto (choosePrecision in compile/Precision.h)
    // Feature snapshots at each epoch end (the studio asks; `strata train --features`).
    bool features = false;
    std::string probeImage;  // image for activations and saliency; "" = the first training image
    // Data-parallel training: this process's rank among world_size (docs/ARCHITECTURE.md §10).
    int rank = 0;
    int worldSize = 1;
    // Transfer (docs/ARCHITECTURE.md §3): start from a trained run's weights where nodes match
    // by id, type and shapes; keep its mean/std unless `restat`. Freezing is a setting, not part
    // of the design: `freeze` node ids, and every node with parameters up to `freezeThrough`.
    // A resumed run ignores `initFrom` (its weights are its own) and keeps its recorded freeze.
    std::string initFrom;
    bool restat = false;
    std::vector<std::string> freeze;
    std::string freezeThrough;

    // Throws std::invalid_argument naming the field for an out-of-range value.
    void validate() const;
    // The /config attrs of the run file (settings only; the trainer adds classes, mean, std).
    nlohmann::json toJson() const;
    // The inverse of toJson for the keys it finds (a run's /config); others keep `base`'s.
    static TrainConfig fromJson(const nlohmann::json& j, TrainConfig base);
    static TrainConfig fromJson(const nlohmann::json& j);
    // Settings that must match on --resume (all but epochs, threads, test and run).
    static const char* const kResumeKeys[];
};

}  // namespace strata
