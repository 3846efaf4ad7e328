#include "dist/Buckets.h"

#include <stdexcept>

namespace strata {

BucketPlan::BucketPlan(const std::vector<torch::Tensor>& like, int64_t maxBytes) {
    std::vector<int64_t> sizes;           // elements per bucket
    std::vector<c10::ScalarType> dtypes;  // dtype per bucket
    for (const auto& t : like) {
        const int64_t bytes = t.numel() * int64_t(t.element_size());
        const bool fitsLast = !sizes.empty() && dtypes.back() == t.scalar_type() &&
                              (sizes.back() * int64_t(t.element_size()) + bytes <= maxBytes);
        if (!fitsLast) {
            sizes.push_back(0);
            dtypes.push_back(t.scalar_type());
        }
        slots_.push_back({sizes.size() - 1, sizes.back(), t.numel(), t.scalar_type()});
        sizes.back() += t.numel();
    }
    for (size_t b = 0; b < sizes.size(); ++b) flats_.push_back(torch::empty({sizes[b]}, torch::TensorOptions(dtypes[b])));
}

bool BucketPlan::fits(const std::vector<torch::Tensor>& tensors) const {
    if (tensors.size() != slots_.size()) return false;
    for (size_t i = 0; i < tensors.size(); ++i)
        if (!tensors[i].defined() || tensors[i].numel() != slots_[i].numel || tensors[i].scalar_type() != slots_[i].dtype)
            return false;
    return true;
}

void BucketPlan::pack(const std::vector<torch::Tensor>& tensors) {
    if (!fits(tensors)) throw std::logic_error("BucketPlan::pack: tensors differ from the plan");
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < tensors.size(); ++i) {
        const Slot& s = slots_[i];
        flats_[s.bucket].narrow(0, s.offset, s.numel).copy_(tensors[i].reshape({-1}));
    }
}

void BucketPlan::unpack(const std::vector<torch::Tensor>& tensors) const {
    if (!fits(tensors)) throw std::logic_error("BucketPlan::unpack: tensors differ from the plan");
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < tensors.size(); ++i) {
        const Slot& s = slots_[i];
        tensors[i].copy_(flats_[s.bucket].narrow(0, s.offset, s.numel).view(tensors[i].sizes()));
    }
}

}  // namespace strata
