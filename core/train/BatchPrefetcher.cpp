#include "train/BatchPrefetcher.h"

#include <algorithm>
#include <stdexcept>

namespace strata {

BatchPrefetcher::BatchPrefetcher(int64_t count, std::function<Batch(int64_t)> assemble, int depth)
    : count_(count), assemble_(std::move(assemble)), depth_(size_t(std::max(1, depth))) {
    thread_ = std::thread([this] { work(); });
}

BatchPrefetcher::~BatchPrefetcher() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void BatchPrefetcher::work() {
    for (int64_t b = 0; b < count_; ++b) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            changed_.wait(lock, [&] { return stopping_ || ready_.size() < depth_; });
            if (stopping_) return;
        }
        Batch batch;
        try {
            batch = assemble_(b);
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            error_ = std::current_exception();
            changed_.notify_all();
            return;  // later batches would need the state this one failed to reach
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ready_.push_back(std::move(batch));
        }
        changed_.notify_all();
    }
}

Batch BatchPrefetcher::next() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (taken_ >= count_) throw std::out_of_range("no batch after the last one");
    changed_.wait(lock, [&] { return !ready_.empty() || error_; });
    if (ready_.empty()) std::rethrow_exception(error_);
    Batch batch = std::move(ready_.front());
    ready_.pop_front();
    ++taken_;
    lock.unlock();
    changed_.notify_all();
    return batch;
}

}  // namespace strata
