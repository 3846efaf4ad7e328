#pragma once
// The caption the feature views put over a watched layer: "early · conv1 · depth 1".
#include <QString>

#include <string>

namespace strata {

// "early · conv1 · depth 1"; "pinned · conv2 · depth 3" for a layer without a role.
QString layerCaption(const std::string& role, const std::string& layer, int depth);
// "early", "middle", "deep", else "pinned" (the role the user's pinned layer shows under).
QString roleName(const std::string& role);

}  // namespace strata
