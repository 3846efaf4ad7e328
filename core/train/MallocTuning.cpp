#include "train/MallocTuning.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace strata {

bool tuneMallocForTraining() {
#if defined(__GLIBC__)
    // Setting either value also turns off glibc's dynamic adjustment of both, so set both.
    return mallopt(M_MMAP_THRESHOLD, int(kMmapThreshold)) == 1 && mallopt(M_TRIM_THRESHOLD, int(kTrimThreshold)) == 1 &&
           mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_ARENA_MAX, 1) == 1;
#else
    return false;
#endif
}

}  // namespace strata
