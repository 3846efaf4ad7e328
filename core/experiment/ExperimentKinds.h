#pragma once
// The kinds of experiment (docs/ARCHITECTURE.md §3): each turns what the user asked into an
// ExperimentPlan for ExperimentRunner, and may add its conclusions when every variant is done
// (the scaling fit). Torch-free.
#include <map>
#include <string>
#include <vector>

#include "experiment/ExperimentRunner.h"

namespace strata {

// How far down features transfer: `scratch`, then `k0` (fine-tune everything from
// base.initFrom) up to `k{L-1}`: the first k layers with parameters frozen (details "k",
// "frozen"). Throws std::invalid_argument without a source or with fewer than two such layers.
ExperimentPlan transferPlan(const Design& design, const TrainConfig& base);

// Why deep stacks need stabilizers: one deep stack (design/DesignTransforms.h) trained as
// "plain", "batchnorm", "residual" and "both", with feature snapshots on so that each run keeps
// its per-layer gradient norms. The Input takes its channels and size from the first image of
// base.data unless `height` and `width` are given.
struct StabilizerSpec {
    int depth = 20;
    int blockWidth = 16;
    std::string activation = "ReLU";  // ReLU, Tanh or Sigmoid
    int height = 0, width = 0;        // 0: the data's
};
ExperimentPlan stabilizerPlan(const StabilizerSpec& spec, const TrainConfig& base);

// How accuracy scales: the design at each width multiplier on all the data ("w0.5"), and at
// width 1 on each fraction of the data ("w1-f0.1"): the two lines the fit needs (details
// "width", "fraction", "images": the training images of the variant).
ExperimentPlan scalingPlan(const Design& design, const std::vector<double>& widths, const std::vector<double>& fractions,
                           const TrainConfig& base);

// Variants of one design (the studio's "variants of the open design"): every combination of
// the width multipliers (`widthMultiplied`; none: the design as it is) and of the values of
// each training setting in `settings` (by its run-file name, §8 /config: "data_fraction",
// "optimizer", "lr", "batch_size", ...), the rest of `base` shared. A variant is
// named by the values that vary ("w0.5-sgd-lr0.01"; every given value when only one variant
// results) and records those values under their names as details ("width", "lr", ...).
// Throws std::invalid_argument for nothing to vary, a setting that cannot vary (the data, the
// threads, transfer's: the variants share those), a value of the wrong type or out of range,
// or a value given twice.
struct VariantAxes {
    std::vector<double> widths;
    std::map<std::string, std::vector<nlohmann::json>> settings;
};
ExperimentPlan variantsPlan(const Design& design, const VariantAxes& axes, const TrainConfig& base);
// The settings variantsPlan may vary, by their run-file names, in the order they take in the
// variants' names.
const std::vector<std::string>& variableSettings();

// error ≈ a·x^(−b), fitted by least squares on log(error) against log(x); r2 in log space.
struct PowerLawFit {
    double a = 0, b = 0, r2 = 0;
    int points = 0;
};
// Needs at least two points with x > 0 and 0 < error; others are left out.
PowerLawFit fitPowerLaw(const std::vector<double>& x, const std::vector<double>& error);

// What a kind concludes once its variants are done: for "scaling", experiment.fit.
void finishExperiment(Experiment& experiment);

}  // namespace strata
