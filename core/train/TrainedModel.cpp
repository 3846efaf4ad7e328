#include "train/TrainedModel.h"

#include "data/BoundedFolder.h"
#include "data/ByteSize.h"

#include <numeric>

#include "train/Batches.h"
#include "train/Evaluation.h"
#include "train/RunNetwork.h"

namespace strata {

struct TrainedModel::Impl : RunNetwork {
    explicit Impl(RunNetwork network) : RunNetwork(std::move(network)) {}
};

TrainedModel::TrainedModel(const std::string& runPath, bool verify)
    : impl_(std::make_unique<Impl>(loadRunNetwork(runPath, verify))) {}

TrainedModel::~TrainedModel() = default;

const std::vector<std::string>& TrainedModel::classes() const { return impl_->valid.classes; }
const RunData& TrainedModel::run() const { return impl_->valid.data; }
const std::string& TrainedModel::integrityNote() const { return impl_->valid.integrityNote; }

Prediction TrainedModel::predict(const std::string& imagePath, int top) const {
    Prediction p;
    p.path = imagePath;
    std::vector<uint8_t> pixels;
    if (!decodeImage(imagePath, impl_->spec, pixels, &p.error)) return p;
    DecodedImages one;
    one.spec = impl_->spec;
    BatchSource source(one, impl_->valid.mean, impl_->valid.stdev);
    torch::NoGradGuard noGrad;
    torch::Tensor probs = torch::softmax(impl_->model->forward(source.single(pixels)), 1)[0];
    const int k = std::min<int>(top, int(probs.size(0)));
    auto best = probs.topk(k);
    for (int i = 0; i < k; ++i) {
        const int64_t c = std::get<1>(best)[i].item<int64_t>();
        p.top.emplace_back(impl_->valid.classes.at(c), std::get<0>(best)[i].item<double>());
    }
    return p;
}

EvalRecord TrainedModel::evaluate(const std::string& dir, int threads, DecodedImages* decoded) const {
    // Within the default data memory: a larger folder is read from its decode cache a batch at a time.
    BoundedFolder folder = loadBoundedFolder(dir, impl_->spec, threads, defaultDataMemory());
    if (folder.images.classes != impl_->valid.classes)
        throw DataError(dir + ": classes differ from the " + std::to_string(impl_->valid.classes.size()) +
                        " classes the run was trained on");
    const BatchSource source =
        folder.isStreamed() ? BatchSource::streaming(folder.images, folder.streamed, impl_->valid.mean, impl_->valid.stdev)
                            : BatchSource::takingPixels(folder.images, impl_->valid.mean, impl_->valid.stdev);
    std::vector<int64_t> all(folder.images.count());
    std::iota(all.begin(), all.end(), 0);
    EvalRecord r = evaluateModel(impl_->model, source, all, int(impl_->valid.classes.size()));
    if (decoded) *decoded = std::move(folder.images);  // without its pixels
    return r;
}

}  // namespace strata
