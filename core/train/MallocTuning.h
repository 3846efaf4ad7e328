#pragma once
// Keeps glibc's malloc from handing training-step memory back to the kernel after every step.
//
// Why: glibc sizes its mmap and trim thresholds from the largest block freed so far, but only
// for blocks up to 32 MiB. A training process frees one bigger block early (the decoded
// Fashion-MNIST set is 47 MiB), so the thresholds stay small; then each step's activations and
// gradients (tens of MiB) are trimmed off the heap when the step frees them and page-faulted
// back, zeroed, in the next step. Measured on the reference CNN with all 60,000 images: a
// quarter of the time in the kernel (clear_page, page faults) and 2,400-2,700 img/s, against
// ~4,000 img/s with fixed thresholds; a 30,000-image set (a 23.5 MiB block) did not show it.
// Fixed thresholds keep freed step memory for reuse, up to kTrimThreshold bytes held idle.
//
// One arena for all threads: the thresholds govern the main arena, but glibc gives other
// threads (the studio's training thread, the batch prefetcher) arenas of 64 MiB heaps, and a
// heap left empty at a step's end is unmapped whatever the thresholds, to be mapped and
// faulted in again next step. Measured in the studio with one training thread on 30,000 images:
// 1,644-1,831 img/s against 2,361-2,407 headless on the main thread; with one arena
// 2,137-2,300 against 2,293-2,388 headless on a thread. The few threads that allocate share
// the arena's lock.
//
// No mmap at all: glibc serves every block above the mmap threshold (32 MiB at most) with its
// own mmap, unmapped on free, whatever the trim threshold. At photo sizes single activations
// pass that (64 x 16 x 94 x 94 floats are 36 MiB), so each step faulted them in again. From the
// heap they are reused; and a step's memory at the top of the heap (a few hundred MiB at photo
// sizes) stays below the trim threshold of 1 GiB. When the heap cannot grow, glibc still falls
// back to mmap. Measured with a two-convolution CNN on 60,000 96x96 RGB images: 479 img/s
// before, 1,793-2,138 after (with the data set no longer copied, peak memory 3.4 -> 2.1 GB; with
// a trim threshold of 128 MiB, 893 img/s). The reference CNN is unchanged (3,674-4,441 against
// 3,990-4,019 img/s on the 60,000 Fashion-MNIST images; this VM is noisy).
#include <cstddef>

namespace strata {

constexpr std::size_t kMmapThreshold = std::size_t(32) << 20;  // glibc's largest allowed
constexpr std::size_t kTrimThreshold = std::size_t(1) << 30;

// Sets the thresholds, no mmap for large blocks and the single arena (process-wide; call once at start-up, before any
// thread is started). Returns false where the C library is not glibc or refuses a value,
// leaving its defaults in place.
bool tuneMallocForTraining();

}  // namespace strata
