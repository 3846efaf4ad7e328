#include "insight/FeaturesObserver.h"

#include <chrono>
#include <cstdio>

#include "insight/Insight.h"
#include "insight/LayerRoles.h"
#include "insight/SnapshotCompute.h"

namespace strata {

FeaturesObserver::FeaturesObserver(FeatureWatchSetup setup, const GradientNormsObserver* gradients)
    : setup_(std::move(setup)), gradients_(gradients) {
    sample_ = sampleBatchSource(*setup_.source, setup_.pool, setup_.paths, setup_.mean, setup_.stdev,
                                setup_.sampleImages, setup_.seed);
    bool loaded = false;
    if (!setup_.probeImage.empty()) {
        try {
            loadProbeImage(setup_.probeImage, setup_.spec, setup_.mean, setup_.stdev, probe_, probePixels_);
            loaded = true;
        } catch (const DataError& e) {
            if (setup_.log) setup_.log(std::string("features: ") + e.what() + "; using the first image instead");
        }
    }
    if (!loaded && !setup_.pool.empty()) {
        probe_ = setup_.source->images({setup_.pool.front()});
        SampleSet first = sampleBatchSource(*setup_.source, {setup_.pool.front()}, setup_.paths, setup_.mean,
                                            setup_.stdev, 1, 0);
        probePixels_ = first.pixels[0];
    }
    FeatureSnapshot earlier;
    if (setup_.resumed && readSnapshot(*setup_.resumed, earlier) && earlier.projection.hasInitialSilhouette) {
        hasInitial_ = true;
        initialSilhouette_ = earlier.projection.initialSilhouette;
        initialLayer_ = earlier.projection.layer;
    }
}

void FeaturesObserver::epochEnd(GraphModuleImpl& model, int epoch, RunData& run) {
    if (!probe_.defined()) return;
    const auto start = std::chrono::steady_clock::now();
    try {
        SnapshotRequest request;
        request.classes = setup_.classes;
        request.sample = &sample_;
        request.probe = probe_;
        request.probePixels = probePixels_;
        request.seed = setup_.seed;
        const std::string pinned = setup_.pinnedLayer ? setup_.pinnedLayer() : std::string();
        if (!pinned.empty() && isPinnableLayer(model.analysis(), pinned)) request.pinnedLayer = pinned;
        else if (!pinned.empty() && setup_.log) setup_.log("features: no layer \"" + pinned + "\" to pin");
        FeatureSnapshot snap = computeSnapshotOn(model, request, epoch);
        if (gradients_) snap.gradients = gradients_->history();
        FeatureProjection& proj = snap.projection;
        if (epoch == 0 && !hasInitial_) {
            hasInitial_ = true;
            initialSilhouette_ = proj.silhouette;
            initialLayer_ = proj.layer;
        }
        if (hasInitial_ && initialLayer_ == proj.layer) {
            proj.hasInitialSilhouette = true;
            proj.initialSilhouette = initialSilhouette_;
        }
        storeSnapshot(snap, run);
        if (setup_.log) {
            char line[256];
            std::snprintf(line, sizeof line, "features: epoch %d snapshot in %.2f s; %s silhouette %.3f (2-D PCA), %.3f (all dimensions)", epoch,
                          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                          proj.layer.c_str(), proj.silhouette, proj.silhouetteFull);
            std::string text = line;
            if (proj.hasInitialSilhouette && epoch > 0) {
                std::snprintf(line, sizeof line, "; 2-D %.3f before training", proj.initialSilhouette);
                text += line;
            }
            setup_.log(text);
        }
        if (setup_.emit) setup_.emit(snap);
    } catch (const c10::Error& e) {  // one line, not torch's backtrace
        if (setup_.log)
            setup_.log("features: snapshot of epoch " + std::to_string(epoch) + " failed: " + e.what_without_backtrace());
    } catch (const std::exception& e) {
        if (setup_.log) setup_.log("features: snapshot of epoch " + std::to_string(epoch) + " failed: " + e.what());
    }
}

void FeaturesObserver::runStart(GraphModuleImpl& model, RunData& run, bool resumed) {
    if (!resumed) epochEnd(model, 0, run);
}

FeatureSnapshotExtension::FeatureSnapshotExtension(std::function<void(const FeatureSnapshot&)> emit)
    : emit_(std::move(emit)) {}

void FeatureSnapshotExtension::setPinnedLayer(const std::string& layer) {
    std::lock_guard<std::mutex> lock(pinnedMutex_);
    pinnedLayer_ = layer;
}

std::string FeatureSnapshotExtension::pinnedLayer() const {
    std::lock_guard<std::mutex> lock(pinnedMutex_);
    return pinnedLayer_;
}

std::vector<std::unique_ptr<TrainingObserver>> FeatureSnapshotExtension::observers(const TrainingSetup& s) {
    std::vector<std::unique_ptr<TrainingObserver>> made;
    if (s.config.rank != 0) return made;  // data-parallel: rank 0 alone snapshots
    const TrainingData& data = s.data;
    FeatureWatchSetup w;
    w.source = &data.valSource();  // the training source when there is no validation
    w.pool = data.hasVal() ? data.valIdx : data.trainIdx;
    w.paths = data.val ? data.valPaths : data.images.paths;
    w.mean = data.mean;
    w.stdev = data.stdev;
    w.classes = data.images.classes;
    w.spec = s.spec;
    w.probeImage = s.config.probeImage;
    w.seed = uint64_t(s.config.seed);
    w.pinnedLayer = [this] { return pinnedLayer(); };
    w.emit = emit_;
    w.log = s.log;
    w.resumed = s.resumed;

    GradientHistory earlier;
    FeatureSnapshot recorded;
    if (w.resumed && readSnapshot(*w.resumed, recorded)) earlier = recorded.gradients;
    auto gradients = std::make_unique<GradientNormsObserver>(earlier);
    auto features = std::make_unique<FeaturesObserver>(std::move(w), gradients.get());
    made.push_back(std::move(gradients));
    made.push_back(std::move(features));
    return made;
}

}  // namespace strata
