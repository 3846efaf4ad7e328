#include "insight/SnapshotCompute.h"

#include <set>
#include <stdexcept>

#include "insight/Activations.h"
#include "insight/Confusion.h"
#include "insight/LayerRoles.h"
#include "insight/LinearProbe.h"
#include "insight/Patches.h"
#include "insight/Pictures.h"
#include "insight/Projection.h"
#include "insight/ReceptiveField.h"
#include "insight/Saliency.h"
#include "insight/SmallTensorThreads.h"

namespace strata {

namespace {

constexpr int64_t kBatch = 128;

// Eval mode for the duration of a snapshot, the previous mode back afterwards (also on throw).
class EvalMode {
public:
    explicit EvalMode(GraphModuleImpl& m) : model_(m), wasTraining_(m.is_training()) { model_.eval(); }
    ~EvalMode() { model_.train(wasTraining_); }

private:
    GraphModuleImpl& model_;
    bool wasTraining_;
};

struct SamplePass {
    std::map<std::string, torch::Tensor> pooled;  // layer id -> [N, F]
    torch::Tensor predicted;                      // int64 [N]
};

// One pass over the sample in batches: pooled features of `layers`, predictions, and the
// outputs handed to the patch collectors.
SamplePass runSample(GraphModuleImpl& model, const SampleSet& sample, const std::vector<LayerDepth>& layers,
                     std::vector<PatchCollector>* collectors, const std::vector<std::string>& collectorLayers) {
    torch::NoGradGuard noGrad;
    std::set<std::string> keep;
    for (const LayerDepth& l : layers) keep.insert(l.id);
    keep.insert(collectorLayers.begin(), collectorLayers.end());
    if (keep.empty()) keep.insert("\x01");  // an empty set would keep every output
    std::map<std::string, std::vector<torch::Tensor>> parts;
    std::vector<torch::Tensor> predictions;
    for (int64_t begin = 0; begin < sample.size(); begin += kBatch) {
        const int64_t count = std::min(kBatch, sample.size() - begin);
        std::map<std::string, torch::Tensor> outputs;
        torch::Tensor logits = model.forward(sample.images.narrow(0, begin, count), outputs, keep);
        predictions.push_back(logits.argmax(1));
        for (const LayerDepth& l : layers) parts[l.id].push_back(pooledFeatures(outputs.at(l.id)));
        if (collectors)
            for (size_t i = 0; i < collectors->size(); ++i) (*collectors)[i].add(outputs.at(collectorLayers[i]), begin);
    }
    SamplePass pass;
    for (auto& [id, list] : parts) pass.pooled[id] = torch::cat(list, 0);
    pass.predicted = predictions.empty() ? torch::zeros({0}, torch::kInt64) : torch::cat(predictions, 0);
    return pass;
}

std::vector<ProbePoint> probes(const std::vector<LayerDepth>& layers, const SamplePass& pass, const SampleSet& sample,
                               int classes, uint64_t seed) {
    SingleThreaded oneThread;
    std::vector<ProbePoint> points;
    for (const LayerDepth& l : layers) {
        ProbePoint p;
        p.layer = l.id;
        p.depth = l.depth;
        p.role = l.role;
        p.accuracy = linearProbeAccuracy(pass.pooled.at(l.id), sample.labels, classes, seed);
        points.push_back(std::move(p));
    }
    return points;
}

// The patch grid of a token layer's output, so its channels show as maps over the image.
bool tokenGridOfOutput(const DesignAnalysis& analysis, const std::string& layer, TokenGrid& grid) {
    const NodeAnalysis* n = analysis.find(layer);
    return n && n->output.size() == 2 && tokenGridFor(analysis, n->output[0], grid);
}

}  // namespace

FeatureSnapshot computeSnapshotOn(GraphModuleImpl& model, const SnapshotRequest& request, int epoch) {
    const SampleSet& sample = *request.sample;
    const DesignAnalysis& analysis = model.analysis();
    EvalMode evalMode(model);

    FeatureSnapshot snap;
    snap.epoch = epoch;
    snap.classes = request.classes;
    snap.layers = hierarchyLayers(analysis);
    snap.sampleImages = int(sample.size());

    // The layers shown: the three representatives, then the pinned one.
    std::vector<LayerDepth> shown;
    for (const char* role : {"early", "middle", "deep"})
        if (const LayerDepth* l = layerWithRole(snap.layers, role)) shown.push_back(*l);
    if (!request.pinnedLayer.empty()) {
        if (!isPinnableLayer(analysis, request.pinnedLayer))
            throw std::invalid_argument("layer \"" + request.pinnedLayer + "\" is not a layer of the design with an output");
        snap.pinnedLayer = request.pinnedLayer;
        bool already = false;
        for (const LayerDepth& l : shown) already = already || l.id == request.pinnedLayer;
        if (!already) {
            const NodeAnalysis* n = analysis.find(request.pinnedLayer);
            LayerDepth l;
            l.id = n->id;
            l.type = n->type;
            l.depth = n->depth;
            l.spatial = n->output.size() == 3;
            for (const LayerDepth& h : snap.layers)
                if (h.id == l.id) l.role = h.role;
            shown.push_back(std::move(l));
        }
    }

    for (const CompiledLayer& l : model.layers()) {
        if (l.type != "Conv2d") continue;
        snap.filtersLayer = l.id;
        torch::NoGradGuard noGrad;
        snap.filters = filterGrid(model.named_parameters(/*recurse=*/true)[l.id + ".weight"]);
        break;
    }

    snap.probeImage = imagePicture(request.probePixels);
    {
        torch::NoGradGuard noGrad;
        std::set<std::string> keep;
        for (const LayerDepth& l : shown) keep.insert(l.id);
        if (keep.empty()) keep.insert("\x01");
        std::map<std::string, torch::Tensor> outputs;
        model.forward(request.probe, outputs, keep);
        for (const LayerDepth& l : shown) {
            TokenGrid grid;
            const bool tokens = tokenGridOfOutput(analysis, l.id, grid);
            snap.activations.push_back(layerActivations(outputs.at(l.id)[0], l, request.topChannels, tokens ? &grid : nullptr));
        }
    }

    const std::map<std::string, ReceptiveField> fields = receptiveFields(analysis);
    std::vector<PatchCollector> collectors;
    std::vector<std::string> collectorLayers;
    for (const LayerActivations& a : snap.activations) {
        TokenGrid grid;
        const bool tokens = tokenGridOfOutput(analysis, a.layer, grid);
        collectors.emplace_back(a, fields.at(a.layer), request.patchesPerChannel, tokens ? grid.firstPatch : -1);
        collectorLayers.push_back(a.layer);
    }
    const int classes = int(request.classes.size());
    if (sample.size() > 0) {
        SamplePass pass = runSample(model, sample, snap.layers, &collectors, collectorLayers);
        for (const PatchCollector& c : collectors) snap.patches.push_back(c.finish(sample));
        if (request.probeLayers) snap.probe = probes(snap.layers, pass, sample, classes, request.seed);
        const LayerDepth* deep = layerWithRole(snap.layers, "deep");
        if (!deep && !snap.layers.empty()) deep = &snap.layers.back();
        SingleThreaded oneThread;
        if (deep) snap.projection = projectFeatures(pass.pooled.at(deep->id), sample.labels, deep->id);
        snap.confusion = confusionView(pass.predicted, sample.labels, sample.paths, classes);
    }
    SingleThreaded oneThread;  // one image
    snap.saliency = saliencyMap(model, request.probe, snap.probeImage, request.classes);
    return snap;
}

std::vector<ProbePoint> probeAllLayers(GraphModuleImpl& model, const SampleSet& sample, int classes, uint64_t seed) {
    EvalMode evalMode(model);
    const std::vector<LayerDepth> layers = hierarchyLayers(model.analysis());
    if (sample.size() == 0) return {};
    SamplePass pass = runSample(model, sample, layers, nullptr, {});
    return probes(layers, pass, sample, classes, seed);
}

}  // namespace strata
