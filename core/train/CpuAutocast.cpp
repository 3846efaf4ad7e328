#include "train/CpuAutocast.h"

#include <ATen/autocast_mode.h>

namespace strata {

CpuAutocast::CpuAutocast(bool enabled) : enabled_(enabled) {
    if (!enabled_) return;
    previousEnabled_ = at::autocast::is_cpu_enabled();
    previousType_ = at::autocast::get_autocast_cpu_dtype();
    at::autocast::set_cpu_enabled(true);
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::increment_nesting();
}

CpuAutocast::~CpuAutocast() {
    if (!enabled_) return;
    // As Python's autocast.__exit__: the outermost region clears the cast cache.
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    at::autocast::set_cpu_enabled(previousEnabled_);
    at::autocast::set_autocast_cpu_dtype(previousType_);
}

}  // namespace strata
