#pragma once
// Runs a scope with one intra-op thread, then restores the count. The probes, projection and
// saliency work on tensors of a few hundred values: with more threads every op pays a
// parallel-region start (and, on a busy machine, waits for descheduled OpenMP workers), which
// made an epoch-end snapshot 50x slower than on one thread. Internal to core/insight.
#include <ATen/Parallel.h>

namespace strata {

class SingleThreaded {
public:
    SingleThreaded() : previous_(at::get_num_threads()) {
        if (previous_ != 1) at::set_num_threads(1);
    }
    ~SingleThreaded() {
        if (previous_ != 1) at::set_num_threads(previous_);
    }
    SingleThreaded(const SingleThreaded&) = delete;
    SingleThreaded& operator=(const SingleThreaded&) = delete;

private:
    int previous_;
};

}  // namespace strata
