#pragma once
// A thin builder over onnx::GraphProto for the exporter: nodes with attributes, and float or
// int64 initializers. Internal to export/ (it exposes the protobuf classes).
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace strata::onnxexport {

class OnnxGraph {
public:
    explicit OnnxGraph(onnx::GraphProto& graph) : graph_(graph) {}

    // Appends a node; `name` must be unique in the graph (node ids, or "<id>/<step>").
    onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                          const std::vector<std::string>& outputs, const std::string& name);

    // Initializers: float32 (weights, constants) and int64 (shapes, pads). Return the name.
    const std::string& floats(const std::string& name, const std::vector<int64_t>& shape,
                              const std::vector<float>& values);
    const std::string& int64s(const std::string& name, const std::vector<int64_t>& shape,
                              const std::vector<int64_t>& values);
    // A float32 scalar constant.
    const std::string& scalar(const std::string& name, float value) { return floats(name, {}, {value}); }

    int64_t nodeCount() const { return graph_.node_size(); }
    int64_t initializerCount() const { return graph_.initializer_size(); }

private:
    onnx::GraphProto& graph_;
};

void setAttr(onnx::NodeProto& node, const std::string& name, int64_t value);
void setAttr(onnx::NodeProto& node, const std::string& name, float value);
void setAttr(onnx::NodeProto& node, const std::string& name, const std::vector<int64_t>& values);

// A float tensor's type with the given dims; a dim < 0 becomes the symbolic batch "N".
void setTensorType(onnx::ValueInfoProto& value, const std::string& name, const std::vector<int64_t>& dims);

}  // namespace strata::onnxexport
