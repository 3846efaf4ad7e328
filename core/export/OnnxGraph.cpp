#include "export/OnnxGraph.h"

#include <cstring>
#include <stdexcept>

namespace strata::onnxexport {
namespace {

int64_t elementCount(const std::vector<int64_t>& shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

void checkSize(const std::string& name, const std::vector<int64_t>& shape, size_t size) {
    if (elementCount(shape) != int64_t(size))
        throw std::logic_error("ONNX initializer \"" + name + "\": " + std::to_string(size) +
                               " values do not fill its shape");
}

}  // namespace

onnx::NodeProto& OnnxGraph::node(const std::string& op, const std::vector<std::string>& inputs,
                                 const std::vector<std::string>& outputs, const std::string& name) {
    onnx::NodeProto* n = graph_.add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const std::string& in : inputs) n->add_input(in);
    for (const std::string& out : outputs) n->add_output(out);
    return *n;
}

const std::string& OnnxGraph::floats(const std::string& name, const std::vector<int64_t>& shape,
                                     const std::vector<float>& values) {
    checkSize(name, shape, values.size());
    onnx::TensorProto* t = graph_.add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : shape) t->add_dims(d);
    // raw_data is little-endian by the ONNX spec, which is this machine's order (x86-64, arm64).
    t->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
    return t->name();
}

const std::string& OnnxGraph::int64s(const std::string& name, const std::vector<int64_t>& shape,
                                     const std::vector<int64_t>& values) {
    checkSize(name, shape, values.size());
    onnx::TensorProto* t = graph_.add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    for (int64_t d : shape) t->add_dims(d);
    for (int64_t v : values) t->add_int64_data(v);
    return t->name();
}

void setAttr(onnx::NodeProto& node, const std::string& name, int64_t value) {
    onnx::AttributeProto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
}

void setAttr(onnx::NodeProto& node, const std::string& name, float value) {
    onnx::AttributeProto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(value);
}

void setAttr(onnx::NodeProto& node, const std::string& name, const std::vector<int64_t>& values) {
    onnx::AttributeProto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t v : values) a->add_ints(v);
}

void setTensorType(onnx::ValueInfoProto& value, const std::string& name, const std::vector<int64_t>& dims) {
    value.set_name(name);
    onnx::TypeProto_Tensor* t = value.mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    onnx::TensorShapeProto* shape = t->mutable_shape();
    for (int64_t d : dims) {
        onnx::TensorShapeProto_Dimension* dim = shape->add_dim();
        if (d < 0) dim->set_dim_param("N");
        else dim->set_dim_value(d);
    }
}

}  // namespace strata::onnxexport
