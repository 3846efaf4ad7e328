#pragma once
// ONNX export of a trained run (`strata export RUN.h5 --onnx OUT.onnx`, File > Export ONNX).
// Torch-free: the model is built from the run file alone (the design JSON, /config and the
// /checkpoint arrays), so the command line and the studio can call it directly.
//
// The exported model (opset kOnnxOpset, IR version 7; convolutional designs use only the ops
// OpenCV 4.6's dnn module reads; token layers need a full runtime such as ONNX Runtime):
//  - input "input": float [N, C, H, W], N dynamic, the image preprocessed per docs/ARCHITECTURE.md §6 up
//    to the [0, 1] scaling (decode, Input channels in gray or RGB order, bilinear resize to
//    H x W, divide by 255). The per-channel mean/std normalization is the graph's first two
//    nodes (Sub, Div), so callers need not know the training set's statistics.
//  - output "probabilities": float [N, classes], softmax of the logits, as `strata predict`.
//  - metadata_props: "classes", "mean", "std" (JSON lists), "input" (kOnnxInputMeaning),
//    "output", "channels" ("grayscale" or "rgb"), "height", "width", "design".
//  - one ONNX node per design node where possible (named by the node id; layers with no single
//    ONNX op become a few nodes named "<id>/<step>"), initializers named as in the checkpoint
//    ("conv1.weight"). Dropout layers are Identity (inference).
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace strata {

inline constexpr int kOnnxOpset = 13;
inline constexpr const char* kOnnxInputMeaning = "image scaled to [0, 1]; mean/std normalization is inside the model";

// Bad input for the export: a layer without an ONNX mapping (the message names the node), or
// an output path that cannot be written. A broken run file is a RunFileError, a broken design
// a DesignError, as everywhere else.
class OnnxExportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct OnnxExportSummary {
    std::string outPath;
    int opset = kOnnxOpset;
    int64_t nodes = 0;         // ONNX nodes in the graph
    int64_t initializers = 0;  // weight and constant tensors
    std::vector<int64_t> inputShape;  // {C, H, W}; the batch dimension N is dynamic
    std::vector<std::string> classes;
    std::string integrityNote;  // "" when the run file was verified (RunReader.h)
};

// True when `type` (a layer type of the registry) has an ONNX mapping.
bool onnxSupportsLayer(const std::string& type);

// Reads the run at `runPath` (readValidRun; `verify` false is --no-verify), builds the model,
// checks it with ONNX's own checker and strict shape inference, and writes it to `outPath`
// atomically (temp file + rename).
OnnxExportSummary exportOnnx(const std::string& runPath, const std::string& outPath, bool verify = true);

// The metadata_props of an ONNX file (key -> value), for the studio and checks. Throws
// OnnxExportError naming the file when it cannot be read or is not an ONNX model.
std::map<std::string, std::string> readOnnxMetadata(const std::string& path);

}  // namespace strata
