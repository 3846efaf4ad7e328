#pragma once
// The process-wide HDF5 lock, shared by every HDF5 user in core (run files, decode caches).
#include <mutex>

namespace strata::h5 {

// The Debian HDF5 build is not thread-safe: every HDF5 call holds this lock, so the trainer's
// writes, the runs panel's reads and a dataset scan in one process never overlap inside HDF5.
std::mutex& libraryMutex();
// Stops HDF5 printing its error stack to stderr: a bad file becomes one exception of ours instead.
void silenceErrors();

}  // namespace strata::h5
