#include "insight/DatasetMap.h"

#include <algorithm>
#include <cmath>

namespace strata {

namespace {

MapRegion regionOf(double mean, double variability) {
    if (variability >= kAmbiguousVariability) return MapRegion::Ambiguous;
    return mean >= kEasyMean ? MapRegion::Easy : MapRegion::Hard;
}

MapPoint pointOf(const ExampleSet& set, int64_t image) {
    const int64_t epochs = set.epochs();
    MapPoint pt;
    pt.image = image;
    pt.path = set.paths[size_t(image)];
    pt.label = int(set.labels[size_t(image)]);
    pt.preferred = set.predictedAt(epochs - 1, image);
    pt.lastProbability = set.probabilityAt(epochs - 1, image);
    double sum = 0, squares = 0;
    int64_t right = 0;
    for (int64_t e = 0; e < epochs; ++e) {
        const double p = set.probabilityAt(e, image);
        sum += p;
        squares += p * p;
        right += set.predictedAt(e, image) == pt.label;
    }
    pt.meanProbability = sum / double(epochs);
    pt.variability = std::sqrt(std::max(0.0, squares / double(epochs) - pt.meanProbability * pt.meanProbability));
    pt.correctFraction = double(right) / double(epochs);
    pt.region = regionOf(pt.meanProbability, pt.variability);
    return pt;
}

// Whether `a` is a better candidate than `b`.
bool better(const MapPoint& a, const MapPoint& b, MapRanking ranking) {
    switch (ranking) {
    case MapRanking::Hardest:
        if (a.correctFraction != b.correctFraction) return a.correctFraction < b.correctFraction;
        return a.meanProbability < b.meanProbability;
    case MapRanking::Ambiguous: return a.variability > b.variability;
    case MapRanking::Mislabeled:
    default: return a.meanProbability + a.variability < b.meanProbability + b.variability;
    }
}

}  // namespace

const char* regionName(MapRegion region) {
    switch (region) {
    case MapRegion::Ambiguous: return "ambiguous";
    case MapRegion::Hard: return "hard";
    case MapRegion::Easy:
    default: return "easy";
    }
}

std::string missingRecordMessage(bool validation) {
    return std::string("the run has no per-example record") + (validation ? " of validation images" : "") +
           " (it was trained before Strata kept one, or for no complete epoch); "
           "train it again (strata train) to get one";
}

std::vector<MapPoint> datasetMap(const ExampleSet& set) {
    std::vector<MapPoint> points;
    if (set.epochs() == 0) return points;
    points.reserve(size_t(set.images()));
    for (int64_t i = 0; i < set.images(); ++i) points.push_back(pointOf(set, i));
    return points;
}

std::vector<MapPoint> rankMap(std::vector<MapPoint> points, MapRanking ranking, int64_t count) {
    std::stable_sort(points.begin(), points.end(),
                     [ranking](const MapPoint& a, const MapPoint& b) { return better(a, b, ranking); });
    if (count >= 0 && size_t(count) < points.size()) points.resize(size_t(count));
    return points;
}

}  // namespace strata
