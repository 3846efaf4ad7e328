#pragma once
// `strata features` output: the snapshot's pictures as PNG files plus index.json
// (strata.features/1, docs/ARCHITECTURE.md §9). Torch-free, so the command line can call it.
#include <nlohmann/json.hpp>
#include <string>

#include "insight/AttentionMaps.h"
#include "insight/FeatureSnapshot.h"

namespace strata {

// Writes `picture` as a PNG, atomically (temp file + rename). Throws std::runtime_error
// naming the path when it cannot.
void writePicturePng(const Picture& picture, const std::string& path);

// Writes into `outDir` (created when missing): the probe image as the network sees it
// (<imageStem>.png), filters_<layer>.png, act_<layer>.png for early, middle, deep (and the
// pinned layer), patches_<layer>.png (one row per shown channel, strongest crops first) and
// saliency.png, enlarged with nearest-neighbour so small inputs stay visible; then index.json.
// Items whose layer is not a representative get the role nearest in spirit: filters "early",
// saliency "deep", a pinned layer the role of the representative nearest in depth.
// With a non-empty `attention` (a token design), also attention_<layer>.png (the heads' mean
// over the image) and attention_<layer>_h<k>.png per head (kind "attention"),
// attention_rollout.png (kind "attention_rollout") and the index's "attention" object (the
// mean attention distances). Returns the index.
nlohmann::json writeFeatureFiles(const FeatureSnapshot& snapshot, const std::string& outDir,
                                 const std::string& imageStem, const AttentionView* attention = nullptr);

}  // namespace strata
