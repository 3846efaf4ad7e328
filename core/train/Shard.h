#pragma once
// Data sharding for data-parallel training (a loader option: the trainer applies it to each
// epoch's seeded order). Torch-free.
#include <cstdint>
#include <vector>

namespace strata {

// Rank `rank`'s shard of one epoch's order: elements rank, rank + W, rank + 2W, ... (as
// torch's DistributedSampler), taken from the first shardLength(n, W) * W elements. Every
// rank gets the same number of samples, hence the same number of steps (unequal step counts
// would leave a rank waiting forever in an all-reduce); the up to W - 1 samples past that are
// left out of this epoch (the seeded order changes every epoch, so different ones each time).
// Shards of one order are disjoint. With worldSize 1 the order is returned unchanged.
std::vector<int64_t> shardOf(const std::vector<int64_t>& order, int rank, int worldSize);
int64_t shardLength(int64_t n, int worldSize);

// For evaluation, where nothing may be left out: elements rank, rank + W, ... of all of
// `items`; the shards are disjoint and cover `items` (their lengths differ by at most one).
std::vector<int64_t> coveringShardOf(const std::vector<int64_t>& items, int rank, int worldSize);

}  // namespace strata
