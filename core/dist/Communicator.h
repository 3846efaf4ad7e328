#pragma once
// This process's membership of a data-parallel process group: torch's own c10d with the Gloo
// backend over a TCPStore rendezvous, started like torchrun (MASTER_ADDR, MASTER_PORT, RANK,
// WORLD_SIZE). The c10d headers stay in the .cpp; callers see tensors and plain errors.
#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace strata {

// A peer died, timed out or could not be reached. The message names this rank and the
// operation; the trainer lets it end the run (exit 1 on the command line).
class DistributedError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Rendezvous {
    std::string address;  // MASTER_ADDR: where rank 0's TCPStore listens
    int port = 0;         // MASTER_PORT
    int rank = 0, worldSize = 1;
    // How long to wait for the other ranks to join, and for any one collective to complete:
    // a missing or hung peer becomes a DistributedError after this long instead of a hang.
    std::chrono::milliseconds timeout{60000};

    // MASTER_ADDR and MASTER_PORT from the environment (required, as for torch's env://),
    // STRATA_DIST_TIMEOUT (seconds, default 60). Throws std::invalid_argument naming the
    // variable when one is missing or malformed.
    static Rendezvous fromEnvironment(int rank, int worldSize);
};

class Communicator {
public:
    // Joins the group: rank 0 serves the TCPStore, the others connect to it; returns once
    // every rank has joined. Throws DistributedError when that takes longer than the timeout.
    explicit Communicator(const Rendezvous& where);
    ~Communicator();
    Communicator(const Communicator&) = delete;
    Communicator& operator=(const Communicator&) = delete;

    int rank() const { return rank_; }
    int worldSize() const { return worldSize_; }

    // In place, on dense contiguous CPU tensors. All collectives are launched before any is
    // waited for, so Gloo may overlap them; every rank must call with the same shapes in the
    // same order. `what` names the operation in errors ("gradient all-reduce").
    void allReduceSum(std::vector<torch::Tensor>& tensors, const char* what);
    void broadcast(std::vector<torch::Tensor>& tensors, int root, const char* what);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    int rank_ = 0, worldSize_ = 1;
};

}  // namespace strata
