#pragma once
// A design compiled into a torch module that runs the layer graph in topological order.
// Submodules are registered under the node ids, so parameters are named "conv1.weight".
#include <torch/torch.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "design/DesignAnalysis.h"

namespace strata {

// One node of the compiled graph, in execution (topological) order.
struct CompiledLayer {
    std::string id;
    std::string type;
    int depth = 0;     // longest path from Input
    Shape output;      // per-sample output shape
    bool hasModule = false;
    // A ReLU the training runs after the MaxPool2d it feeds, on the pooled tensor: that pool's
    // id (GraphModuleImpl::deferReluPastPools); empty otherwise.
    std::string runsAfter;
};

class GraphModuleImpl : public torch::nn::Module {
public:
    // Throws DesignError with the first issue when the design is not valid.
    GraphModuleImpl(const Design& design, int classes);

    torch::Tensor forward(const torch::Tensor& input);
    // Same, and keeps the output of each node named in `keep` (every node when empty) —
    // for the feature panels, which look inside the network.
    torch::Tensor forward(const torch::Tensor& input, std::map<std::string, torch::Tensor>& outputs,
                          const std::set<std::string>& keep = {});

    const std::vector<CompiledLayer>& layers() const { return layers_; }
    // Runs the module of layers()[index] alone on `input` (a batch of what its one input
    // receives): for the layer profile of tests/bench/bench_layers. Throws std::invalid_argument
    // for wiring nodes (Input, Output, Add, Concat), which have no module.
    torch::Tensor forwardLayer(size_t index, const torch::Tensor& input);

    // Transfer: the nodes' parameters stop requiring gradients and their modules stay in
    // evaluation mode (BatchNorm keeps its running statistics) whatever train() is called with.
    void freeze(const std::vector<std::string>& ids);
    const std::set<std::string>& frozen() const { return frozen_; }
    // The parameters of the nodes that are not frozen: what the optimizer updates.
    std::vector<torch::Tensor> trainableParameters() const;
    void train(bool on = true) override;
    // Keeps every 4-D weight (convolution kernels) in channels-last memory, so that oneDNN's
    // convolutions run on NHWC activations end to end instead of reordering NCHW tensors in
    // each call (tests/bench/bench_layers --channels-last: 96x96 RGB designs 1.3-1.6x faster).
    // Values, names and shapes are unchanged; only the memory order differs. For training,
    // whose batches come channels-last (BatchAssembler).
    void useChannelsLast();
    const DesignAnalysis& analysis() const { return analysis_; }

private:
    struct Step {
        std::string type;
        torch::nn::AnyModule module;    // empty for Input, Output, Add, Concat
        std::vector<size_t> inputs;     // indices into the value table, by port
        // A ReLU whose only consumer is a MaxPool2d runs after that pool instead, on the
        // pooled tensor (see deferReluPastPools): the ReLU passes its input on, the pool
        // applies it.
        bool reluDeferred = false;
        bool reluAfter = false;
    };
    void deferReluPastPools();
    torch::Tensor run(const torch::Tensor& input, std::map<std::string, torch::Tensor>* outputs,
                      const std::set<std::string>* keep);

    DesignAnalysis analysis_;
    std::vector<CompiledLayer> layers_;
    std::vector<Step> steps_;
    size_t outputIndex_ = 0;
    std::set<std::string> frozen_;
};
TORCH_MODULE(GraphModule);

}  // namespace strata
