// strata features RUN.h5 --image IMG --out DIR [--data DIR] [--layer ID]
#include <cstdio>
#include <filesystem>

#include "Commands.h"
#include "Options.h"
#include "insight/AttentionMaps.h"
#include "insight/FeatureFiles.h"
#include "insight/Insight.h"

namespace strata::cli {

int featuresCommand(const Args& args) {
    Options opts("features", "RUN.h5 --image IMG --out DIR [--data DIR] [--layer ID]",
                 "Shows what the early, middle and deep layers of a trained run respond to: writes PNGs of\n"
                 "the first convolution's filters, the activation maps of IMG in the representative\n"
                 "layers, their max-activating dataset patches and a saliency map of IMG, plus\n"
                 "DIR/index.json naming each file with its layer, depth and role (strata.features/1).\n"
                 "For a design with attention, also each block's attention to the patches of IMG (the\n"
                 "heads' mean and each head), the attention rollout, and each block's mean attention\n"
                 "distance over the dataset sample.",
                 {{"--image", "IMG", "the image to look at (required)"},
                  {"--out", "DIR", "output folder (required; created when missing)"},
                  {"--data", "DIR", "image folder for the patches (default: the run's training folder)"},
                  {"--layer", "ID", "also show this layer (activations and patches)"},
                  {"--samples", "N", "dataset images searched for patches (default 1000)"},
                  {"--threads", "N", "compute threads (default: number of cores)"},
                  noVerifyOption()});
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata features: expected one RUN.h5 (see strata features --help)");
    if (!opts.has("--image")) throw UsageError("strata features: --image IMG is required");
    if (!opts.has("--out")) throw UsageError("strata features: --out DIR is required");
    const std::string image = opts.get("--image");
    if (!std::filesystem::is_regular_file(image)) throw UsageError(image + ": no such image file");

    SnapshotOptions o;
    o.verify = !opts.has("--no-verify");
    if (!o.verify) printNote(opts.positionals()[0] + ": not verified (--no-verify): damaged contents would go unnoticed");
    o.probeImage = image;
    o.dataDir = opts.get("--data");
    o.pinnedLayer = opts.get("--layer");
    o.sampleImages = opts.getInt("--samples", o.sampleImages);
    o.threads = opts.getInt("--threads", 0);
    o.probe = false;  // `strata probe` measures the hierarchy; these are pictures
    if (o.sampleImages < 1) throw UsageError("--samples must be at least 1");
    if (o.threads < 0) throw UsageError("--threads must be at least 1");

    const FeatureSnapshot snapshot = computeSnapshot(opts.positionals()[0], o);
    AttentionOptions a;  // the same image and sample as the snapshot
    a.probeImage = o.probeImage;
    a.dataDir = o.dataDir;
    a.sampleImages = o.sampleImages;
    a.threads = o.threads;
    a.verify = o.verify;
    const AttentionView attention = computeAttention(opts.positionals()[0], a);
    const nlohmann::json index =
        writeFeatureFiles(snapshot, opts.get("--out"), std::filesystem::path(image).stem().string(), &attention);
    for (const auto& item : index.at("items"))
        std::printf("%-12s %-16s depth %-3d %-7s %s\n", item.at("kind").get<std::string>().c_str(),
                    item.at("layer").get<std::string>().c_str(), item.at("depth").get<int>(),
                    item.at("role").get<std::string>().c_str(),
                    (std::filesystem::path(opts.get("--out")) / item.at("file").get<std::string>()).string().c_str());
    for (const AttentionBlock& b : attention.blocks)
        std::printf("attention distance %-12s %.1f px (mean of %d images)\n", b.layer.c_str(), b.meanDistance,
                    attention.distanceImages);
    std::printf("predicted: %s (%.3f)\nindex: %s\n", snapshot.saliency.predicted.c_str(), snapshot.saliency.probability,
                (std::filesystem::path(opts.get("--out")) / "index.json").string().c_str());
    return kExitOk;
}

}  // namespace strata::cli
