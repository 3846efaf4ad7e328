#pragma once
// The dataset map of a run (after Swayamdipta et al., 2020, "Dataset Cartography"), from its
// per-example record (runs/ExampleRecord.h). Per image, across the recorded epochs: the mean
// ("confidence") and the population standard deviation ("variability") of the probability of
// its folder label, and the fraction of epochs its prediction was right. Torch-free.
//
// Regions (the paper draws them by eye; these thresholds make them reproducible):
//   ambiguous      variability >= 0.2
//   easy-to-learn  variability <  0.2 and mean >= 0.5
//   hard-to-learn  variability <  0.2 and mean <  0.5
// (0.2 is 40 % of the largest variability a probability can have, 0.5.)
#include <cstdint>
#include <string>
#include <vector>

#include "runs/ExampleRecord.h"

namespace strata {

enum class MapRegion { Easy, Ambiguous, Hard };
const char* regionName(MapRegion region);  // "easy", "ambiguous", "hard"

inline constexpr double kAmbiguousVariability = 0.2;
inline constexpr double kEasyMean = 0.5;

struct MapPoint {
    int64_t image = 0;  // column in the ExampleSet
    std::string path;
    int label = 0;
    int preferred = 0;  // the class predicted at the last epoch
    double meanProbability = 0, variability = 0, correctFraction = 0;
    double lastProbability = 0;  // at the last epoch (its loss is -log of it)
    MapRegion region = MapRegion::Easy;
};

// One point per image; empty for a set without epochs.
std::vector<MapPoint> datasetMap(const ExampleSet& set);

// Why a run has no map and how to get one, as `strata examples` and the studio's Data dock say
// it: "the run has no per-example record (...); train it again ...". `validation`: the record
// exists but holds no validation images.
std::string missingRecordMessage(bool validation);

enum class MapRanking {
    Mislabeled,  // probably mislabeled: lowest mean + variability (confidently wrong, steadily)
    Hardest,     // lowest fraction of epochs right, then lowest mean
    Ambiguous,   // highest variability
};
// The `count` best candidates (all when count < 0), best first; ties by image order.
std::vector<MapPoint> rankMap(std::vector<MapPoint> points, MapRanking ranking, int64_t count);

}  // namespace strata
