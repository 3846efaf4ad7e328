#pragma once
// Exact per-channel sums of decoded uint8 pixels, from which the folder's mean and standard
// deviation follow (docs/ARCHITECTURE.md §6 step 5). Integer sums do not depend on the order the
// images are added in, so a folder streamed through in windows gets exactly the statistics of
// the whole folder in memory. Torch-free.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace strata {

struct ChannelSums {
    int channels = 0;
    size_t plane = 0;            // pixels per channel of one image
    int64_t images = 0;
    std::vector<uint64_t> sum, sumSquares;  // per channel

    ChannelSums() = default;
    ChannelSums(int channels, size_t plane);
    // One planar C*H*W image.
    void add(const uint8_t* image);
    // Mean and std of the values scaled to [0, 1]; a channel with std < 1e-6 gets 1.
    void meanStd(std::vector<double>& mean, std::vector<double>& stdev) const;
};

}  // namespace strata
