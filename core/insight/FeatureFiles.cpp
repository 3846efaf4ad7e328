#include "insight/FeatureFiles.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "insight/Pictures.h"
#include "storage/AtomicFile.h"
#include "runs/MetricsJson.h"

namespace strata {

namespace {

constexpr int kGap = 2;           // pixels between tiles
constexpr int kMinTile = 48;      // feature maps and crops are enlarged to at least this side
constexpr uint8_t kGapGray = 40;  // tile separators: dark, distinct from black activations

int factorFor(int side, int target) { return std::max(1, (target + side - 1) / std::max(1, side)); }

// Tiles of one size in a grid of `cols` columns (row-major), `kGap` apart on a dark background.
Picture tileGrid(const std::vector<Picture>& tiles, int cols) {
    Picture out;
    if (tiles.empty()) return out;
    const int w = tiles[0].width, h = tiles[0].height, ch = tiles[0].channels;
    const int rows = int((tiles.size() + size_t(cols) - 1) / size_t(cols));
    out.width = cols * w + (cols - 1) * kGap;
    out.height = rows * h + (rows - 1) * kGap;
    out.channels = ch;
    out.pixels.assign(size_t(out.width) * out.height * ch, kGapGray);
    for (size_t t = 0; t < tiles.size(); ++t) {
        const Picture tile = tiles[t].channels == ch ? tiles[t] : toRgb(tiles[t]);
        const int x0 = int(t % size_t(cols)) * (w + kGap), y0 = int(t / size_t(cols)) * (h + kGap);
        for (int y = 0; y < std::min(h, tile.height); ++y)
            std::copy(tile.pixels.begin() + ptrdiff_t(size_t(y) * tile.width * ch),
                      tile.pixels.begin() + ptrdiff_t(size_t(y) * tile.width * ch + size_t(std::min(w, tile.width)) * ch),
                      out.pixels.begin() + ptrdiff_t((size_t(y0 + y) * out.width + x0) * ch));
    }
    return out;
}

std::string roleNear(const FeatureSnapshot& s, int depth) {
    std::string best = "early";
    int bestDistance = 1 << 30;
    for (const LayerDepth& l : s.layers)
        if (!l.role.empty() && std::abs(l.depth - depth) < bestDistance) {
            bestDistance = std::abs(l.depth - depth);
            best = l.role;
        }
    return best;
}

int depthOf(const FeatureSnapshot& s, const std::string& layer, int fallback) {
    for (const LayerDepth& l : s.layers)
        if (l.id == layer) return l.depth;
    return fallback;
}

std::string roleOf(const FeatureSnapshot& s, const std::string& layer) {
    for (const LayerDepth& l : s.layers)
        if (l.id == layer) return l.role;
    return "";
}

// The attention object of index.json: how the maps were taken and each block's distances.
nlohmann::json attentionJson(const AttentionView& a) {
    nlohmann::json blocks = nlohmann::json::array();
    for (const AttentionBlock& b : a.blocks)
        blocks.push_back({{"layer", b.layer}, {"order", b.order}, {"depth", b.depth}, {"heads", b.headMaps.size()},
                          {"mean_distance", b.meanDistance}, {"head_distances", b.headDistance}});
    return {{"from", a.classToken ? "class_token" : "mean_of_queries"},
            {"grid", {a.gridHeight, a.gridWidth}},
            {"patch_size", a.patchSize},
            {"distance_images", a.distanceImages},
            {"blocks", blocks}};
}

}  // namespace

void writePicturePng(const Picture& picture, const std::string& path) {
    if (picture.empty()) throw std::runtime_error(path + ": nothing to write (empty picture)");
    cv::Mat mat(picture.height, picture.width, picture.channels == 3 ? CV_8UC3 : CV_8UC1,
                const_cast<uint8_t*>(picture.pixels.data()));
    cv::Mat bgr;
    if (picture.channels == 3) cv::cvtColor(mat, bgr, cv::COLOR_RGB2BGR);
    else bgr = mat;
    std::vector<uchar> bytes;
    if (!cv::imencode(".png", bgr, bytes)) throw std::runtime_error(path + ": cannot encode PNG");
    writeFileAtomic(path, bytes.data(), bytes.size());
}

nlohmann::json writeFeatureFiles(const FeatureSnapshot& s, const std::string& outDir, const std::string& imageStem,
                                 const AttentionView* attention) {
    std::error_code ec;
    std::filesystem::create_directories(outDir, ec);
    if (!std::filesystem::is_directory(outDir)) throw std::runtime_error(outDir + ": cannot create the folder");
    const std::filesystem::path dir(outDir);
    nlohmann::json items = nlohmann::json::array();
    auto add = [&](const std::string& file, const char* kind, const std::string& layer, int depth,
                   const std::string& role, const Picture& picture) {
        writePicturePng(picture, (dir / file).string());
        items.push_back({{"file", file}, {"kind", kind}, {"layer", layer}, {"depth", depth}, {"role", role}});
    };

    const std::string imageFile = (imageStem.empty() ? std::string("image") : imageStem) + ".png";
    if (!s.probeImage.empty())
        writePicturePng(scaledUp(s.probeImage, factorFor(s.probeImage.width, 4 * kMinTile)), (dir / imageFile).string());

    if (!s.filters.empty()) {
        const int depth = depthOf(s, s.filtersLayer, 1);
        const std::string role = roleOf(s, s.filtersLayer);
        add("filters_" + s.filtersLayer + ".png", "filters", s.filtersLayer, depth, role.empty() ? "early" : role,
            scaledUp(s.filters, 8));
    }
    for (const LayerActivations& a : s.activations) {
        if (a.maps.empty()) continue;
        const std::string role = a.role.empty() ? roleNear(s, a.depth) : a.role;
        std::vector<Picture> tiles;
        for (const Picture& m : a.maps) tiles.push_back(scaledUp(m, factorFor(m.width, m.width == 1 ? 24 : kMinTile)));
        add("act_" + a.layer + ".png", "activations", a.layer, a.depth, role,
            tileGrid(tiles, int(std::ceil(std::sqrt(double(tiles.size()))))));
    }
    for (const LayerPatches& p : s.patches) {
        if (p.crops.empty() || p.crops[0].empty()) continue;
        const std::string role = p.role.empty() ? roleNear(s, p.depth) : p.role;
        std::vector<Picture> tiles;
        const int side = p.crops[0][0].width;
        for (const auto& row : p.crops)
            for (const Picture& c : row) tiles.push_back(scaledUp(c, factorFor(side, kMinTile)));
        add("patches_" + p.layer + ".png", "patches", p.layer, p.depth, role, tileGrid(tiles, int(p.crops[0].size())));
    }
    if (!s.saliency.overlay.empty()) {
        const std::string role = roleOf(s, s.saliency.layer);
        add("saliency.png", "saliency", s.saliency.layer, depthOf(s, s.saliency.layer, 0), role.empty() ? "deep" : role,
            scaledUp(s.saliency.overlay, factorFor(s.saliency.overlay.width, 4 * kMinTile)));
    }
    if (attention && !attention->empty()) {
        const AttentionView& a = *attention;
        auto overlay = [&](const std::vector<float>& map) {
            const Picture p = attentionOverlay(a.probeImage, map, a.gridHeight, a.gridWidth);
            return scaledUp(p, factorFor(p.width, 4 * kMinTile));
        };
        for (const AttentionBlock& b : a.blocks) {
            const std::string role = roleOf(s, b.layer).empty() ? roleNear(s, b.depth) : roleOf(s, b.layer);
            add("attention_" + b.layer + ".png", "attention", b.layer, b.depth, role, overlay(b.meanMap));
            items.back()["head"] = "mean";
            for (size_t h = 0; h < b.headMaps.size(); ++h) {
                add("attention_" + b.layer + "_h" + std::to_string(h) + ".png", "attention", b.layer, b.depth, role,
                    overlay(b.headMaps[h]));
                items.back()["head"] = h;
            }
        }
        const AttentionBlock& last = a.blocks.back();
        add("attention_rollout.png", "attention_rollout", last.layer, last.depth, "deep", overlay(a.rollout));
    }
    nlohmann::json index = {{"format", "strata.features/1"},
                            {"image", imageFile},
                            {"epoch", s.epoch},
                            {"predicted", s.saliency.predicted},
                            {"probability", s.saliency.probability},
                            {"items", items}};
    if (attention && !attention->empty()) index["attention"] = attentionJson(*attention);
    writeJsonFile((dir / "index.json").string(), index);
    return index;
}

}  // namespace strata
