#pragma once
// The ONNX mapping of each layer type: one emitter per type that appends the nodes computing
// the layer at inference (eval mode) with exactly torch's semantics (see LayerFactory.cpp).
// Internal to export/.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "design/DesignAnalysis.h"
#include "export/OnnxGraph.h"
#include "runs/RunFile.h"

namespace strata::onnxexport {

// The run's checkpoint arrays, handed out as initializers after a shape check.
class Weights {
public:
    Weights(const std::vector<NamedArray>& checkpoint, std::string runPath)
        : checkpoint_(checkpoint), runPath_(std::move(runPath)) {}
    // Adds "<node>.<param>" as an initializer and returns its name. Throws RunFileError naming
    // the run when the array is missing, not float32, or not of `shape`.
    std::string add(OnnxGraph& graph, const std::string& node, const std::string& param, const Shape& shape) const;

private:
    const std::vector<NamedArray>& checkpoint_;
    std::string runPath_;
};

struct LayerContext {
    const NodeAnalysis& node;
    std::vector<std::string> inputs;  // value names, in port order
    std::string output;               // the value name the layer must produce
    OnnxGraph& graph;
    const Weights& weights;

    // A name for an intermediate value or node of this layer: "<id>/<step>" (ids hold no '/').
    std::string sub(const std::string& step) const { return node.id + "/" + step; }
};

using LayerEmitter = std::function<void(LayerContext&)>;

// The emitter of a layer type, or nullptr when the type has no ONNX mapping. Input and Output
// are not here: the model builder emits them (they need the run's normalization and classes).
const LayerEmitter* findLayerEmitter(const std::string& type);

// Families, gathered by findLayerEmitter (one file each).
void addBasicEmitters(std::map<std::string, LayerEmitter>& table);  // conv, dense, activations, merge, reshape, dropout
void addPoolEmitters(std::map<std::string, LayerEmitter>& table);
void addNormEmitters(std::map<std::string, LayerEmitter>& table);
void addTokenEmitters(std::map<std::string, LayerEmitter>& table);  // PatchEmbed, attention, ...

// torch Linear on tokens [N, T, D] (the basic Linear emitter hands tokens to it).
void linearOnTokens(LayerContext& c);

}  // namespace strata::onnxexport
