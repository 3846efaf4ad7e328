#pragma once
// What each node of an analyzed design costs per image: its parameters, the multiply-accumulates
// (MACs) of its weights, and the size of its output. The canvas cards, the status bar,
// `strata check --cost` and the precision rule (compile/Precision.h) all read this one
// definition, so their figures agree.
#include <cstdint>
#include <string>
#include <vector>

#include "design/DesignAnalysis.h"

namespace strata {

// fp32: the training's activations are fp32 outside bf16 autocast.
inline constexpr int64_t kBytesPerValue = 4;

struct NodeCost {
    std::string id;
    int64_t parameters = 0;   // NodeAnalysis::parameters
    int64_t macs = 0;         // per image (nodeMacs)
    int64_t outputBytes = 0;  // per image: the output shape's values in fp32; 0 when unknown
};

struct DesignCost {
    std::vector<NodeCost> nodes;  // the analysis' order (topological)
    int64_t totalParameters = 0;  // DesignAnalysis::totalParameters
    int64_t totalMacs = 0;        // saturating sum

    const NodeCost* find(const std::string& id) const;
};

// The multiply-accumulates per image of a node's weights, as PyTorch's common counters (fvcore,
// thop) count them: Conv2d = output values x (input channels x kernel_size²) (groups are always
// 1, design/layers/ConvLayers.cpp); Linear = (output values / out_features) x in_features x
// out_features, so a Linear over the last axis of a larger shape counts each row (each token);
// PatchEmbed counts as its convolution; MultiheadAttention over T tokens of width D =
// 4·T·D² (the q, k, v and output projections) + 2·T²·D (scores and weighted sum). Every other
// layer counts 0: pooling, normalization, activations and merges have no weights to multiply
// or are bound by memory, not arithmetic. 0 when the node's shapes are unknown.
int64_t nodeMacs(const NodeAnalysis& node);

// Every analyzed node's cost and the totals.
DesignCost designCost(const DesignAnalysis& analysis);

}  // namespace strata
