#include "train/TrainingData.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "data/BoundedFolder.h"
#include "data/ByteSize.h"
#include "data/DataFraction.h"

namespace strata {

namespace {

// Distinct from the epoch seeds, so the split does not follow the first epoch's order.
uint64_t splitSeed(int64_t seed) { return uint64_t(seed) * 0x9E3779B97F4A7C15ull + 1; }

std::string fixed2(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

void logLoaded(const TrainConfig& cfg, const DecodedImages& images, const FolderLoadInfo& loaded,
               const std::function<void(const std::string&)>& log) {
    const bool cacheNoted = !loaded.fromCache && !loaded.cacheNote.empty() && loaded.cacheNote != "no cache file";
    log(cfg.data + ": " + std::to_string(images.count()) + " images " +
        (loaded.fromCache ? "read from the decode cache" : "decoded") + " in " + fixed2(loaded.seconds) + " s" +
        (cacheNoted ? " (cache " + loaded.cacheNote + ")" : ""));
    if (std::string report = skipReport(images); !report.empty()) log(cfg.data + ": " + report);
}

// --val-split: a seeded share of the training folder held out, both halves in folder order.
void splitValidation(const TrainConfig& cfg, TrainingData& d) {
    const int64_t n = d.images.count();
    if (cfg.valSplit <= 0) {
        d.trainIdx.resize(n);
        std::iota(d.trainIdx.begin(), d.trainIdx.end(), 0);
        return;
    }
    std::vector<int64_t> order = shuffledIndices(n, splitSeed(cfg.seed));
    const int64_t nVal = std::max<int64_t>(1, std::llround(cfg.valSplit * double(n)));
    if (nVal >= n) throw DataError(cfg.data + ": too few images for --val-split " + std::to_string(cfg.valSplit));
    d.valIdx.assign(order.begin(), order.begin() + nVal);
    d.trainIdx.assign(order.begin() + nVal, order.end());
    std::sort(d.trainIdx.begin(), d.trainIdx.end());
    std::sort(d.valIdx.begin(), d.valIdx.end());
}

// A folder's pixels as a batch source: taken over from memory, or read from its cache file.
std::unique_ptr<BatchSource> sourceOf(BoundedFolder& folder, const std::vector<double>& mean,
                                      const std::vector<double>& stdev) {
    if (folder.isStreamed())
        return std::make_unique<BatchSource>(BatchSource::streaming(folder.images, folder.streamed, mean, stdev));
    // The batch source takes the pixels over: the data set is never held twice.
    return std::make_unique<BatchSource>(BatchSource::takingPixels(folder.images, mean, stdev));
}

int64_t remainingBudget(int64_t budget, int64_t used) { return budget < 0 ? -1 : std::max<int64_t>(0, budget - used); }

}  // namespace

LabeledSource loadLabeledSource(const std::string& dir, const char* role, const ImageSpec& spec, int threads,
                                int64_t budget, const TrainingData& training, const std::string& trainDir,
                                const std::function<void(const std::string&)>& log) {
    BoundedFolder folder = loadBoundedFolder(dir, spec, threads, budget, {}, log);
    if (folder.images.classes != training.images.classes)
        throw DataError(dir + ": " + role + " classes differ from the training classes in " + trainDir);
    if (std::string report = skipReport(folder.images); !report.empty()) log(dir + ": " + report);
    LabeledSource r;
    r.paths = folder.images.paths;
    r.source = sourceOf(folder, training.mean, training.stdev);
    return r;
}

TrainingData loadTrainingData(const TrainConfig& cfg, const ImageSpec& spec, const RunData* statsFrom,
                              const std::function<void(int64_t, int64_t)>& progress,
                              const std::function<void(const std::string&)>& log) {
    TrainingData d;
    d.dataMemory = resolveDataMemory(cfg.dataMemory);
    BoundedFolder folder = loadBoundedFolder(cfg.data, spec, cfg.threads, d.dataMemory, progress, log);
    d.streamed = folder.isStreamed();
    logLoaded(cfg, folder.images, folder.info, log);
    if (statsFrom) {
        d.mean = statsFrom->config.at("mean").get<std::vector<double>>();
        d.stdev = statsFrom->config.at("std").get<std::vector<double>>();
    } else {
        folder.meanStd(d.mean, d.stdev);
    }
    const int64_t trainBytes = folder.memoryBytes();
    d.train = sourceOf(folder, d.mean, d.stdev);
    d.images = std::move(folder.images);

    splitValidation(cfg, d);
    if (cfg.dataFraction < 1.0) {
        const size_t all = d.trainIdx.size();
        d.trainIdx = firstFractionOfEachClass(d.images.labels, d.images.paths, d.trainIdx, cfg.dataFraction);
        char fraction[32];
        std::snprintf(fraction, sizeof fraction, "%g", cfg.dataFraction);
        log("training on " + std::to_string(d.trainIdx.size()) + " of " + std::to_string(all) + " images: the first " +
            fraction + " of each class (--data-fraction)");
    }
    if (!cfg.val.empty()) {
        LabeledSource val = loadLabeledSource(cfg.val, "validation", spec, cfg.threads,
                                              remainingBudget(d.dataMemory, trainBytes), d, cfg.data, log);
        d.val = std::move(val.source);
        d.valIdx.resize(size_t(d.val->size()));
        d.valPaths = std::move(val.paths);
        std::iota(d.valIdx.begin(), d.valIdx.end(), 0);
    }
    return d;
}

}  // namespace strata
