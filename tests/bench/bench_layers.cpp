// Where a training step's time goes, layer by layer, against what this machine can do (issue 21).
//
//   build/tests/bench_layers [DESIGN[@HxW]...] [--batch 64] [--threads 2] [--steps 30]
//                            [--precision fp32|bf16|both] [--nchw]
//
// Without designs: the reference CNN (28x28 gray) and photo-cnn and photo-resnet at 96x96 and
// 160x160 RGB (templates; "@HxW" resizes a design's Input), channels-last as training runs them
// (--nchw: weights and batches in the NCHW order, as before; ReLUs still follow their pools).
// It prints:
//  1. the machine's reference rates: large fp32 and bf16 matrix products on oneDNN, one large
//     convolution (forward and both backward passes) in each precision, and memory bandwidth;
//  2. per design and precision: the whole training step (forward, backward, Adam) on random
//     data in images/s and GFLOP/s, and the peak resident memory after the first steps and
//     after all of them (it must not grow with the steps);
//  3. per layer: forward and backward milliseconds per batch on the network's real
//     activations, GFLOP/s, the memory traffic those milliseconds imply (input, output and
//     weights read or written once per pass) in GB/s and against the measured bandwidth (above
//     100 %: the tensors live in the caches), and the share of
//     the layer's time spent in kernels, layout and dtype conversions, allocation and
//     autograd bookkeeping (torch's profiler, by op name). "rest of step" is the step time
//     the layers do not account for: the loss, the optimizer, wiring nodes (Add) and autograd;
//     "sum of layers" the layers' share of the step. The step and layer times are measured by
//     core/insight/LayerTiming.h, as the studio's "Measure speed" measures them.
// Training FLOPs are 3x the forward's: 2 per multiply-accumulate of Conv2d and Linear weights,
// the convention of PyTorch's counters (fvcore, thop). Not part of ctest.
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "compile/GraphModule.h"
#include "compile/Precision.h"
#include "design/Design.h"
#include "insight/LayerTiming.h"
#include "train/CpuAutocast.h"
#include "train/MallocTuning.h"

using namespace strata;

