#pragma once
// How long each node of a design takes to train on this CPU: its forward and backward on a
// batch (the module alone, on the activations the network gives it) and a whole training step,
// hence the images per second training can reach. The studio's "Measure speed"; torch-free
// interface, measured in core/insight (LayerTiming.h).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "design/Design.h"

namespace strata {

struct NodeTimingOptions {
    int batch = 64;        // images per step, as TrainConfig::batchSize
    int repetitions = 5;   // per node and pass: the median is kept
    int steps = 5;         // whole training steps timed (after three to warm up)
    bool bf16 = false;
    int threads = 0;       // torch's threads, as TrainConfig::threads (0: the machine's cores)
    int classes = 10;
    uint64_t seed = 0;
};

// A node with a module and one input; wiring nodes (Input, Output, Add, Concat) have no row.
struct NodeTime {
    std::string id, type;
    double forwardMs = 0, backwardMs = 0;  // per batch
};

struct NodeTimingReport {
    std::vector<NodeTime> nodes;  // execution order
    double nodesMs = 0;           // the nodes' forward and backward together
    double stepMs = 0;            // a whole training step (loss, Adam, wiring and autograd included)
    double imagesPerSecond = 0;   // batch / step
    int batch = 0;
    bool bf16 = false;
    int threads = 0;              // as measured
    double seconds = 0;           // the measurement's own time
};

// On a seeded standard-normal batch of the Input's size, in training mode with channels-last
// weights as training runs. `stopRequested` is polled between nodes: when it returns true the
// report is returned as it is (incomplete). Throws DesignError when the design is not valid.
NodeTimingReport measureNodeTimes(const Design& design, const NodeTimingOptions& options,
                                  const std::function<bool()>& stopRequested = {});

}  // namespace strata
