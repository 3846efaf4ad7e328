// strata export RUN.h5 --onnx OUT.onnx
#include <cstdio>
#include <filesystem>

#include "Commands.h"
#include "Options.h"
#include "export/OnnxExport.h"

namespace strata::cli {

int exportCommand(const Args& args) {
    Options opts("export", "RUN.h5 --onnx OUT.onnx",
                 "Writes the trained network of a run as an ONNX model (opset " + std::to_string(kOnnxOpset) +
                     ")\nfor other runtimes (checked with ONNX Runtime, and OpenCV's dnn module for convolutional designs).\n"
                     "Input \"input\": float [N, C, H, W], the image resized to the design's Input and\n"
                     "scaled to [0, 1]; the training set's mean/std normalization is inside the model.\n"
                     "Output \"probabilities\": [N, classes], softmax as in strata predict. The model's\n"
                     "metadata holds \"classes\", \"mean\", \"std\" (JSON lists) and \"input\".",
                 {{"--onnx", "OUT.onnx", "the ONNX file to write (required; replaced atomically)"}, noVerifyOption()});
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata export: expected one RUN.h5 (see strata export --help)");
    if (!opts.has("--onnx") || opts.get("--onnx").empty())
        throw UsageError("strata export: --onnx OUT.onnx is required (ONNX is the export format)");
    const std::string out = opts.get("--onnx");
    const std::filesystem::path parent = std::filesystem::absolute(out).parent_path();
    if (!std::filesystem::is_directory(parent))
        throw UsageError(out + ": the folder " + parent.string() + " does not exist");
    if (std::filesystem::is_directory(out)) throw UsageError(out + ": is a folder; name the .onnx file to write");

    try {
        const OnnxExportSummary s = exportOnnx(opts.positionals()[0], out, !opts.has("--no-verify"));
        printNote(s.integrityNote);
        std::string shape = "[N";
        for (int64_t d : s.inputShape) shape += ", " + std::to_string(d);
        std::printf("wrote %s: opset %d, %lld nodes, input %s] in [0, 1], output probabilities [N, %zu]\n",
                    out.c_str(), s.opset, (long long)s.nodes, shape.c_str(), s.classes.size());
    } catch (const OnnxExportError& e) {
        printError(e.what());
        return kExitBadInput;
    }
    return kExitOk;
}

}  // namespace strata::cli
