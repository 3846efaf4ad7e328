#include "data/ChannelSums.h"

#include <algorithm>
#include <cmath>

namespace strata {

ChannelSums::ChannelSums(int channels_, size_t plane_)
    : channels(channels_), plane(plane_), sum(size_t(channels_), 0), sumSquares(size_t(channels_), 0) {}

void ChannelSums::add(const uint8_t* image) {
    // Exact: x^2 <= 65025, overflow needs ~1e14 pixels.
    for (int c = 0; c < channels; ++c) {
        const uint8_t* p = image + size_t(c) * plane;
        uint64_t s = 0, sq = 0;
        for (size_t k = 0; k < plane; ++k) {
            s += p[k];
            sq += uint32_t(p[k]) * p[k];
        }
        sum[size_t(c)] += s;
        sumSquares[size_t(c)] += sq;
    }
    ++images;
}

void ChannelSums::meanStd(std::vector<double>& mean, std::vector<double>& stdev) const {
    mean.assign(size_t(channels), 0.0);
    stdev.assign(size_t(channels), 1.0);
    if (images == 0 || plane == 0) return;
    const double count = double(images) * double(plane);  // the division happens once, in double
    for (int c = 0; c < channels; ++c) {
        const double m = double(sum[size_t(c)]) / count / 255.0;
        const double var = std::max(0.0, double(sumSquares[size_t(c)]) / count / (255.0 * 255.0) - m * m);
        mean[size_t(c)] = m;
        // A constant channel has std 0; 1.0 instead keeps normalization ((x - mean) / std)
        // finite and leaves such a channel merely centred.
        const double s = std::sqrt(var);
        stdev[size_t(c)] = s < 1e-6 ? 1.0 : s;
    }
}

}  // namespace strata
