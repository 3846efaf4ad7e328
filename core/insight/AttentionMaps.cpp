#include "insight/AttentionCompute.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "compile/TokenModules.h"
#include "insight/Pictures.h"
#include "insight/ReceptiveField.h"
#include "train/RunNetwork.h"

namespace strata {

namespace {

constexpr int64_t kAttentionBatch = 128;
constexpr uint64_t kAttentionSampleSeed = 0;  // the same images as the feature snapshot's sample

// The attention modules of a model in execution order, each keeping its weights while this
// lives (and no longer afterwards: the tensors are large and training does not want them).
class KeptAttention {
public:
    explicit KeptAttention(GraphModuleImpl& model) {
        const auto children = model.named_children();
        for (const CompiledLayer& l : model.layers()) {
            if (l.type != "MultiheadAttention") continue;
            const auto* child = children.find(l.id);
            auto module = child ? std::dynamic_pointer_cast<SelfAttentionImpl>(*child) : nullptr;
            if (!module) continue;
            module->keepAttention = true;
            layers.push_back(l);
            modules.push_back(module);
        }
    }
    ~KeptAttention() {
        for (auto& m : modules) {
            m->keepAttention = false;
            m->lastAttention = torch::Tensor();
        }
    }
    std::vector<CompiledLayer> layers;
    std::vector<std::shared_ptr<SelfAttentionImpl>> modules;
};

std::vector<float> floatsOf(const torch::Tensor& t) {
    const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// [P, P] distances between patch centres, in input pixels.
torch::Tensor patchDistances(const TokenGrid& g) {
    const torch::Tensor index = torch::arange(g.patches(), torch::kFloat64);
    const torch::Tensor row = torch::floor(index / g.gridWidth), col = index - row * g.gridWidth;
    const torch::Tensor dy = row.unsqueeze(1) - row.unsqueeze(0), dx = col.unsqueeze(1) - col.unsqueeze(0);
    return torch::sqrt(dy * dy + dx * dx) * double(g.patchSize);
}

// Distances over `sample`, added into the blocks (and divided by the image count at the end).
void addDistances(GraphModuleImpl& model, const std::vector<std::shared_ptr<SelfAttentionImpl>>& modules,
                  const std::vector<TokenGrid>& grids, const SampleSet& sample, AttentionView& view) {
    std::vector<torch::Tensor> sums(modules.size());
    for (int64_t begin = 0; begin < sample.size(); begin += kAttentionBatch) {
        const int64_t count = std::min(kAttentionBatch, sample.size() - begin);
        model.forward(sample.images.narrow(0, begin, count));
        for (size_t i = 0; i < modules.size(); ++i) {
            const torch::Tensor s = attentionDistanceSum(modules[i]->lastAttention, grids[i]);
            sums[i] = sums[i].defined() ? sums[i] + s : s;
        }
    }
    view.distanceImages = int(sample.size());
    if (sample.size() == 0) return;
    for (size_t i = 0; i < view.blocks.size(); ++i) {
        const torch::Tensor perHead = sums[i] / double(sample.size());
        AttentionBlock& b = view.blocks[i];
        b.headDistance.assign(perHead.data_ptr<double>(), perHead.data_ptr<double>() + perHead.numel());
        b.meanDistance = perHead.mean().item<double>();
    }
}

}  // namespace

bool hasAttention(const DesignAnalysis& analysis) {
    return std::any_of(analysis.nodes.begin(), analysis.nodes.end(),
                       [](const NodeAnalysis& n) { return n.type == "MultiheadAttention"; });
}

bool tokenGridFor(const DesignAnalysis& analysis, int64_t tokens, TokenGrid& grid) {
    bool classToken = false;
    const NodeAnalysis* patches = nullptr;
    for (const NodeAnalysis& n : analysis.nodes) {
        if (n.type == "PatchEmbed" && !patches) patches = &n;
        classToken = classToken || n.type == "ClassToken";
    }
    if (!patches || patches->inputs.empty() || patches->inputs[0].size() != 3) return false;
    const int p = int(patches->params.i("patch_size"));
    grid.patchSize = p;
    grid.gridHeight = int(patches->inputs[0][1]) / p;
    grid.gridWidth = int(patches->inputs[0][2]) / p;
    grid.firstPatch = int(tokens) - grid.patches();
    return grid.firstPatch == 0 || (grid.firstPatch == 1 && classToken);
}

bool tokenGridOf(const DesignAnalysis& analysis, const std::string& attentionNode, TokenGrid& grid) {
    const NodeAnalysis* node = analysis.find(attentionNode);
    if (!node || node->inputs.empty() || node->inputs[0].size() != 2) return false;
    return tokenGridFor(analysis, node->inputs[0][0], grid);
}

torch::Tensor patchAttention(const torch::Tensor& attention, const TokenGrid& grid) {
    const torch::Tensor toPatches = attention.narrow(2, grid.firstPatch, grid.patches());  // [heads, T, P]
    return grid.firstPatch == 1 ? toPatches.select(1, 0) : toPatches.mean(1);
}

torch::Tensor rolloutMatrix(const std::vector<torch::Tensor>& attentions) {
    torch::Tensor rollout;
    for (const torch::Tensor& a : attentions) {
        if (rollout.defined() && a.size(-1) != rollout.size(0)) continue;  // another token count: not one chain
        torch::Tensor mixed = a.to(torch::kFloat64).mean(0);
        mixed = mixed + torch::eye(mixed.size(0), mixed.options());
        mixed = mixed / mixed.sum(-1, /*keepdim=*/true);
        // Later blocks act on what the earlier ones mixed: the last block's matrix goes left.
        rollout = rollout.defined() ? torch::matmul(mixed, rollout) : mixed;
    }
    return rollout;
}

torch::Tensor attentionDistanceSum(const torch::Tensor& attention, const TokenGrid& grid) {
    const int64_t first = grid.firstPatch, count = grid.patches();
    torch::Tensor a = attention.to(torch::kFloat64).narrow(2, first, count).narrow(3, first, count);  // [N, h, P, P]
    a = a / a.sum(-1, /*keepdim=*/true).clamp_min(1e-12);
    const torch::Tensor perQuery = (a * patchDistances(grid)).sum(-1);  // [N, h, P]
    return perQuery.mean(-1).sum(0);
}

AttentionView attentionOn(GraphModuleImpl& model, const torch::Tensor& probe, const Picture& picture,
                          const SampleSet& sample) {
    AttentionView view;
    view.probeImage = picture;
    const bool wasTraining = model.is_training();
    model.eval();
    torch::NoGradGuard noGrad;
    KeptAttention kept(model);
    std::vector<TokenGrid> grids;
    std::vector<torch::Tensor> probeAttention;
    std::vector<std::shared_ptr<SelfAttentionImpl>> used;  // the blocks with maps, for the distances
    model.forward(probe);
    for (size_t i = 0; i < kept.layers.size(); ++i) {
        TokenGrid grid;
        if (!tokenGridOf(model.analysis(), kept.layers[i].id, grid)) continue;  // tokens that are not patches
        const torch::Tensor a = kept.modules[i]->lastAttention[0];             // [heads, T, T]
        const torch::Tensor maps = patchAttention(a, grid);
        AttentionBlock b;
        b.layer = kept.layers[i].id;
        b.order = int(view.blocks.size()) + 1;
        b.depth = kept.layers[i].depth;
        for (int64_t h = 0; h < maps.size(0); ++h) b.headMaps.push_back(floatsOf(maps[h]));
        b.meanMap = floatsOf(maps.mean(0));
        view.blocks.push_back(std::move(b));
        view.gridHeight = grid.gridHeight;
        view.gridWidth = grid.gridWidth;
        view.patchSize = grid.patchSize;
        view.classToken = grid.firstPatch == 1;
        grids.push_back(grid);
        probeAttention.push_back(a);
        used.push_back(kept.modules[i]);
    }
    if (!probeAttention.empty()) {
        const torch::Tensor rolled = rolloutMatrix(probeAttention).unsqueeze(0);  // [1, T, T] as one "head"
        view.rollout = floatsOf(patchAttention(rolled, grids.front())[0]);
        addDistances(model, used, grids, sample, view);
    }
    model.train(wasTraining);
    return view;
}

std::vector<SightPoint> convolutionSight(const DesignAnalysis& analysis) {
    const std::map<std::string, ReceptiveField> fields = receptiveFields(analysis);
    std::vector<SightPoint> points;
    for (const NodeAnalysis& n : analysis.nodes) {
        if (n.type != "Conv2d") continue;
        const ReceptiveField& f = fields.at(n.id);
        points.push_back({n.id, int(points.size()) + 1, f.size});
    }
    return points;
}

std::vector<SightPoint> attentionSight(const AttentionView& view) {
    std::vector<SightPoint> points;
    for (const AttentionBlock& b : view.blocks) points.push_back({b.layer, b.order, b.meanDistance});
    return points;
}

AttentionView computeAttention(const std::string& runPath, const AttentionOptions& options) {
    RunNetwork r = loadRunNetwork(runPath, options.verify);
    if (!hasAttention(r.model->analysis())) return {};
    at::set_num_threads(options.threads > 0 ? options.threads : int(std::max(1u, std::thread::hardware_concurrency())));
    std::string dir = options.dataDir;
    if (dir.empty()) {
        const auto it = r.valid.data.config.find("data");
        if (it == r.valid.data.config.end() || !it->is_string() || it->get<std::string>().empty())
            throw DataError(runPath + ": the run names no training folder; give --data DIR");
        dir = it->get<std::string>();
    }
    const std::string probePath = options.probeImage.empty() ? scanImageFolder(dir).entries.at(0).path : options.probeImage;
    torch::Tensor probe, probePixels;
    loadProbeImage(probePath, r.spec, r.valid.mean, r.valid.stdev, probe, probePixels);
    const SampleSet sample = sampleImageFolder(dir, r.spec, r.valid.mean, r.valid.stdev, r.valid.classes,
                                               options.sampleImages, kAttentionSampleSeed);
    return attentionOn(*r.model, probe, imagePicture(probePixels), sample);
}

Picture attentionOverlay(const Picture& image, const std::vector<float>& map, int gridHeight, int gridWidth) {
    Picture heat;
    heat.width = image.width;
    heat.height = image.height;
    heat.pixels.assign(size_t(image.width) * image.height, 0);
    if (map.size() != size_t(gridHeight) * gridWidth || gridHeight < 1 || gridWidth < 1) return heatOverlay(image, heat);
    const float hi = *std::max_element(map.begin(), map.end());
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x) {
            // Nearest patch: each patch's square shows its own weight, as the layer sees it.
            const int gy = std::min(gridHeight - 1, y * gridHeight / image.height);
            const int gx = std::min(gridWidth - 1, x * gridWidth / image.width);
            const float v = hi > 0 ? std::max(0.0f, map[size_t(gy) * gridWidth + gx]) / hi : 0.0f;
            heat.pixels[size_t(y) * image.width + x] = uint8_t(std::lround(255 * v));
        }
    return heatOverlay(image, heat);
}

}  // namespace strata
