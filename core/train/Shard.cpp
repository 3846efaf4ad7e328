#include "train/Shard.h"

#include <stdexcept>

namespace strata {

namespace {
void checkRank(int rank, int worldSize) {
    if (worldSize < 1 || rank < 0 || rank >= worldSize)
        throw std::invalid_argument("shard: rank " + std::to_string(rank) + " is not in [0, " +
                                    std::to_string(worldSize) + ")");
}
}  // namespace

int64_t shardLength(int64_t n, int worldSize) { return worldSize < 1 ? 0 : n / worldSize; }

std::vector<int64_t> shardOf(const std::vector<int64_t>& order, int rank, int worldSize) {
    checkRank(rank, worldSize);
    if (worldSize == 1) return order;
    const int64_t length = shardLength(int64_t(order.size()), worldSize);
    std::vector<int64_t> shard;
    shard.reserve(size_t(length));
    for (int64_t i = 0; i < length; ++i) shard.push_back(order[size_t(i * worldSize + rank)]);
    return shard;
}

std::vector<int64_t> coveringShardOf(const std::vector<int64_t>& items, int rank, int worldSize) {
    checkRank(rank, worldSize);
    if (worldSize == 1) return items;
    std::vector<int64_t> shard;
    for (size_t i = size_t(rank); i < items.size(); i += size_t(worldSize)) shard.push_back(items[i]);
    return shard;
}

}  // namespace strata