namespace {

struct Settings {
    int64_t batch = 64;
    int threads = 2;
    int steps = 30;
    bool channelsLast = true;  // as training runs (GraphModuleImpl::useChannelsLast)
    std::vector<std::string> precisions{"fp32", "bf16"};
    std::vector<std::string> designs;
};

std::map<std::string, double> profileSelfTimes(const std::function<void()>& f);

// ---- 1. reference rates ------------------------------------------------------------------

void printReferenceRates() {
    const int64_t n = 2048;
    const torch::Tensor a = torch::randn({n, n}), w = torch::randn({n, n});
    const double matmulFlop = 2.0 * double(n) * double(n) * double(n);
    const double fp32Mm = medianMs(5, [&] { at::mkldnn_linear(a.to_mkldnn(), w, {}).to_dense(); });
    const torch::Tensor ab = a.to(torch::kBFloat16), wb = w.to(torch::kBFloat16);
    const double bf16Mm = medianMs(5, [&] { torch::mm(ab, wb.t()); });
    std::printf("reference rates (%d threads)\n", at::get_num_threads());
    std::printf("  matrix product %ldx%ldx%ld   fp32 %7.1f GFLOP/s   bf16 %7.1f GFLOP/s (%.2fx)\n", long(n),
                long(n), long(n), matmulFlop / fp32Mm / 1e6, matmulFlop / bf16Mm / 1e6, fp32Mm / bf16Mm);

    // One large convolution: 64 -> 64 channels, 3x3, 56x56, batch 32; forward + both backwards.
    const torch::Tensor x = torch::randn({32, 64, 56, 56}), k = torch::randn({64, 64, 3, 3});
    const double convFlop = 3 * 2.0 * 32 * 56 * 56 * 64 * 64 * 9;
    auto convStep = [](const torch::Tensor& in, const torch::Tensor& kernel) {
        const torch::Tensor xi = in.detach().requires_grad_(), ki = kernel.detach().requires_grad_();
        torch::conv2d(xi, ki, {}, 1, 1).sum().backward();
    };
    const double fp32Conv = medianMs(3, [&] { convStep(x, k); });
    const double bf16Conv = medianMs(3, [&] { convStep(x.to(torch::kBFloat16), k.to(torch::kBFloat16)); });
    std::printf("  convolution 64->64 3x3 56x56 x32, fwd+bwd   fp32 %7.1f GFLOP/s   bf16 %7.1f GFLOP/s (%.2fx)\n",
                convFlop / fp32Conv / 1e6, convFlop / bf16Conv / 1e6, fp32Conv / bf16Conv);
}

// Read + write bandwidth of a large copy, in GB/s: what memory-bound layers can reach.
double copyBandwidth() {
    const torch::Tensor src = torch::randn({64 << 20});
    torch::Tensor dst = torch::empty_like(src);
    const double ms = medianMs(5, [&] { dst.copy_(src); });
    const double gb = 2.0 * double(src.numel()) * 4 / 1e9;
    std::printf("  memory: copy of 256 MB   %.1f GB/s (read + write)\n", gb / (ms / 1e3));
    return gb / (ms / 1e3);
}

// ---- designs -----------------------------------------------------------------------------

// "path/net.strata.json@96x96" -> the design with its Input resized.
Design loadSized(const std::string& arg) {
    const size_t at = arg.find('@');
    Design d = loadDesign(arg.substr(0, at));
    if (at == std::string::npos) return d;
    const std::string size = arg.substr(at + 1);
    const int h = std::stoi(size), w = std::stoi(size.substr(size.find('x') + 1));
    for (Node& node : d.nodes)
        if (node.type == "Input") node.params["height"] = h, node.params["width"] = w;
    d.name += "@" + std::to_string(h) + "x" + std::to_string(w);
    return d;
}

std::vector<int64_t> batchShape(int64_t batch, const Shape& shape) {
    std::vector<int64_t> dims{batch};
    dims.insert(dims.end(), shape.begin(), shape.end());
    return dims;
}

int64_t numel(const Shape& shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

// Multiply-accumulates per image of a node's weights (Conv2d, Linear), from its weight and
// output shape; 0 for everything else.
double nodeMacs(const CompiledLayer& layer, torch::nn::Module& module) {
    const auto* weight = module.named_parameters(false).find("weight");
    if (!weight) return 0;
    if (layer.type == "Conv2d" && layer.output.size() == 3)
        return double(weight->numel()) * double(layer.output[1] * layer.output[2]);
    if (layer.type == "Linear") return double(weight->numel()) * double(numel(layer.output) / layer.output.back());
    return 0;
}

double designMacs(GraphModule& model) {
    const auto children = model->named_children();
    double macs = 0;
    for (const CompiledLayer& layer : model->layers())
        if (const auto* child = children.find(layer.id)) macs += nodeMacs(layer, **child);
    return macs;
}

// ---- 2. whole steps and memory -------------------------------------------------------------

long residentPeakKb() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

void resetResidentPeak() { std::ofstream("/proc/self/clear_refs") << "5"; }

struct StepBatch {
    torch::Tensor images, labels;
};

StepBatch randomBatch(GraphModule& model, int64_t batch) {
    const Shape in = model->analysis().nodes.front().output;
    return {torch::randn(batchShape(batch, in)), torch::randint(0, 10, {batch}, torch::kInt64)};
}

void trainStep(GraphModule& model, torch::optim::Optimizer& opt, const StepBatch& b, bool bf16) {
    strata::trainStep(*model, opt, b.images, b.labels, bf16);
}

struct StepFigures {
    double ms = 0;
    long peakEarlyMb = 0, peakLateMb = 0;
    std::string topOps;
};

// The ops that take most of a whole step, by self time, in ms per step.
std::string topOps(GraphModule& model, torch::optim::Optimizer& opt, const StepBatch& b, bool bf16) {
    const int steps = 5;
    const auto byOp = profileSelfTimes([&] {
        for (int i = 0; i < steps; ++i) trainStep(model, opt, b, bf16);
    });
    std::vector<std::pair<double, std::string>> ranked;
    for (const auto& [op, us] : byOp) ranked.emplace_back(us / 1e3 / steps, op);
    std::sort(ranked.rbegin(), ranked.rend());
    std::string text = "    whole step by op (self ms per step):";
    for (size_t i = 0; i < std::min<size_t>(10, ranked.size()); ++i)
        text += (i ? ", " : " ") + ranked[i].second + " " + c10::str(std::round(ranked[i].first * 100) / 100);
    return text + "\n";
}

StepFigures measureSteps(GraphModule& model, const StepBatch& b, bool bf16, int steps) {
    torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(1e-3));
    resetResidentPeak();
    for (int i = 0; i < 3; ++i) trainStep(model, opt, b, bf16);  // warm-up: buffers, primitives
    StepFigures f;
    f.peakEarlyMb = residentPeakKb() / 1024;
    f.ms = medianMs(steps, [&] { trainStep(model, opt, b, bf16); });
    f.peakLateMb = residentPeakKb() / 1024;
    f.topOps = topOps(model, opt, b, bf16);
    return f;
}

// ---- 3. per layer ------------------------------------------------------------------------

struct Shares {
    double kernel = 0, conversion = 0, allocation = 0, autograd = 0;
};

const char* category(const std::string& op) {
    static const char* const conversions[] = {"aten::to",         "aten::_to_copy",  "aten::copy_",
                                              "aten::to_mkldnn",  "aten::to_dense",  "aten::contiguous",
                                              "aten::clone",      "aten::_reshape_alias", "aten::reshape"};
    static const char* const allocations[] = {"aten::empty", "aten::empty_strided", "aten::empty_like",
                                              "aten::zeros", "aten::zeros_like",   "aten::zero_",
                                              "aten::fill_", "aten::resize_",      "aten::ones_like"};
    for (const char* c : conversions)
        if (op == c) return "conversion";
    for (const char* a : allocations)
        if (op == a) return "allocation";
    if (op.find("Backward") != std::string::npos || op.rfind("autograd::", 0) == 0 ||
        op.rfind("torch::autograd", 0) == 0)
        return "autograd";
    return "kernel";
}

// Self time in microseconds of every op recorded, by op name (an op's time minus that of the
// ops it called), summed over the threads.
std::map<std::string, double> selfTimes(const torch::autograd::profiler::thread_event_lists& lists) {
    using torch::autograd::profiler::EventKind;
    using torch::autograd::profiler::LegacyEvent;
    std::map<std::string, double> byOp;
    for (const auto& list : lists) {
        struct Open {
            const LegacyEvent* push;
            double children;
        };
        std::vector<Open> stack;
        for (const LegacyEvent& e : list) {
            if (e.kind() == EventKind::PushRange) {
                stack.push_back({&e, 0});
            } else if (e.kind() == EventKind::PopRange && !stack.empty()) {
                const Open open = stack.back();
                stack.pop_back();
                const double total = open.push->cpuElapsedUs(e);
                byOp[open.push->name()] += total - open.children;
                if (!stack.empty()) stack.back().children += total;
            }
        }
    }
    return byOp;
}

std::map<std::string, double> profileSelfTimes(const std::function<void()>& f) {
    torch::autograd::profiler::enableProfilerLegacy(
        torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU));
    f();
    return selfTimes(torch::autograd::profiler::disableProfilerLegacy());
}

