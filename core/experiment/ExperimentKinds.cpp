#include "experiment/ExperimentKinds.h"

#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <tuple>

#include "data/DataFraction.h"
#include "data/ImageFolder.h"
#include "design/DesignAnalysis.h"
#include "design/DesignTransforms.h"
#include "runs/RunReader.h"

namespace strata {

namespace {

PlannedVariant variant(const std::string& name, const Design& design, TrainConfig config, nlohmann::json details) {
    PlannedVariant v;
    v.record.name = name;
    v.record.details = std::move(details);
    v.design = design;
    v.config = std::move(config);
    return v;
}

nlohmann::json fitToJson(const PowerLawFit& f) { return {{"a", f.a}, {"b", f.b}, {"r2", f.r2}, {"points", f.points}}; }

// The error a scaling variant is fitted on: 1 - test accuracy (else validation, else train).
bool variantError(const ExperimentVariant& v, double& error) {
    double accuracy = 0;
    if (!judgedAccuracy(v, accuracy)) return false;
    error = 1.0 - accuracy;
    return true;
}

// scaling: "parameters" over the full-data variants across widths, "images" over the width-1
// variants across fractions.
void addScalingFit(Experiment& e) {
    std::vector<double> params, paramErrors, images, imageErrors;
    for (const ExperimentVariant& v : e.variants) {
        double error = 0;
        if (v.status != "done" || !variantError(v, error)) continue;
        const double width = v.details.value("width", 1.0), fraction = v.details.value("fraction", 1.0);
        if (fraction == 1.0) params.push_back(double(v.parameters)), paramErrors.push_back(error);
        if (width == 1.0) images.push_back(v.details.value("images", 0.0)), imageErrors.push_back(error);
    }
    e.fit = {{"parameters", fitToJson(fitPowerLaw(params, paramErrors))},
             {"images", fitToJson(fitPowerLaw(images, imageErrors))}};
}

// "0.25" rather than "0.250000": for names and the table.
std::string shortNumber(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// The first image of the folder, as the stack's Input: its channels (gray or colour) and size.
void inputFromData(const std::string& dir, DeepStackSpec& stack) {
    const FolderIndex index = scanImageFolder(dir);
    if (index.entries.empty()) throw DataError(dir + ": no images to take the Input size from; give --input-size HxW");
    const cv::Mat first = cv::imread(index.entries.front().path, cv::IMREAD_UNCHANGED);
    if (first.empty()) throw DataError(index.entries.front().path + ": cannot read the image the Input size is taken from");
    stack.channels = first.channels() >= 3 ? 3 : 1;
    if (stack.height == 0) stack.height = first.rows, stack.width = first.cols;
}

// Training images per variant: the fraction of each class (data/DataFraction.h), before any
// validation split is taken off.
int64_t imagesAtFraction(const FolderIndex& index, double fraction) {
    int64_t total = 0;
    for (const int64_t n : index.countPerClass) total += fractionCount(n, fraction);
    return total;
}

}  // namespace

ExperimentPlan stabilizerPlan(const StabilizerSpec& spec, const TrainConfig& base) {
    DeepStackSpec stack;
    stack.depth = spec.depth;
    stack.blockWidth = spec.blockWidth;
    stack.activation = spec.activation;
    stack.height = spec.height;
    stack.width = spec.width;
    inputFromData(base.data, stack);
    ExperimentPlan plan;
    plan.kind = "stabilizers";
    plan.spec = {{"depth", spec.depth}, {"width", spec.blockWidth}, {"activation", spec.activation},
                 {"input", {stack.channels, stack.height, stack.width}}, {"training", base.toJson()}};
    TrainConfig config = base;
    config.features = true;  // the per-layer gradient norms, side by side in the dock
    for (const auto& [name, bn, res] : {std::tuple{"plain", false, false}, std::tuple{"batchnorm", true, false},
                                       std::tuple{"residual", false, true}, std::tuple{"both", true, true}}) {
        stack.batchNorm = bn;
        stack.residual = res;
        stack.name = std::string("stack-") + name;
        plan.variants.push_back(variant(name, deepStack(stack), config, {{"batchnorm", bn}, {"residual", res}}));
    }
    return plan;
}

ExperimentPlan scalingPlan(const Design& design, const std::vector<double>& widths, const std::vector<double>& fractions,
                           const TrainConfig& base) {
    if (widths.empty()) throw std::invalid_argument("--widths: give at least one width multiplier");
    const FolderIndex index = scanImageFolder(base.data);
    ExperimentPlan plan;
    plan.kind = "scaling";
    plan.spec = {{"design", design.name}, {"widths", widths}, {"fractions", fractions}, {"training", base.toJson()}};
    // Each variant has its own name, run file and design file: a width or fraction given twice
    // (or two that print alike) would train both into one run file.
    std::set<std::string> names;
    auto unique = [&names](const std::string& name, const char* option) {
        if (!names.insert(name).second)
            throw std::invalid_argument(std::string(option) + ": repeats a value (variant \"" + name + "\")");
        return name;
    };
    for (double w : widths) {
        TrainConfig c = base;
        c.dataFraction = 1.0;
        plan.variants.push_back(variant(unique("w" + shortNumber(w), "--widths"), widthMultiplied(design, w), c,
                                        {{"width", w}, {"fraction", 1.0}, {"images", imagesAtFraction(index, 1.0)}}));
    }
    for (double f : fractions) {
        if (f == 1.0) continue;  // the width-1 full-data variant is already there (when asked)
        if (!(f > 0 && f < 1)) throw std::invalid_argument("--fractions: " + shortNumber(f) + " is not in (0, 1]");
        TrainConfig c = base;
        c.dataFraction = f;
        plan.variants.push_back(variant(unique("w1-f" + shortNumber(f), "--fractions"), widthMultiplied(design, 1.0), c,
                                        {{"width", 1.0}, {"fraction", f}, {"images", imagesAtFraction(index, f)}}));
    }
    return plan;
}

ExperimentPlan transferPlan(const Design& design, const TrainConfig& base) {
    if (base.initFrom.empty()) throw std::invalid_argument("a transfer sweep needs --init-from RUN.h5");
    readValidRun(base.initFrom);  // a bad source is an error before any training, not N failed variants
    const DesignAnalysis analysis = analyzeDesign(design, 10);
    if (!analysis.valid()) throw DesignError(analysis.issues.front().text());
    std::vector<std::string> layers;  // with parameters, in execution order
    for (const NodeAnalysis& node : analysis.nodes)
        if (node.parameters > 0) layers.push_back(node.id);
    if (layers.size() < 2)
        throw std::invalid_argument("the design has " + std::to_string(layers.size()) +
                                    " layer(s) with parameters; a transfer sweep needs at least two");
    ExperimentPlan plan;
    plan.kind = "transfer";
    plan.spec = {{"design", design.name}, {"init_from", base.initFrom}, {"training", base.toJson()}};
    TrainConfig scratch = base;
    scratch.initFrom.clear();
    scratch.restat = false;
    scratch.freeze.clear();
    scratch.freezeThrough.clear();
    plan.variants.push_back(variant("scratch", design, scratch, {{"k", -1}, {"frozen", nlohmann::json::array()}}));
    for (size_t k = 0; k < layers.size(); ++k) {
        TrainConfig c = base;
        c.freeze.assign(layers.begin(), layers.begin() + long(k));
        c.freezeThrough.clear();
        plan.variants.push_back(variant("k" + std::to_string(k), design, c, {{"k", int(k)}, {"frozen", c.freeze}}));
    }
    return plan;
}

PowerLawFit fitPowerLaw(const std::vector<double>& x, const std::vector<double>& error) {
    std::vector<double> lx, ly;
    for (size_t i = 0; i < x.size() && i < error.size(); ++i)
        if (x[i] > 0 && error[i] > 0) lx.push_back(std::log(x[i])), ly.push_back(std::log(error[i]));
    PowerLawFit f;
    f.points = int(lx.size());
    if (lx.size() < 2) return f;
    const double n = double(lx.size());
    double mx = 0, my = 0;
    for (size_t i = 0; i < lx.size(); ++i) mx += lx[i] / n, my += ly[i] / n;
    double sxx = 0, sxy = 0, syy = 0;
    for (size_t i = 0; i < lx.size(); ++i) {
        sxx += (lx[i] - mx) * (lx[i] - mx);
        sxy += (lx[i] - mx) * (ly[i] - my);
        syy += (ly[i] - my) * (ly[i] - my);
    }
    if (sxx <= 0) return f;
    const double slope = sxy / sxx;
    f.b = -slope;
    f.a = std::exp(my - slope * mx);
    f.r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1.0;
    return f;
}

void finishExperiment(Experiment& experiment) {
    if (experiment.kind == "scaling") addScalingFit(experiment);
}

}  // namespace strata
