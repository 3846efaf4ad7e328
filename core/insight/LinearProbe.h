#pragma once
// Linear probes: how much class information a layer's features hold, measured as the
// held-out accuracy of a multinomial logistic regression on them. Internal to core/insight.
#include <torch/torch.h>

#include <cstdint>

namespace strata {

// One feature vector per sample: global average pooling over H, W for [N, C, H, W], the mean
// over tokens for [N, T, D], the values as they are for [N, F].
torch::Tensor pooledFeatures(const torch::Tensor& output);

// Splits the samples (seeded) into 70 % for fitting and 30 % held out, standardizes the
// features with the fitting part's mean and std, fits softmax regression (a little L2) with
// LBFGS for `steps` iterations, and returns the accuracy on the held-out part. Needs at
// least 4 samples (else 0).
double linearProbeAccuracy(const torch::Tensor& features, const torch::Tensor& labels, int classes,
                           uint64_t seed = 0, int steps = 100);

}  // namespace strata
