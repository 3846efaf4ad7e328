// c10d's ProcessGroupGloo and TCPStore, as shipped in libtorch-dev (the Gloo headers come
// from libgloo-dev). USE_C10D_GLOO is what torch's own build defines to expose the class.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include "dist/Communicator.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <cstdio>
#include <cstdlib>

namespace strata {

namespace {

constexpr int kDefaultTimeoutSeconds = 60;

std::string envOr(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : std::string(fallback ? fallback : "");
}

long parseWhole(const std::string& text, const char* variable, long lo, long hi) {
    try {
        size_t used = 0;
        const long v = std::stol(text, &used);
        if (used == text.size() && v >= lo && v <= hi) return v;
    } catch (const std::exception&) {
    }
    throw std::invalid_argument(std::string(variable) + ": expected a whole number in [" + std::to_string(lo) + ", " +
                                std::to_string(hi) + "], got \"" + text + "\"");
}

bool isLoopback(const std::string& address) {
    return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1";
}

std::string seconds(std::chrono::milliseconds t) {
    char text[32];
    std::snprintf(text, sizeof text, "%g s", double(t.count()) / 1000.0);
    return text;
}

}  // namespace

Rendezvous Rendezvous::fromEnvironment(int rank, int worldSize) {
    Rendezvous r;
    r.rank = rank;
    r.worldSize = worldSize;
    r.address = envOr("MASTER_ADDR", nullptr);
    if (r.address.empty())
        throw std::invalid_argument("MASTER_ADDR is not set: data-parallel training (WORLD_SIZE " +
                                    std::to_string(worldSize) + ") needs rank 0's address, or use --nproc N");
    const std::string port = envOr("MASTER_PORT", nullptr);
    if (port.empty()) throw std::invalid_argument("MASTER_PORT is not set: data-parallel training needs rank 0's port");
    r.port = int(parseWhole(port, "MASTER_PORT", 1, 65535));
    const std::string timeout = envOr("STRATA_DIST_TIMEOUT", nullptr);
    if (!timeout.empty())
        r.timeout = std::chrono::milliseconds(1000 * parseWhole(timeout, "STRATA_DIST_TIMEOUT", 1, 86400));
    else
        r.timeout = std::chrono::milliseconds(1000 * kDefaultTimeoutSeconds);
    return r;
}

struct Communicator::Impl {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
    std::string who;  // "rank 1 of 2", for messages

    // Waits for every launched collective; the first failure becomes a DistributedError.
    void waitAll(std::vector<c10::intrusive_ptr<c10d::Work>>& works, const char* what) {
        std::string failure;
        for (auto& w : works) {
            try {
                w->wait();
            } catch (const std::exception& e) {
                if (failure.empty()) failure = e.what();
            }
        }
        if (!failure.empty())
            throw DistributedError(who + ": " + what + " failed; another rank stopped, died or timed out (" +
                                   failure.substr(0, failure.find('\n')) + ")");
    }
};

Communicator::Communicator(const Rendezvous& where)
    : impl_(std::make_unique<Impl>()), rank_(where.rank), worldSize_(where.worldSize) {
    impl_->who = "rank " + std::to_string(rank_) + " of " + std::to_string(worldSize_);
    const std::string endpoint = where.address + ":" + std::to_string(where.port);
    c10d::TCPStoreOptions storeOptions;
    storeOptions.port = uint16_t(where.port);
    storeOptions.isServer = rank_ == 0;
    storeOptions.numWorkers = size_t(worldSize_);
    storeOptions.waitWorkers = true;  // rank 0 waits (up to the timeout) until every rank connected
    storeOptions.timeout = where.timeout;
    try {
        impl_->store = c10::make_intrusive<c10d::TCPStore>(where.address, storeOptions);
    } catch (const std::exception& e) {
        const std::string cause = std::string(e.what()).substr(0, std::string(e.what()).find('\n'));
        if (rank_ == 0)
            throw DistributedError(impl_->who + ": cannot serve the rendezvous at " + endpoint +
                                   ", or not every rank joined it within " + seconds(where.timeout) + " (" + cause + ")");
        throw DistributedError(impl_->who + ": cannot reach rank 0's rendezvous at " + endpoint + " within " +
                               seconds(where.timeout) + "; check MASTER_ADDR/MASTER_PORT and that rank 0 runs (" +
                               cause + ")");
    }
    try {
        auto options = c10d::ProcessGroupGloo::Options::create(where.timeout);
        // On one machine, talk over loopback; across machines, the interface named by
        // GLOO_SOCKET_IFNAME (torch's convention), else the one the host name resolves to.
        if (isLoopback(where.address))
            options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
        else if (const std::string ifname = envOr("GLOO_SOCKET_IFNAME", nullptr); !ifname.empty())
            options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
        else
            options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
        options->threads = 2;
        impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, rank_, worldSize_, options);
    } catch (const std::exception& e) {
        throw DistributedError(impl_->who + ": not every rank joined the group at " + endpoint + " within " +
                               seconds(where.timeout) + " (" +
                               std::string(e.what()).substr(0, std::string(e.what()).find('\n')) + ")");
    }
}

Communicator::~Communicator() = default;

void Communicator::allReduceSum(std::vector<torch::Tensor>& tensors, const char* what) {
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    try {
        for (auto& t : tensors) {
            std::vector<at::Tensor> one{t};
            works.push_back(impl_->group->allreduce(one));
        }
    } catch (const std::exception& e) {
        throw DistributedError(impl_->who + ": " + what + " failed to start (" + e.what() + ")");
    }
    impl_->waitAll(works, what);
}

void Communicator::broadcast(std::vector<torch::Tensor>& tensors, int root, const char* what) {
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    try {
        for (auto& t : tensors) {
            std::vector<at::Tensor> one{t};
            c10d::BroadcastOptions options;
            options.rootRank = root;
            works.push_back(impl_->group->broadcast(one, options));
        }
    } catch (const std::exception& e) {
        throw DistributedError(impl_->who + ": " + what + " failed to start (" + e.what() + ")");
    }
    impl_->waitAll(works, what);
}

}  // namespace strata
