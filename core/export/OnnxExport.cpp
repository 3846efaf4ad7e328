// Run file -> ONNX ModelProto: the Input's normalization, one emitter per layer in topological
// order, softmax at the Output, metadata; then ONNX's checker, then an atomic write.
#include "export/OnnxExport.h"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>

#include "design/Design.h"
#include "design/DesignAnalysis.h"
#include "export/OnnxLayers.h"
#include "storage/AtomicFile.h"
#include "runs/RunReader.h"

namespace strata {
namespace {

using namespace onnxexport;

constexpr int64_t kIrVersion = 7;  // the IR version of opset 13 (ONNX 1.8): widest reader support
const char* const kInputName = "input";
const char* const kOutputName = "probabilities";

// Graph values are named by node id; the few ids that would shadow the graph's input or
// output get a suffix (':' never occurs in an id, so the result is unique).
std::string valueName(const std::string& id) {
    return id == kInputName || id == kOutputName ? id + ":value" : id;
}

std::vector<float> channelConstant(const std::vector<double>& values) { return {values.begin(), values.end()}; }

std::string jsonText(const nlohmann::json& j) { return j.dump(); }

void addMetadata(onnx::ModelProto& model, const std::string& key, const std::string& value) {
    onnx::StringStringEntryProto* e = model.add_metadata_props();
    e->set_key(key);
    e->set_value(value);
}

// The normalization of docs/ARCHITECTURE.md §6 as the graph's first nodes: (x - mean) / std per channel,
// with constants of shape [C, 1, 1] (OpenCV 4.6 mis-reads [1, C, 1, 1] here).
// readValidRun has checked one positive std and one mean per channel.
void emitInput(OnnxGraph& graph, const NodeAnalysis& node, const ValidRun& pre) {
    const int64_t channels = node.output.at(0);
    const std::string mean = graph.floats(node.id + "/mean", {channels, 1, 1}, channelConstant(pre.mean));
    const std::string stdev = graph.floats(node.id + "/std", {channels, 1, 1}, channelConstant(pre.stdev));
    graph.node("Sub", {kInputName, mean}, {node.id + "/centered"}, node.id + "/subtract_mean");
    graph.node("Div", {node.id + "/centered", stdev}, {valueName(node.id)}, node.id);
}

onnx::ModelProto buildModel(const ValidRun& pre, const std::string& runPath, OnnxExportSummary& summary) {
    const Design& design = pre.design;
    const DesignAnalysis& analysis = pre.analysis;
    for (const Node& n : design.nodes)
        if (!onnxSupportsLayer(n.type))
            throw OnnxExportError("node \"" + n.id + "\": " + n.type + " layers have no ONNX export yet");

    onnx::ModelProto model;
    model.set_ir_version(kIrVersion);
    onnx::OperatorSetIdProto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(kOnnxOpset);
    model.set_producer_name("strata");
    model.set_producer_version(STRATA_VERSION);
    model.set_doc_string("Strata run " + runPath + " (design \"" + design.name + "\")");
    onnx::GraphProto& proto = *model.mutable_graph();
    proto.set_name(design.name.empty() ? "strata" : design.name);
    OnnxGraph graph(proto);
    const Weights weights(pre.data.checkpoint, runPath);

    for (const NodeAnalysis& node : analysis.nodes) {
        std::vector<std::string> inputs;
        if (auto it = analysis.inputsOf.find(node.id); it != analysis.inputsOf.end())
            for (const std::string& from : it->second) inputs.push_back(valueName(from));
        if (node.type == "Input") {
            summary.inputShape = node.output;
            std::vector<int64_t> dims{-1};
            dims.insert(dims.end(), node.output.begin(), node.output.end());
            setTensorType(*proto.add_input(), kInputName, dims);
            emitInput(graph, node, pre);
        } else if (node.type == "Output") {
            setAttr(graph.node("Softmax", {inputs.at(0)}, {kOutputName}, node.id), "axis", int64_t{1});
            setTensorType(*proto.add_output(), kOutputName, {-1, int64_t(pre.classes.size())});
        } else {
            const LayerEmitter* emit = findLayerEmitter(node.type);
            if (!emit) throw OnnxExportError("node \"" + node.id + "\": " + node.type + " layers have no ONNX export yet");
            LayerContext context{node, inputs, valueName(node.id), graph, weights};
            (*emit)(context);
        }
    }

    const Shape& in = summary.inputShape;
    addMetadata(model, "classes", jsonText(pre.classes));
    addMetadata(model, "mean", jsonText(pre.mean));
    addMetadata(model, "std", jsonText(pre.stdev));
    addMetadata(model, "input", kOnnxInputMeaning);
    addMetadata(model, "output", "probabilities: softmax over the classes, in the order of \"classes\"");
    addMetadata(model, "channels", in.at(0) == 3 ? "rgb" : in.at(0) == 1 ? "grayscale" : std::to_string(in.at(0)));
    addMetadata(model, "height", std::to_string(in.at(1)));
    addMetadata(model, "width", std::to_string(in.at(2)));
    addMetadata(model, "resize", "bilinear to height x width, no crop");
    addMetadata(model, "design", design.name);
    summary.classes = pre.classes;
    summary.nodes = graph.nodeCount();
    summary.initializers = graph.initializerCount();
    return model;
}

// ONNX's own checker and strict shape inference (as onnx.checker.check_model(full_check=True)):
// a failure is a bug in the exporter, never bad input.
void checkModel(const onnx::ModelProto& model) {
    try {
        onnx::checker::check_model(model);
        onnx::ModelProto inferred = model;
        onnx::shape_inference::InferShapes(inferred, onnx::OpSchemaRegistry::Instance(),
                                           onnx::ShapeInferenceOptions(/*check_type=*/true, /*strict_mode=*/1));
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("internal error: the exported model fails the ONNX checker: ") + e.what());
    }
}

void writeAtomically(const std::string& bytes, const std::string& outPath) {
    const std::string tmp = atomicTempPath(outPath);
    std::string reason;
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) reason = std::strerror(errno);
        else if (!out.write(bytes.data(), std::streamsize(bytes.size())).flush()) reason = "write failed";
    }
    if (reason.empty()) reason = commitAtomic(tmp, outPath);
    if (!reason.empty()) {
        std::remove(tmp.c_str());
        throw OnnxExportError(outPath + ": cannot write the ONNX file: " + reason);
    }
}

}  // namespace

bool onnxSupportsLayer(const std::string& type) {
    return type == "Input" || type == "Output" || findLayerEmitter(type) != nullptr;
}

OnnxExportSummary exportOnnx(const std::string& runPath, const std::string& outPath, bool verify) {
    OnnxExportSummary summary;
    summary.outPath = outPath;
    const ValidRun run = readValidRun(runPath, {RunParts::Full, verify});
    summary.integrityNote = run.integrityNote;
    const onnx::ModelProto model = buildModel(run, runPath, summary);
    checkModel(model);
    std::string bytes;
    if (!model.SerializeToString(&bytes)) throw std::runtime_error("internal error: cannot serialize the ONNX model");
    writeAtomically(bytes, outPath);
    return summary;
}

std::map<std::string, std::string> readOnnxMetadata(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw OnnxExportError(path + ": cannot open: " + std::strerror(errno));
    onnx::ModelProto model;
    if (!model.ParseFromIstream(&in) || !model.has_graph())
        throw OnnxExportError(path + ": not an ONNX model");
    std::map<std::string, std::string> meta;
    for (const onnx::StringStringEntryProto& e : model.metadata_props()) meta[e.key()] = e.value();
    return meta;
}

}  // namespace strata