Shares sharesOf(const std::map<std::string, double>& byOp) {
    std::map<std::string, double> byCategory;
    double sum = 1e-9;
    for (const auto& [op, us] : byOp) byCategory[category(op)] += us, sum += us;
    return {byCategory["kernel"] / sum, byCategory["conversion"] / sum, byCategory["allocation"] / sum,
            byCategory["autograd"] / sum};
}

struct LayerFigures {
    double forwardMs = 0, backwardMs = 0, bytes = 0;
    Shares shares;
};

// The layer's times come from core (insight/LayerTiming.h, as the studio's "Measure speed");
// the memory traffic and the profiler's shares are this profile's own.
LayerFigures measureLayer(GraphModule& model, const TimedLayer& layer, const torch::Tensor& activation, bool bf16) {
    const LayerTimes times = timeLayer(*model, layer, activation, bf16, 9);
    if (!times.backwardTimed)  // seen once after several designs in one process; not timed
        std::fprintf(stderr, "note: a layer's output needs no gradient here; its backward is not timed\n");
    LayerFigures f;
    f.forwardMs = times.forwardMs;
    f.backwardMs = times.backwardMs;
    const torch::Tensor in = activation.detach().requires_grad_(!layer.networkInput);
    auto forward = [&] {
        CpuAutocast autocast(bf16);
        return model->forwardLayer(layer.index, in);
    };
    const torch::Tensor probe = forward();
    const torch::Tensor grad = torch::randn_like(probe);
    double weights = 0;
    for (const auto& p : model->named_children()[model->layers()[layer.index].id]->parameters())
        weights += double(p.numel()) * 4;
    const double io = double(in.numel() * in.element_size() + probe.numel() * probe.element_size());
    f.bytes = 3 * io + 3 * weights;  // forward: input, output; backward: output grad, input, input grad
    if (!probe.requires_grad()) return f;
    f.shares = sharesOf(profileSelfTimes([&] {
        for (int i = 0; i < 3; ++i) forward().backward(grad);
    }));
    return f;
}

void printLayerRow(const CompiledLayer& layer, const LayerFigures& f, double flop, double bandwidth) {
    const double ms = f.forwardMs + f.backwardMs;
    const double gbPerSecond = (f.bytes / 1e9) / (ms / 1e3);
    const std::string type = layer.type + (layer.runsAfter.empty() ? "" : " after " + layer.runsAfter);
    std::printf("    %-14s %-18s %8.2f %8.2f %8.1f %6.1f %5.0f%% %5.0f%% %5.0f%% %5.0f%% %5.0f%%\n", layer.id.c_str(),
                type.c_str(), f.forwardMs, f.backwardMs, flop > 0 ? flop / ms / 1e6 : 0.0, gbPerSecond,
                100 * gbPerSecond / bandwidth, 100 * f.shares.kernel, 100 * f.shares.conversion,
                100 * f.shares.allocation, 100 * f.shares.autograd);
}

