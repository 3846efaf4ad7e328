// The first fraction of each class, for `--data-fraction` (see DataFraction.h).
#include "data/DataFraction.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace strata {

namespace {

void requireFraction(double fraction) {
    if (!(fraction > 0 && fraction <= 1))  // also refuses NaN
        throw std::invalid_argument("--data-fraction must be greater than 0 and at most 1, got " +
                                    std::to_string(fraction));
}

}  // namespace

int64_t fractionCount(int64_t n, double fraction) {
    requireFraction(fraction);
    if (n <= 0) return 0;
    const double exact = fraction * double(n);
    // 0.1 * 30 is 3.0000000000000004 in binary: a plain ceil would keep 4 images, not 3.
    const double whole = std::round(exact);
    const int64_t count = std::abs(exact - whole) <= 1e-9 * std::max(1.0, exact) ? int64_t(whole)
                                                                                  : int64_t(std::ceil(exact));
    return std::clamp<int64_t>(count, 1, n);
}

std::vector<int64_t> firstFractionOfEachClass(const std::vector<int64_t>& labels,
                                              const std::vector<std::string>& paths,
                                              const std::vector<int64_t>& candidates, double fraction) {
    requireFraction(fraction);
    if (labels.size() != paths.size())
        throw std::invalid_argument("firstFractionOfEachClass: " + std::to_string(labels.size()) + " labels but " +
                                    std::to_string(paths.size()) + " paths");
    // Candidates grouped by class, each class in path order (ties, i.e. the same path twice,
    // by index), whatever order the candidates came in (a split may have shuffled them).
    std::vector<std::vector<int64_t>> byClass;
    for (int64_t i : candidates) {
        if (i < 0 || size_t(i) >= labels.size())
            throw std::invalid_argument("firstFractionOfEachClass: candidate " + std::to_string(i) + " out of range");
        const int64_t label = labels[size_t(i)];
        if (label < 0) throw std::invalid_argument("firstFractionOfEachClass: negative label " + std::to_string(label));
        if (size_t(label) >= byClass.size()) byClass.resize(size_t(label) + 1);
        byClass[size_t(label)].push_back(i);
    }
    std::vector<int64_t> chosen;
    for (std::vector<int64_t>& members : byClass) {
        std::sort(members.begin(), members.end(), [&](int64_t a, int64_t b) {
            const std::string &pa = paths[size_t(a)], &pb = paths[size_t(b)];
            return pa != pb ? pa < pb : a < b;
        });
        members.erase(std::unique(members.begin(), members.end()), members.end());  // a repeated candidate counts once
        const int64_t keep = fractionCount(int64_t(members.size()), fraction);
        chosen.insert(chosen.end(), members.begin(), members.begin() + keep);
    }
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

std::vector<int64_t> firstFractionOfEachClass(const DecodedImages& images, double fraction) {
    std::vector<int64_t> all(images.labels.size());
    std::iota(all.begin(), all.end(), int64_t(0));
    return firstFractionOfEachClass(images.labels, images.paths, all, fraction);
}

}  // namespace strata
