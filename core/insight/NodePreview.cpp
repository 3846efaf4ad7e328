#include "insight/NodePreview.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>

#include "compile/GraphModule.h"
#include "data/ImageFolder.h"
#include "data/InputSpec.h"
#include "insight/SampleSet.h"
#include "train/RunNetwork.h"
#include "train/TorchState.h"

namespace strata {

namespace {

// The studio asks again after every edit: the run's network and a folder's first image are
// kept from one call to the next (one of each), keyed by what would change them.
struct PreviewCache {
    std::mutex mutex;
    std::string runPath;
    std::filesystem::file_time_type runTime;
    std::shared_ptr<RunNetwork> run;
    std::string dataDir, firstImage;
};

PreviewCache& previewCache() {
    // Never destroyed: a network freed after torch's own statics at exit could crash.
    static PreviewCache* cache = new PreviewCache;
    return *cache;
}

std::shared_ptr<RunNetwork> cachedRun(const std::string& path) {
    PreviewCache& c = previewCache();
    const std::lock_guard<std::mutex> lock(c.mutex);
    std::error_code ec;
    const auto time = std::filesystem::last_write_time(path, ec);
    if (c.run && c.runPath == path && !ec && time == c.runTime) return c.run;
    // Verified once per file version; the cache stands for the verification after that.
    c.run = std::make_shared<RunNetwork>(loadRunNetwork(path, /*verify=*/true));
    c.runPath = path;
    c.runTime = time;
    return c.run;
}

std::string sampleImagePath(const PreviewInputs& inputs) {
    if (!inputs.imagePath.empty()) return inputs.imagePath;
    if (inputs.dataDir.empty())
        throw DataError("no sample image: choose a training folder or drop an image on the canvas");
    PreviewCache& c = previewCache();
    const std::lock_guard<std::mutex> lock(c.mutex);
    if (c.dataDir != inputs.dataDir) {
        c.firstImage = scanImageFolder(inputs.dataDir).entries.at(0).path;
        c.dataDir = inputs.dataDir;
    }
    return c.firstImage;
}

// Each parameter and buffer of `from` whose name and shape `to` has too.
void copyMatchingState(const torch::nn::Module& from, torch::nn::Module& to) {
    torch::NoGradGuard noGrad;
    const auto params = from.named_parameters();
    for (auto& p : to.named_parameters())
        if (const torch::Tensor* src = params.find(p.key()); src && src->sizes() == p.value().sizes())
            p.value().copy_(*src);
    const auto buffers = from.named_buffers();
    for (auto& b : to.named_buffers())
        if (const torch::Tensor* src = buffers.find(b.key()); src && src->sizes() == b.value().sizes())
            b.value().copy_(*src);
}

// The image as the network sees it: with the run's statistics, or standardized per channel by
// its own (without a run there are no dataset statistics to use).
torch::Tensor sampleBatch(const Design& design, const std::string& path, const RunNetwork* run) {
    const ImageSpec spec = inputImageSpec(design);
    torch::Tensor normalized, pixels;
    if (run && int(run->valid.mean.size()) == spec.channels) {
        loadProbeImage(path, spec, run->valid.mean, run->valid.stdev, normalized, pixels);
        return normalized;
    }
    const std::vector<double> zero(size_t(spec.channels), 0.0), one(size_t(spec.channels), 1.0);
    loadProbeImage(path, spec, zero, one, normalized, pixels);
    const torch::Tensor mean = normalized.mean({0, 2, 3}, true);
    const torch::Tensor stdev = normalized.std({0, 2, 3}, false, true).clamp_min(1e-3);
    return (normalized - mean) / stdev;
}

GraphModule previewModel(const Design& design, const PreviewInputs& inputs, const RunNetwork* run) {
    const int classes = run ? int(run->valid.classes.size()) : inputs.classes;
    GraphModule model{nullptr};
    {
        // The initial weights `strata train --seed` starts from (as the pre-flight draws them).
        const std::lock_guard<std::mutex> draws(defaultGeneratorMutex());
        torch::manual_seed(inputs.seed);
        model = GraphModule(design, classes);
    }
    if (run) copyMatchingState(*run->model, *model);
    model->eval();
    return model;
}

torch::Tensor minMaxScaled(const torch::Tensor& t) {
    const float lo = t.min().item<float>(), hi = t.max().item<float>();
    if (hi > lo) return (t - lo) * (255.0f / (hi - lo));
    return torch::full_like(t, hi > 0 ? 128.0f : 0.0f);
}

// The first channels, averaged down to kPreviewMaxTile on the longer side when larger.
torch::Tensor previewMaps(const torch::Tensor& chw, int shown) {
    const torch::Tensor maps = chw.slice(0, 0, shown);
    const int64_t longer = std::max(chw.size(1), chw.size(2));
    if (longer <= kPreviewMaxTile) return maps;
    const double scale = double(kPreviewMaxTile) / double(longer);
    const int64_t h = std::max<int64_t>(1, std::llround(double(chw.size(1)) * scale));
    const int64_t w = std::max<int64_t>(1, std::llround(double(chw.size(2)) * scale));
    return torch::adaptive_avg_pool2d(maps.unsqueeze(0), {h, w}).squeeze(0);
}

Picture gridPicture(const torch::Tensor& output, int& shown) {
    shown = int(std::min<int64_t>(output.size(0), kPreviewMaxChannels));
    const torch::Tensor chw = previewMaps(output, shown);
    const int h = int(chw.size(1)), w = int(chw.size(2));
    Picture p;
    previewGridSize(shown, h, w, p.width, p.height);
    p.pixels.assign(size_t(p.width) * size_t(p.height), 0);
    const int columns = (p.width + kPreviewGap) / (w + kPreviewGap);
    for (int c = 0; c < shown; ++c) {
        const torch::Tensor map = minMaxScaled(chw[c]).round().clamp(0, 255).to(torch::kUInt8).contiguous();
        const uint8_t* src = map.data_ptr<uint8_t>();
        const int x0 = (c % columns) * (w + kPreviewGap), y0 = (c / columns) * (h + kPreviewGap);
        for (int y = 0; y < h; ++y)
            std::copy(src + y * w, src + (y + 1) * w, p.pixels.begin() + (y0 + y) * p.width + x0);
    }
    return p;
}

// Bars rise from the bottom in proportion to each unit's value over the units shown.
Picture stripPicture(const torch::Tensor& vector, int& shown) {
    shown = int(std::min<int64_t>(vector.numel(), kPreviewMaxUnits));
    const torch::Tensor scaled = minMaxScaled(vector.flatten().slice(0, 0, shown)).contiguous();
    const float* v = scaled.data_ptr<float>();
    Picture p;
    p.width = shown * kPreviewBarWidth;
    p.height = kPreviewStripHeight;
    p.pixels.assign(size_t(p.width) * size_t(p.height), 32);
    for (int u = 0; u < shown; ++u) {
        const int bar = int(std::lround(v[u] / 255.0f * float(p.height)));
        for (int y = p.height - bar; y < p.height; ++y)
            for (int x = 0; x < kPreviewBarWidth; ++x) p.pixels[size_t(y * p.width + u * kPreviewBarWidth + x)] = 230;
    }
    return p;
}

NodePreview nodePreview(const CompiledLayer& layer, const torch::Tensor& output) {
    NodePreview n;
    n.id = layer.id;
    const torch::Tensor one = output[0].to(torch::kFloat32).contiguous();
    n.shape.assign(one.sizes().begin(), one.sizes().end());
    n.spatial = one.dim() == 3;
    n.picture = n.spatial ? gridPicture(one, n.shown) : stripPicture(one, n.shown);
    return n;
}

}  // namespace

void previewGridSize(int maps, int height, int width, int& gridWidth, int& gridHeight) {
    const int columns = std::max(1, int(std::ceil(std::sqrt(double(std::max(maps, 1))))));
    const int rows = (std::max(maps, 1) + columns - 1) / columns;
    gridWidth = columns * width + (columns - 1) * kPreviewGap;
    gridHeight = rows * height + (rows - 1) * kPreviewGap;
}

NodePreviews computeNodePreviews(const Design& design, const PreviewInputs& inputs) {
    const auto start = std::chrono::steady_clock::now();
    NodePreviews result;
    result.imagePath = sampleImagePath(inputs);
    const std::shared_ptr<RunNetwork> run = inputs.runPath.empty() ? nullptr : cachedRun(inputs.runPath);
    GraphModule model = previewModel(design, inputs, run.get());
    const torch::Tensor batch = sampleBatch(design, result.imagePath, run.get());
    result.runWeights = run != nullptr;

    torch::NoGradGuard noGrad;
    std::map<std::string, torch::Tensor> outputs;
    model->forward(batch, outputs);
    for (const CompiledLayer& layer : model->layers()) {
        const auto out = outputs.find(layer.id);
        if (out != outputs.end() && out->second.defined()) result.nodes.push_back(nodePreview(layer, out->second));
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace strata
