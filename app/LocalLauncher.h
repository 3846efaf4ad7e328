#pragma once
// Data-parallel launching for `strata train`, POSIX only (no torch here): the torchrun-style
// environment a worker reads (RANK, WORLD_SIZE; MASTER_ADDR and MASTER_PORT are read by the
// engine when it joins the group), and `--nproc N`, which starts N local workers itself.
#include <string>
#include <vector>

namespace strata::cli {

struct WorkerEnvironment {
    bool set = false;  // RANK or WORLD_SIZE was present
    int rank = 0, worldSize = 1;
};

// RANK and WORLD_SIZE from the environment (LOCAL_RANK is ignored: one CPU device per
// process). Throws UsageError naming the variable for a malformed or out-of-range value.
WorkerEnvironment readWorkerEnvironment();

// Starts `nproc` copies of this executable (/proc/self/exe) with `args` (the full argument
// list after the program name, without --nproc) and, for rank r, RANK=r, WORLD_SIZE=nproc,
// LOCAL_RANK=r, LOCAL_WORLD_SIZE=nproc, MASTER_ADDR=127.0.0.1 and MASTER_PORT set to a free
// loopback port. Forwards SIGINT/SIGTERM to the workers and waits for all of them.
//
// If a worker fails (non-zero exit or a signal), the others are sent SIGTERM and, if they
// have not exited STRATA_LAUNCH_GRACE seconds later (default 5), SIGKILL; the launcher then
// prints `error: rank K ...` for the first failure and returns 1 (2 when that worker reported
// bad input, which it has already printed). Returns 0 when all succeed, and the workers'
// 130/143 after a forwarded SIGINT/SIGTERM.
int launchLocalWorkers(int nproc, const std::vector<std::string>& args);

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it back).
int freeLoopbackPort();

}  // namespace strata::cli
