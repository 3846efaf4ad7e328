// storeSnapshot / readSnapshot (Insight.h): a FeatureSnapshot as the run file's /features
// arrays, readable by h5py without Strata:
//   meta                      uint8 [bytes]: JSON with every name, number and string
//   filters, probe_image      uint8 [H, W, C]
//   activations/<layer>       uint8 [K, H, W]      (the shown channels' maps, best first)
//   patches/<layer>           uint8 [K, R, h, w, C] (R crops per channel, best first)
//   projection/x, /y          float32 [N]; projection/labels int64 [N]
//   gradients/norms           float32 [layers, steps]; gradients/steps int64 [steps]
//   confusion/counts          int64 [classes, classes]
//   saliency/heat             uint8 [H, W, 1]; saliency/overlay uint8 [H, W, 3]
// Torch-free.
#include "insight/Insight.h"

#include <limits>
#include <stdexcept>

namespace strata {

namespace {

constexpr const char* kMetaFormat = "strata.features-snapshot/1";

NamedArray u8Array(const std::string& name, std::vector<int64_t> shape, std::vector<uint8_t> data) {
    NamedArray a;
    a.name = name;
    a.type = NamedArray::Type::UInt8;
    a.shape = std::move(shape);
    a.u8 = std::move(data);
    return a;
}

NamedArray pictureArray(const std::string& name, const Picture& p) {
    return u8Array(name, {p.height, p.width, p.channels}, p.pixels);
}

// Whether `a` is an array of `type` with `rank` dimensions, each at least 1, that holds exactly
// the values its shape declares. A damaged /features (read --no-verify, or from a file without
// digests) may declare any shape: whatever fails this counts as absent, so no picture or slice
// is ever cut from values that are not there, and no loop runs over a declared 2^40 rows.
bool holds(const NamedArray* a, NamedArray::Type type, size_t rank) {
    if (!a || a->type != type || a->shape.size() != rank) return false;
    const size_t values = type == NamedArray::Type::UInt8   ? a->u8.size()
                          : type == NamedArray::Type::Int64 ? a->i64.size()
                                                            : a->f32.size();
    size_t product = 1;
    for (int64_t d : a->shape) {
        if (d < 1 || d > std::numeric_limits<int>::max() || uint64_t(d) > values) return false;
        product *= size_t(d);  // <= values * d: no overflow, since product <= values before
        if (product > values) return false;
    }
    return product == values;
}

Picture pictureFrom(const NamedArray* a) {
    Picture p;
    if (!holds(a, NamedArray::Type::UInt8, 3)) return p;
    p.height = int(a->shape[0]);
    p.width = int(a->shape[1]);
    p.channels = int(a->shape[2]);
    p.pixels = a->u8;
    return p;
}

// The pixels of pictures of one size, one after another (to be stored along a new first axis);
// throws "<what> differ in size" when their sizes differ.
std::vector<uint8_t> stackedPixels(const std::vector<Picture>& pictures, const std::string& what) {
    std::vector<uint8_t> data;
    for (const Picture& p : pictures) {
        if (p.width != pictures.front().width || p.height != pictures.front().height ||
            p.channels != pictures.front().channels)
            throw std::invalid_argument(what + " differ in size");
        data.insert(data.end(), p.pixels.begin(), p.pixels.end());
    }
    return data;
}

// The i-th of `count` equal pictures packed in `a` (shape [..., H, W, C] with the last three given).
Picture slicePicture(const NamedArray& a, size_t i, int height, int width, int channels) {
    Picture p;
    p.height = height;
    p.width = width;
    p.channels = channels;
    const size_t size = size_t(height) * width * channels;
    if ((i + 1) * size <= a.u8.size()) p.pixels.assign(a.u8.begin() + ptrdiff_t(i * size), a.u8.begin() + ptrdiff_t((i + 1) * size));
    return p;
}

nlohmann::json layerMeta(const std::string& layer, int depth, const std::string& role) {
    return {{"layer", layer}, {"depth", depth}, {"role", role}};
}

}  // namespace

namespace {

// Each part of a snapshot: its metadata as JSON, its arrays appended to `arrays` (the file
// keeps them in this order).
nlohmann::json storeActivations(const std::vector<LayerActivations>& activations, std::vector<NamedArray>& arrays) {
    nlohmann::json acts = nlohmann::json::array();
    for (const LayerActivations& a : activations) {
        nlohmann::json j = layerMeta(a.layer, a.depth, a.role);
        j["channels"] = a.channels;
        j["mean_activation"] = a.meanActivation;
        if (!a.maps.empty()) {
            arrays.push_back(u8Array("activations/" + a.layer,
                                     {int64_t(a.maps.size()), a.maps[0].height, a.maps[0].width},
                                     stackedPixels(a.maps, "activation maps of \"" + a.layer + "\"")));
        }
        acts.push_back(std::move(j));
    }
    return acts;
}

nlohmann::json storePatches(const std::vector<LayerPatches>& layers, std::vector<NamedArray>& arrays) {
    nlohmann::json patches = nlohmann::json::array();
    for (const LayerPatches& p : layers) {
        nlohmann::json j = layerMeta(p.layer, p.depth, p.role);
        j["channels"] = p.channels;
        j["activations"] = p.activations;
        std::vector<Picture> all;
        size_t ranks = p.crops.empty() ? 0 : p.crops[0].size();
        for (const auto& list : p.crops) {
            if (list.size() != ranks) throw std::invalid_argument("patches of \"" + p.layer + "\" differ in count");
            all.insert(all.end(), list.begin(), list.end());
        }
        if (!all.empty()) {
            arrays.push_back(u8Array("patches/" + p.layer,
                                     {int64_t(p.crops.size()), int64_t(ranks), all[0].height, all[0].width, all[0].channels},
                                     stackedPixels(all, "patches of \"" + p.layer + "\"")));
        }
        patches.push_back(std::move(j));
    }
    return patches;
}

nlohmann::json storeProjection(const FeatureProjection& pr, std::vector<NamedArray>& arrays) {
    nlohmann::json meta = {{"layer", pr.layer}, {"silhouette", pr.silhouette}, {"silhouette_full", pr.silhouetteFull}};
    if (pr.hasInitialSilhouette) meta["initial_silhouette"] = pr.initialSilhouette;
    if (!pr.x.empty()) {
        NamedArray x{"projection/x", NamedArray::Type::Float32, {int64_t(pr.x.size())}, pr.x, {}, {}};
        NamedArray y{"projection/y", NamedArray::Type::Float32, {int64_t(pr.y.size())}, pr.y, {}, {}};
        NamedArray labels{"projection/labels", NamedArray::Type::Int64, {int64_t(pr.labels.size())}, {}, {}, {}};
        labels.i64.assign(pr.labels.begin(), pr.labels.end());
        arrays.push_back(std::move(x));
        arrays.push_back(std::move(y));
        arrays.push_back(std::move(labels));
    }
    return meta;
}

nlohmann::json storeGradients(const GradientHistory& g, std::vector<NamedArray>& arrays) {
    if (!g.steps.empty()) {
        arrays.push_back({"gradients/norms", NamedArray::Type::Float32,
                          {int64_t(g.layers.size()), int64_t(g.steps.size())}, g.norms, {}, {}});
        arrays.push_back({"gradients/steps", NamedArray::Type::Int64, {int64_t(g.steps.size())}, {}, g.steps, {}});
    }
    return {{"layers", g.layers}};
}

nlohmann::json storeConfusion(const ConfusionView& c, std::vector<NamedArray>& arrays) {
    if (!c.counts.empty()) {
        NamedArray counts{"confusion/counts", NamedArray::Type::Int64,
                          {int64_t(c.counts.size()), int64_t(c.counts.size())}, {}, {}, {}};
        for (const auto& row : c.counts) counts.i64.insert(counts.i64.end(), row.begin(), row.end());
        arrays.push_back(std::move(counts));
    }
    return {{"per_class_accuracy", c.perClassAccuracy}, {"example_paths", c.examplePaths}};
}

nlohmann::json storeSaliency(const SaliencyView& sv, std::vector<NamedArray>& arrays) {
    if (!sv.heat.empty()) arrays.push_back(pictureArray("saliency/heat", sv.heat));
    if (!sv.overlay.empty()) arrays.push_back(pictureArray("saliency/overlay", sv.overlay));
    return {{"method", sv.method}, {"layer", sv.layer}, {"predicted", sv.predicted}, {"probability", sv.probability}};
}

}  // namespace

void storeSnapshot(const FeatureSnapshot& s, RunData& run) {
    std::vector<NamedArray> arrays;
    nlohmann::json meta = {{"format", kMetaFormat},
                           {"epoch", s.epoch},
                           {"classes", s.classes},
                           {"filters_layer", s.filtersLayer},
                           {"pinned_layer", s.pinnedLayer},
                           {"sample_images", s.sampleImages}};
    nlohmann::json layers = nlohmann::json::array();
    for (const LayerDepth& l : s.layers)
        layers.push_back({{"id", l.id}, {"type", l.type}, {"depth", l.depth}, {"role", l.role}, {"spatial", l.spatial}});
    meta["layers"] = layers;
    if (!s.filters.empty()) arrays.push_back(pictureArray("filters", s.filters));
    if (!s.probeImage.empty()) arrays.push_back(pictureArray("probe_image", s.probeImage));
    meta["activations"] = storeActivations(s.activations, arrays);
    meta["patches"] = storePatches(s.patches, arrays);
    nlohmann::json probe = nlohmann::json::array();
    for (const ProbePoint& p : s.probe) {
        nlohmann::json j = layerMeta(p.layer, p.depth, p.role);
        j["accuracy"] = p.accuracy;
        probe.push_back(std::move(j));
    }
    meta["probe"] = probe;
    meta["projection"] = storeProjection(s.projection, arrays);
    meta["gradients"] = storeGradients(s.gradients, arrays);
    meta["confusion"] = storeConfusion(s.confusion, arrays);
    meta["saliency"] = storeSaliency(s.saliency, arrays);

    // Class names and paths come from file names: replace invalid UTF-8 instead of failing.
    const std::string text = meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    arrays.insert(arrays.begin(), u8Array("meta", {int64_t(text.size())}, std::vector<uint8_t>(text.begin(), text.end())));
    run.features = std::move(arrays);
}

namespace {

// The reading side of each part of a snapshot: `j` its metadata, `a` the snapshot's arrays.
// Missing or misshapen arrays leave the part empty; missing metadata throws (json::exception).
// The fields layerMeta() wrote, plus the channels, for activations and patches alike.
template <typename LayerPart>
void readLayerFields(const nlohmann::json& j, LayerPart& part) {
    part.layer = j.at("layer");
    part.depth = j.at("depth");
    part.role = j.at("role");
    part.channels = j.at("channels").template get<std::vector<int>>();
}

std::vector<LayerActivations> readActivations(const nlohmann::json& meta, const std::vector<NamedArray>& a) {
    std::vector<LayerActivations> out;
    for (const auto& j : meta) {
        LayerActivations l;
        readLayerFields(j, l);
        l.meanActivation = j.at("mean_activation").get<std::vector<float>>();
        if (const NamedArray* maps = findArray(a, "activations/" + l.layer); holds(maps, NamedArray::Type::UInt8, 3))
            for (int64_t k = 0; k < maps->shape[0]; ++k)
                l.maps.push_back(slicePicture(*maps, size_t(k), int(maps->shape[1]), int(maps->shape[2]), 1));
        out.push_back(std::move(l));
    }
    return out;
}

std::vector<LayerPatches> readPatches(const nlohmann::json& meta, const std::vector<NamedArray>& a) {
    std::vector<LayerPatches> out;
    for (const auto& j : meta) {
        LayerPatches p;
        readLayerFields(j, p);
        p.activations = j.at("activations").get<std::vector<std::vector<float>>>();
        const NamedArray* crops = findArray(a, "patches/" + p.layer);
        if (holds(crops, NamedArray::Type::UInt8, 5)) {
            const auto& sh = crops->shape;
            for (int64_t k = 0; k < sh[0]; ++k) {
                std::vector<Picture> list;
                for (int64_t r = 0; r < sh[1]; ++r)
                    list.push_back(slicePicture(*crops, size_t(k * sh[1] + r), int(sh[2]), int(sh[3]), int(sh[4])));
                p.crops.push_back(std::move(list));
            }
        }
        out.push_back(std::move(p));
    }
    return out;
}

FeatureProjection readProjection(const nlohmann::json& pj, const std::vector<NamedArray>& a) {
    FeatureProjection pr;
    pr.layer = pj.at("layer");
    pr.silhouette = pj.at("silhouette");
    pr.silhouetteFull = pj.value("silhouette_full", 0.0);
    if (pj.contains("initial_silhouette")) {
        pr.hasInitialSilhouette = true;
        pr.initialSilhouette = pj.at("initial_silhouette");
    }
    // One point per label: all three arrays of one length, or none of them.
    const NamedArray* x = findArray(a, "projection/x");
    const NamedArray* y = findArray(a, "projection/y");
    const NamedArray* l = findArray(a, "projection/labels");
    if (holds(x, NamedArray::Type::Float32, 1) && holds(y, NamedArray::Type::Float32, 1) &&
        holds(l, NamedArray::Type::Int64, 1) && x->shape == y->shape && x->shape == l->shape) {
        pr.x = x->f32;
        pr.y = y->f32;
        pr.labels.assign(l->i64.begin(), l->i64.end());
    }
    return pr;
}

GradientHistory readGradients(const nlohmann::json& gj, const std::vector<NamedArray>& a) {
    GradientHistory g;
    g.layers = gj.at("layers").get<std::vector<std::string>>();
    const NamedArray* n = findArray(a, "gradients/norms");
    const NamedArray* st = findArray(a, "gradients/steps");
    // norms: [layers, steps]
    if (holds(n, NamedArray::Type::Float32, 2) && holds(st, NamedArray::Type::Int64, 1) &&
        size_t(n->shape[0]) == g.layers.size() && n->shape[1] == st->shape[0]) {
        g.norms = n->f32;
        g.steps = st->i64;
    }
    if (g.norms.size() != g.layers.size() * g.steps.size()) g = {};
    return g;
}

ConfusionView readConfusion(const nlohmann::json& cj, const std::vector<NamedArray>& a) {
    ConfusionView c;
    c.perClassAccuracy = cj.at("per_class_accuracy").get<std::vector<double>>();
    c.examplePaths = cj.at("example_paths").get<std::vector<std::vector<std::vector<std::string>>>>();
    if (const NamedArray* counts = findArray(a, "confusion/counts");
        holds(counts, NamedArray::Type::Int64, 2) && counts->shape[0] == counts->shape[1]) {
        const size_t n = size_t(counts->shape[0]);
        for (size_t r = 0; r < n; ++r)
            c.counts.emplace_back(counts->i64.begin() + ptrdiff_t(r * n), counts->i64.begin() + ptrdiff_t((r + 1) * n));
    }
    return c;
}

SaliencyView readSaliency(const nlohmann::json& sj, const std::vector<NamedArray>& a) {
    SaliencyView sv;
    sv.method = sj.at("method");
    sv.layer = sj.at("layer");
    sv.predicted = sj.at("predicted");
    sv.probability = sj.at("probability");
    sv.heat = pictureFrom(findArray(a, "saliency/heat"));
    sv.overlay = pictureFrom(findArray(a, "saliency/overlay"));
    return sv;
}

}  // namespace

bool readSnapshot(const RunData& run, FeatureSnapshot& out) {
    const NamedArray* metaArray = findArray(run.features, "meta");
    if (!metaArray || metaArray->type != NamedArray::Type::UInt8) return false;
    nlohmann::json meta = nlohmann::json::parse(metaArray->u8.begin(), metaArray->u8.end(), nullptr, false);
    if (meta.is_discarded() || meta.value("format", "") != kMetaFormat) return false;
    const std::vector<NamedArray>& a = run.features;
    try {
        FeatureSnapshot s;
        s.epoch = meta.at("epoch").get<int>();
        s.classes = meta.at("classes").get<std::vector<std::string>>();
        s.filtersLayer = meta.value("filters_layer", "");
        s.pinnedLayer = meta.value("pinned_layer", "");
        s.sampleImages = meta.value("sample_images", 0);
        for (const auto& j : meta.at("layers"))
            s.layers.push_back({j.at("id"), j.at("type"), j.at("depth"), j.at("role"), j.at("spatial")});
        s.filters = pictureFrom(findArray(a, "filters"));
        s.probeImage = pictureFrom(findArray(a, "probe_image"));
        s.activations = readActivations(meta.at("activations"), a);
        s.patches = readPatches(meta.at("patches"), a);
        for (const auto& j : meta.at("probe")) s.probe.push_back({j.at("layer"), j.at("depth"), j.at("role"), j.at("accuracy")});
        s.projection = readProjection(meta.at("projection"), a);
        s.gradients = readGradients(meta.at("gradients"), a);
        s.confusion = readConfusion(meta.at("confusion"), a);
        s.saliency = readSaliency(meta.at("saliency"), a);
        out = std::move(s);
        return true;
    } catch (const nlohmann::json::exception&) {
        return false;  // written by another version: as if there were no snapshot
    }
}

}  // namespace strata
