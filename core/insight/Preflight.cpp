#include "insight/Preflight.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <mutex>

#include "compile/GraphModule.h"
#include "data/BoundedFolder.h"
#include "data/ByteSize.h"
#include "data/ImageFolder.h"
#include "data/InputSpec.h"
#include "insight/GradientNorms.h"
#include "train/Batches.h"
#include "train/FlushDenormals.h"
#include "train/TorchState.h"

namespace strata {

namespace {

constexpr double kPreflightNaN = std::numeric_limits<double>::quiet_NaN();

struct PreflightBatch {
    torch::Tensor images;  // float [N, C, H, W], normalized
    torch::Tensor labels;  // int64 [N]
    int classes = 0;
};

// The first image of each class, then the second of each, ... up to kPreflightBatch: every
// class is represented however the folder is ordered (it is sorted by class).
std::vector<int64_t> preflightFirstOfEachClass(const std::vector<int64_t>& labels, int classes) {
    std::vector<std::vector<int64_t>> byClass(size_t(std::max(classes, 1)));
    for (size_t i = 0; i < labels.size(); ++i) byClass[size_t(labels[i])].push_back(int64_t(i));
    std::vector<int64_t> picked;
    for (size_t round = 0; picked.size() < size_t(kPreflightBatch); ++round) {
        const size_t before = picked.size();
        for (const auto& members : byClass)
            if (round < members.size() && picked.size() < size_t(kPreflightBatch)) picked.push_back(members[round]);
        if (picked.size() == before) break;
    }
    return picked;
}

// The folder loaded as training loads it (the decode cache included, streamed from it when
// larger than the default data memory), normalized with the statistics training would compute
// from it (docs/ARCHITECTURE.md §6).
PreflightBatch preflightFolderBatch(const Design& design, const std::string& dir) {
    BoundedFolder folder = loadBoundedFolder(dir, inputImageSpec(design), /*threads=*/0, defaultDataMemory());
    std::vector<double> mean, stdev;
    folder.meanStd(mean, stdev);
    PreflightBatch batch;
    batch.classes = int(folder.images.classes.size());
    const std::vector<int64_t> picked = preflightFirstOfEachClass(folder.images.labels, batch.classes);
    // BatchNorm in training mode needs two values per channel.
    if (picked.size() < 2) throw DataError(dir + ": the pre-flight needs at least 2 readable images");
    const BatchSource source = folder.isStreamed() ? BatchSource::streaming(folder.images, folder.streamed, mean, stdev)
                                                   : BatchSource::takingPixels(folder.images, mean, stdev);
    batch.images = source.images(picked);
    batch.labels = source.labelsOf(picked);
    return batch;
}

// The model at the initial weights `strata train --seed` starts from (TrainingRun::buildModel);
// without data, the batch is drawn from the same seeded generator right after.
GraphModule preflightModel(const Design& design, const PreflightInputs& inputs, PreflightBatch& batch) {
    const std::lock_guard<std::mutex> draws(defaultGeneratorMutex());
    torch::manual_seed(inputs.seed);
    GraphModule model(design, batch.classes);
    if (!batch.images.defined()) {
        const ImageSpec spec = inputImageSpec(design);
        batch.images = torch::randn({kPreflightBatch, spec.channels, spec.height, spec.width});
        batch.labels = torch::randint(batch.classes, {kPreflightBatch}, torch::kInt64);
    }
    return model;
}

// Per node with a module: its output's spread, the zero share of a ReLU, the gradient at its
// output and of its weights (GradientNormsObserver's per-layer norms, as the heat map shows).
std::vector<PreflightNode> preflightNodes(GraphModuleImpl& model, const std::map<std::string, torch::Tensor>& outputs) {
    GradientNormsObserver weights;
    weights.afterBackward(model, 1);
    const GradientHistory history = weights.history();
    std::map<std::string, double> weightNorms;
    for (size_t i = 0; i < history.layers.size(); ++i) weightNorms[history.layers[i]] = history.norms.at(i);

    torch::NoGradGuard noGrad;
    std::vector<PreflightNode> nodes;
    for (const CompiledLayer& layer : model.layers()) {
        if (!layer.hasModule) continue;
        const torch::Tensor out = outputs.at(layer.id).detach().to(torch::kFloat32);
        const torch::Tensor grad = outputs.at(layer.id).grad();
        PreflightNode n;
        n.id = layer.id;
        n.type = layer.type;
        n.outputStd = out.numel() > 1 ? out.std().item<double>() : kPreflightNaN;
        n.deadShare = layer.type == "ReLU" ? out.eq(0).to(torch::kFloat32).mean().item<double>() : kPreflightNaN;
        n.outputGradientNorm = grad.defined() ? grad.norm().item<double>() : kPreflightNaN;
        const auto w = weightNorms.find(layer.id);
        n.weightGradientNorm = w == weightNorms.end() ? kPreflightNaN : w->second;
        nodes.push_back(n);
    }
    return nodes;
}

std::string preflightNumber(const char* format, double value) {
    char text[64];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

// The two rules of the header. The gradient rule compares the weights nearest the input with
// the last ones before the head: the head's own gradient comes straight from the loss at the
// scale of the features it reads, not through the stack (on a random batch a sigmoid stack with
// BatchNorm, which trains, has stem/head 5e-3 but stem/b20_bn 7e-2).
void preflightFindings(PreflightReport& report) {
    std::vector<const PreflightNode*> weighted;
    for (const PreflightNode& n : report.nodes)
        if (!std::isnan(n.weightGradientNorm)) weighted.push_back(&n);
    report.gradientRatio = kPreflightNaN;
    if (weighted.size() >= 3) {
        const PreflightNode& first = *weighted.front();
        const PreflightNode& last = *weighted[weighted.size() - 2];
        report.inputMost = first.id;
        report.headMost = last.id;
        report.gradientRatio = first.weightGradientNorm / last.weightGradientNorm;
        const double r = report.gradientRatio;
        const std::string where = "node \"" + first.id + "\": gradients are " + preflightNumber("%.1e", r);
        const std::string than = " those of \"" + last.id + "\" before the head";
        if (r <= 1.0 / kPreflightGradientFactor)
            report.findings.push_back({first.id, where + " of" + than + " (vanishing); add BatchNorm or residual connections"});
        else if (r >= kPreflightGradientFactor || !std::isfinite(r))
            report.findings.push_back({first.id, where + " times" + than + " (exploding); add BatchNorm or use a smaller "
                                                                         "initialization"});
    }
    for (const PreflightNode& n : report.nodes)
        if (n.deadShare >= kPreflightDeadReluShare)
            report.findings.push_back({n.id, "node \"" + n.id + "\": " + preflightNumber("%.0f", 100.0 * n.deadShare) +
                                                 " % of outputs are zero (dead ReLUs); use LeakyReLU or add BatchNorm "
                                                 "before it"});
}

}  // namespace

PreflightReport preflight(const Design& design, const PreflightInputs& inputs) {
    const auto start = std::chrono::steady_clock::now();
    PreflightBatch batch;
    if (!inputs.dataDir.empty()) batch = preflightFolderBatch(design, inputs.dataDir);
    else batch.classes = inputs.classes;
    GraphModule model = preflightModel(design, inputs, batch);
    model->train();
    // Vanishing stacks produce denormal floats, as in training (train/FlushDenormals.h).
    const FlushDenormals flush(at::get_num_threads());

    std::map<std::string, torch::Tensor> outputs;
    const torch::Tensor logits = model->forward(batch.images, outputs);
    for (auto& [id, out] : outputs)
        if (out.requires_grad()) out.retain_grad();
    torch::nn::functional::cross_entropy(logits.to(torch::kFloat32), batch.labels).backward();

    PreflightReport report;
    report.nodes = preflightNodes(*model, outputs);
    report.images = int(batch.images.size(0));
    preflightFindings(report);
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

}  // namespace strata
