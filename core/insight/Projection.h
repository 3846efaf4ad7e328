#pragma once
// PCA of a layer's features to 2-D, and the silhouette score of the classes in it.
// Internal to core/insight (torch).
#include <torch/torch.h>

#include <string>

#include "insight/FeatureSnapshot.h"

namespace strata {

// Mean silhouette over the samples (Euclidean): (b - a) / max(a, b) with a the mean distance
// to the sample's own class and b the smallest mean distance to another class; a sample
// alone in its class scores 0. In [-1, 1]; 0 with fewer than two classes.
double silhouetteScore(const torch::Tensor& points, const torch::Tensor& labels);

// Centres the features [N, F] and projects them on their first two principal axes (SVD),
// each axis' sign fixed so its largest loading is positive (stable from epoch to epoch).
// silhouette: on the 2-D points shown; silhouetteFull: on the centred features themselves.
FeatureProjection projectFeatures(const torch::Tensor& features, const torch::Tensor& labels, const std::string& layer);

}  // namespace strata
