#include "train/FlushDenormals.h"

#include <ATen/Context.h>
#include <omp.h>

namespace strata {

namespace {

// The mode is per thread. libgomp keeps the calling thread's workers in a pool and reuses them
// for every team of up to that size, so one team of `threads` reaches each worker torch's ops
// will run on (thread 0 is the caller itself).
bool setOnEveryThread(int threads, bool on) {
    bool ok = true;
#pragma omp parallel num_threads(threads) reduction(&& : ok)
    ok = at::globalContext().setFlushDenormal(on);
    return ok;
}

}  // namespace

FlushDenormals::FlushDenormals(int threads) : threads_(threads) { active_ = setOnEveryThread(threads_, true); }

FlushDenormals::~FlushDenormals() {
    if (active_) setOnEveryThread(threads_, false);
}

}  // namespace strata
