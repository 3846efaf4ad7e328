#pragma once
// Assembles the batches of one epoch on a helper thread, a couple ahead of the training step,
// so the next batch is ready when a step ends. Batches are made strictly in order by one
// thread, so a generator used by the assemble function (augmentation) is drawn in the same
// order as without prefetching: same batches, same weights.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "train/BatchAssembler.h"

namespace strata {

class BatchPrefetcher {
public:
    // Calls assemble(0), assemble(1), ... assemble(count - 1) on the helper thread, keeping at
    // most `depth` finished batches waiting.
    BatchPrefetcher(int64_t count, std::function<Batch(int64_t)> assemble, int depth = 2);
    // Stops the helper (after the batch it is making) and joins it; unconsumed batches are dropped.
    ~BatchPrefetcher();
    BatchPrefetcher(const BatchPrefetcher&) = delete;
    BatchPrefetcher& operator=(const BatchPrefetcher&) = delete;

    // The next batch in order; blocks until it is ready. Rethrows what assemble threw for it.
    // Throws std::out_of_range after the last batch.
    Batch next();

private:
    void work();

    const int64_t count_;
    const std::function<Batch(int64_t)> assemble_;
    const size_t depth_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Batch> ready_;
    std::exception_ptr error_;  // for the batch after those in ready_
    int64_t taken_ = 0;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace strata
