#include "runs/ExampleRecord.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace strata {

void ExampleSet::appendEpoch(const std::vector<float>& p, const std::vector<int>& classes) {
    if (p.size() != paths.size() || classes.size() != paths.size())
        throw std::invalid_argument("an epoch of the example record has " + std::to_string(p.size()) +
                                    " values for " + std::to_string(paths.size()) + " images");
    for (size_t i = 0; i < p.size(); ++i) {
        const double clamped = std::clamp(std::isfinite(p[i]) ? double(p[i]) : 0.0, 0.0, 1.0);
        probability.push_back(uint16_t(std::lround(clamped * 65535.0)));
        predicted.push_back(uint16_t(std::clamp(classes[i], 0, 65535)));
    }
}

}  // namespace strata
