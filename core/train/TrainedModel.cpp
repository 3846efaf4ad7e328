#include "train/TrainedModel.h"

#include <numeric>

#include "compile/GraphModule.h"
#include "data/InputSpec.h"
#include "train/Batches.h"
#include "train/Evaluation.h"
#include "train/TorchState.h"

namespace strata {

struct TrainedModel::Impl {
    RunData run;
    std::vector<std::string> classes;
    std::vector<double> mean, stdev;
    ImageSpec spec;
    std::unique_ptr<GraphModule> model;
};

TrainedModel::TrainedModel(const std::string& runPath) : impl_(std::make_unique<Impl>()) {
    Impl& m = *impl_;
    m.run = readRunFile(runPath);
    try {
        m.classes = m.run.config.at("classes").get<std::vector<std::string>>();
        m.mean = m.run.config.at("mean").get<std::vector<double>>();
        m.stdev = m.run.config.at("std").get<std::vector<double>>();
    } catch (const nlohmann::json::exception&) {
        throw RunFileError(runPath + ": /config lacks classes, mean or std");
    }
    Design design = parseDesign(m.run.designJson, runPath + ":/design");
    m.model = std::make_unique<GraphModule>(design, int(m.classes.size()));
    loadModuleState(**m.model, m.run.checkpoint, runPath);
    (*m.model)->eval();
    m.spec = inputImageSpec(design);
}

TrainedModel::~TrainedModel() = default;

const std::vector<std::string>& TrainedModel::classes() const { return impl_->classes; }
const RunData& TrainedModel::run() const { return impl_->run; }

Prediction TrainedModel::predict(const std::string& imagePath, int top) const {
    Prediction p;
    p.path = imagePath;
    std::vector<uint8_t> pixels;
    if (!decodeImage(imagePath, impl_->spec, pixels, &p.error)) return p;
    DecodedImages one;
    one.spec = impl_->spec;
    BatchSource source(one, impl_->mean, impl_->stdev);
    torch::NoGradGuard noGrad;
    torch::Tensor probs = torch::softmax((*impl_->model)->forward(source.single(pixels)), 1)[0];
    const int k = std::min<int>(top, int(probs.size(0)));
    auto best = probs.topk(k);
    for (int i = 0; i < k; ++i) {
        const int64_t c = std::get<1>(best)[i].item<int64_t>();
        p.top.emplace_back(impl_->classes.at(c), std::get<0>(best)[i].item<double>());
    }
    return p;
}

EvalRecord TrainedModel::evaluate(const std::string& dir, int threads, DecodedImages* decoded) const {
    DecodedImages images = loadImageFolder(dir, impl_->spec, threads);
    if (images.classes != impl_->classes)
        throw DataError(dir + ": classes differ from the " + std::to_string(impl_->classes.size()) +
                        " classes the run was trained on");
    BatchSource source(images, impl_->mean, impl_->stdev);
    std::vector<int64_t> all(images.count());
    std::iota(all.begin(), all.end(), 0);
    EvalRecord r = evaluateModel(*impl_->model, source, all, int(impl_->classes.size()));
    if (decoded) *decoded = std::move(images);
    return r;
}

}  // namespace strata
