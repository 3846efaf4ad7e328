#include "experiment/ExperimentKinds.h"

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
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

// One axis of a variants experiment: a name ("width" or a setting's) and its values.
struct VariantAxis {
    std::string key;
    std::vector<nlohmann::json> values;
};

// A value's part of a variant's name: "w0.5", "f0.3", "lr0.01", "b32", or a name as it is ("sgd").
std::string valueLabel(const std::string& key, const nlohmann::json& value) {
    static const std::map<std::string, std::string> prefixes = {{"width", "w"},       {"data_fraction", "f"},
                                                                {"batch_size", "b"},  {"epochs", "e"},
                                                                {"momentum", "m"},    {"weight_decay", "wd"}};
    if (value.is_string()) return value.get<std::string>();
    const auto it = prefixes.find(key);
    return (it == prefixes.end() ? key : it->second) + shortNumber(value.get<double>());
}

// A setting's axis, checked before any variant is made: a setting the variants may differ in,
// values of its type, none twice (two variants would share one run file).
void checkSettingAxis(const std::string& key, const std::vector<nlohmann::json>& values) {
    const auto& known = variableSettings();
    if (std::find(known.begin(), known.end(), key) == known.end())
        throw std::invalid_argument(key + ": not a setting the variants can differ in (the data, threads and transfer are shared)");
    if (values.empty()) throw std::invalid_argument(key + ": give at least one value");
    const nlohmann::json like = TrainConfig().toJson().at(key);
    std::set<std::string> labels;
    for (const nlohmann::json& v : values) {
        const bool typed = like.is_string() ? v.is_string() : like.is_number_integer() ? v.is_number_integer() : v.is_number();
        if (!typed)
            throw std::invalid_argument(key + ": " + v.dump() + " is not " +
                                        (like.is_string() ? "a name" : like.is_number_integer() ? "a whole number" : "a number"));
        if (!labels.insert(valueLabel(key, v)).second) throw std::invalid_argument(key + ": repeats the value " + v.dump());
    }
}

// The next combination, the last axis turning fastest; false after the last one.
bool nextCombination(std::vector<size_t>& at, const std::vector<VariantAxis>& axes) {
    for (size_t a = axes.size(); a-- > 0;) {
        if (++at[a] < axes[a].values.size()) return true;
        at[a] = 0;
    }
    return false;
}

// Every axis, widths first, then the settings in variableSettings() order.
std::vector<VariantAxis> variantAxes(const VariantAxes& axes) {
    std::vector<VariantAxis> all;
    if (!axes.widths.empty()) {
        std::set<std::string> labels;
        for (double w : axes.widths)
            if (!labels.insert(valueLabel("width", w)).second) throw std::invalid_argument("widths: repeats the value " + shortNumber(w));
        all.push_back({"width", std::vector<nlohmann::json>(axes.widths.begin(), axes.widths.end())});
    }
    for (const auto& [key, values] : axes.settings) checkSettingAxis(key, values);
    for (const std::string& key : variableSettings())
        if (axes.settings.count(key)) all.push_back({key, axes.settings.at(key)});
    if (all.empty()) throw std::invalid_argument("give at least one width or training setting to vary");
    return all;
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

const std::vector<std::string>& variableSettings() {
    static const std::vector<std::string> settings = {"data_fraction", "optimizer", "lr",       "batch_size",
                                                      "epochs",        "momentum",  "weight_decay", "schedule",
                                                      "augment",       "precision", "seed"};
    return settings;
}

ExperimentPlan variantsPlan(const Design& design, const VariantAxes& axes, const TrainConfig& base) {
    const std::vector<VariantAxis> all = variantAxes(axes);
    // Only the axes with several values tell the variants apart; a lone variant keeps them all.
    const bool several = std::any_of(all.begin(), all.end(), [](const VariantAxis& a) { return a.values.size() > 1; });
    ExperimentPlan plan;
    plan.kind = "variants";
    plan.spec = {{"design", design.name}, {"widths", axes.widths}, {"settings", axes.settings}, {"training", base.toJson()}};
    std::vector<size_t> at(all.size(), 0);  // the combination: one value of each axis
    do {
        std::string name;
        nlohmann::json details = nlohmann::json::object();
        Design d = design;
        TrainConfig c = base;
        for (size_t a = 0; a < all.size(); ++a) {
            const nlohmann::json& value = all[a].values[at[a]];
            if (!several || all[a].values.size() > 1) {
                name += (name.empty() ? "" : "-") + valueLabel(all[a].key, value);
                details[all[a].key] = value;
            }
            if (all[a].key == "width") d = widthMultiplied(design, value.get<double>());
            else c = TrainConfig::fromJson({{all[a].key, value}}, c);
        }
        c.validate();  // a value out of range, named as its option ("--lr must be in (0, 10]")
        plan.variants.push_back(variant(name, d, c, details));
    } while (nextCombination(at, all));
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
