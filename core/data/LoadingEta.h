#pragma once
// The time left of a folder's loading pass (its first decode can take minutes), from the rate
// so far: the command line's progress lines and the studio's Training panel both show it.
// Header-only and torch-free.
#include <chrono>
#include <cstdint>

namespace strata {

class LoadingEta {
public:
    // Seconds left once `done` of `total` images are loaded; -1 while it is too early to say
    // (nothing done yet, or under a second in). A `done` of 0 or below the last one starts a
    // new pass.
    double update(int64_t done, int64_t total,
                  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) {
        if (!started_ || done == 0 || done < last_) {
            start_ = now;
            started_ = true;
        }
        last_ = done;
        const double elapsed = std::chrono::duration<double>(now - start_).count();
        if (done <= 0 || done >= total || elapsed < 1.0) return -1;
        return elapsed * double(total - done) / double(done);
    }

private:
    std::chrono::steady_clock::time_point start_;
    bool started_ = false;
    int64_t last_ = 0;
};

}  // namespace strata
