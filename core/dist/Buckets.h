#pragma once
// Coalescing for collectives, as DDP does it: many small tensors (a network's gradients) are
// packed into a few flat buffers of at most ~25 MB each, so one all-reduce moves a whole
// bucket instead of one call per parameter. The plan is built once and its buffers reused.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace strata {

// DDP's default bucket_cap_mb.
inline constexpr int64_t kBucketBytes = 25 * 1024 * 1024;

class BucketPlan {
public:
    // Tensors are assigned in order; a bucket holds one dtype and at most maxBytes (a single
    // larger tensor gets a bucket of its own).
    explicit BucketPlan(const std::vector<torch::Tensor>& like, int64_t maxBytes = kBucketBytes);

    // Whether `tensors` has the count, dtypes and sizes the plan was built for.
    bool fits(const std::vector<torch::Tensor>& tensors) const;
    void pack(const std::vector<torch::Tensor>& tensors);
    // Copies the buffers back into `tensors` (which may be non-contiguous), in place.
    void unpack(const std::vector<torch::Tensor>& tensors) const;

    std::vector<torch::Tensor>& buffers() { return flats_; }

private:
    struct Slot {
        size_t bucket;
        int64_t offset, numel;
        c10::ScalarType dtype;
    };
    std::vector<torch::Tensor> flats_;
    std::vector<Slot> slots_;
};

}  // namespace strata