// Each layer with one input and a module of its own, on the activation the network gives it.
void printLayers(GraphModule& model, const StepBatch& b, bool bf16, double bandwidth, double stepMs) {
    const std::map<std::string, torch::Tensor> outputs = layerActivations(*model, b.images, bf16);
    std::printf("    %-14s %-18s %8s %8s %8s %6s %6s %6s %6s %6s %6s\n", "layer", "type", "fwd ms", "bwd ms", "GFLOP/s",
                "GB/s", "of bw", "kern", "conv", "alloc", "autog");
    const auto children = model->named_children();
    double accounted = 0;
    for (const TimedLayer& layer : timedLayers(*model)) {
        const CompiledLayer& compiled = model->layers()[layer.index];
        const LayerFigures f = measureLayer(model, layer, outputs.at(layer.from), bf16);
        printLayerRow(compiled, f, 3 * 2 * nodeMacs(compiled, **children.find(compiled.id)) * double(b.images.size(0)),
                      bandwidth);
        accounted += f.forwardMs + f.backwardMs;
    }
    std::printf("    %-14s %-18s %17.2f   (%.0f%% of the step: loss, Adam, wiring nodes, autograd)\n",
                "rest of step", "", stepMs - accounted, 100 * (stepMs - accounted) / stepMs);
    std::printf("    %-14s %-18s %17.2f   (%.0f%% of the %.2f ms step)\n", "sum of layers", "", accounted,
                100 * accounted / stepMs, stepMs);
}

void profileDesign(const std::string& arg, const Settings& s, double bandwidth) {
    const Design design = loadSized(arg);
    for (const std::string& precision : s.precisions) {
        const bool bf16 = precision == "bf16";
        torch::manual_seed(0);
        GraphModule model(design, 10);
        model->train();
        StepBatch b = randomBatch(model, s.batch);
        if (s.channelsLast) {
            model->useChannelsLast();
            b.images = b.images.contiguous(at::MemoryFormat::ChannelsLast);
        }
        const double trainFlop = 3 * 2 * designMacs(model);
        const StepFigures f = measureSteps(model, b, bf16, s.steps);
        const double imagesPerSecond = double(s.batch) / (f.ms / 1e3);
        std::printf("\n%s  %s  batch %ld: step %.2f ms  %.0f images/s  %.1f GFLOP/s (%.1f MFLOP per image "
                    "trained)  peak memory %ld MB after 3 steps, %ld MB after %d more\n",
                    design.name.c_str(), precision.c_str(), long(s.batch), f.ms, imagesPerSecond,
                    imagesPerSecond * trainFlop / 1e9, trainFlop / 1e6, f.peakEarlyMb, f.peakLateMb, s.steps);
        std::fputs(f.topOps.c_str(), stdout);
        printLayers(model, b, bf16, bandwidth, f.ms);
    }
}

std::vector<std::string> defaultDesigns() {
    const std::string t = std::string(STRATA_SOURCE_DIR) + "/resources/templates/";
    return {t + "reference-cnn.strata.json",        t + "photo-cnn.strata.json",
            t + "photo-cnn.strata.json@160x160",    t + "photo-resnet.strata.json",
            t + "photo-resnet.strata.json@160x160"};
}

Settings parseArgs(int argc, char** argv) {
    Settings s;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool hasValue = i + 1 < argc;
        if (a == "--batch" && hasValue) s.batch = std::stol(argv[++i]);
        else if (a == "--threads" && hasValue) s.threads = std::stoi(argv[++i]);
        else if (a == "--steps" && hasValue) s.steps = std::stoi(argv[++i]);
        else if (a == "--nchw") s.channelsLast = false;
        else if (a == "--precision" && hasValue) {
            const std::string p = argv[++i];
            s.precisions = p == "both" ? std::vector<std::string>{"fp32", "bf16"} : std::vector<std::string>{p};
        } else s.designs.push_back(a);
    }
    if (s.designs.empty()) s.designs = defaultDesigns();
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    tuneMallocForTraining();  // as strata's main() does
    const Settings s = parseArgs(argc, argv);
    at::set_num_threads(s.threads);
    std::printf("CPU: %s\n", cpuPrecisionSupport().describe().c_str());
    printReferenceRates();
    const double bandwidth = copyBandwidth();
    for (const std::string& design : s.designs) profileDesign(design, s, bandwidth);
    return 0;
}
