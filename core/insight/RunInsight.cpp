// computeSnapshot / probeLayers (Insight.h): the feature computations on a saved run, for the
// command line and the studio's workers.
#include "insight/Insight.h"

#include <algorithm>
#include <thread>

#include "insight/LayerRoles.h"
#include "insight/SampleSet.h"
#include "insight/SnapshotCompute.h"
#include "train/RunNetwork.h"

namespace strata {

namespace {

constexpr uint64_t kSampleSeed = 0;  // the same images for every call on a folder

using LoadedRun = RunNetwork;

LoadedRun loadRun(const std::string& runPath, int threads, bool verify) {
    LoadedRun r = loadRunNetwork(runPath, verify);
    at::set_num_threads(threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency())));
    return r;
}

std::string dataDirOf(const LoadedRun& r, const std::string& dataDir, const std::string& runPath) {
    if (!dataDir.empty()) return dataDir;
    const auto it = r.valid.data.config.find("data");
    if (it == r.valid.data.config.end() || !it->is_string() || it->get<std::string>().empty())
        throw DataError(runPath + ": the run names no training folder; give --data DIR");
    return it->get<std::string>();
}

}  // namespace

FeatureSnapshot computeSnapshot(const std::string& runPath, const SnapshotOptions& options) {
    LoadedRun r = loadRun(runPath, options.threads, options.verify);
    if (!options.pinnedLayer.empty() && !isPinnableLayer(r.model->analysis(), options.pinnedLayer))
        throw std::invalid_argument(runPath + ": the design has no layer \"" + options.pinnedLayer + "\" to show");
    // The probe image first: a missing image is the likeliest mistake and the cheapest to find.
    torch::Tensor probe, probePixels;
    std::string probePath = options.probeImage;
    const std::string dir = dataDirOf(r, options.dataDir, runPath);
    if (probePath.empty()) probePath = scanImageFolder(dir).entries.at(0).path;
    loadProbeImage(probePath, r.spec, r.valid.mean, r.valid.stdev, probe, probePixels);

    const SampleSet sample = sampleImageFolder(dir, r.spec, r.valid.mean, r.valid.stdev, r.valid.classes, options.sampleImages, kSampleSeed);
    SnapshotRequest request;
    request.classes = r.valid.classes;
    request.sample = &sample;
    request.probe = probe;
    request.probePixels = probePixels;
    request.pinnedLayer = options.pinnedLayer;
    request.topChannels = options.topChannels;
    request.patchesPerChannel = options.patchesPerChannel;
    request.probeLayers = options.probe;
    FeatureSnapshot snap = computeSnapshotOn(*r.model, request, int(r.valid.data.epoch));

    // What only training knows comes from the snapshot recorded with the run.
    FeatureSnapshot recorded;
    if (readSnapshot(r.valid.data, recorded)) {
        snap.gradients = recorded.gradients;
        if (recorded.projection.hasInitialSilhouette && recorded.projection.layer == snap.projection.layer) {
            snap.projection.hasInitialSilhouette = true;
            snap.projection.initialSilhouette = recorded.projection.initialSilhouette;
        }
    }
    return snap;
}

std::vector<ProbePoint> probeLayers(const std::string& runPath, const std::string& dataDir, int samples, int threads,
                                    bool verify) {
    if (samples < 4) throw std::invalid_argument("--samples must be at least 4 (got " + std::to_string(samples) + ")");
    LoadedRun r = loadRun(runPath, threads, verify);
    const std::string dir = dataDirOf(r, dataDir, runPath);
    const SampleSet sample = sampleImageFolder(dir, r.spec, r.valid.mean, r.valid.stdev, r.valid.classes, samples, kSampleSeed);
    return probeAllLayers(*r.model, sample, int(r.valid.classes.size()));
}

}  // namespace strata
