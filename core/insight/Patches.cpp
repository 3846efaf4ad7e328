#include "insight/Patches.h"

#include <algorithm>

#include "insight/Pictures.h"

namespace strata {

PatchCollector::PatchCollector(const LayerActivations& shown, const ReceptiveField& field, int perChannel,
                               int firstPatch)
    : field_(field), perChannel_(std::max(1, perChannel)), firstPatch_(firstPatch), best_(shown.channels.size()) {
    meta_.layer = shown.layer;
    meta_.depth = shown.depth;
    meta_.role = shown.role;
    meta_.channels = shown.channels;
}

void PatchCollector::add(const torch::Tensor& output, int64_t first) {
    if (best_.empty()) return;
    std::vector<int64_t> channels(meta_.channels.begin(), meta_.channels.end());
    // Tokens [B, T, D] count as flat units, as layerActivations numbers them (T·D of them), or
    // with a patch grid as D channels, each image at its strongest patch token.
    torch::Tensor units = output;
    if (output.dim() == 3 && firstPatch_ >= 0)
        units = output.narrow(1, firstPatch_, output.size(1) - firstPatch_).amax(1);
    else if (output.dim() == 3)
        units = output.reshape({output.size(0), -1});
    torch::Tensor sel = units.detach().to(torch::kFloat32).index_select(1, torch::tensor(channels, torch::kInt64));
    const int64_t batch = sel.size(0);
    const int64_t width = sel.dim() == 4 ? sel.size(3) : 1;
    torch::Tensor values, where;
    if (sel.dim() == 4) {
        std::tie(values, where) = sel.flatten(2).max(2);  // [B, K]: each image's strongest position
    } else {
        values = sel.reshape({batch, -1});
        where = torch::zeros_like(values, torch::kInt64);
    }
    values = values.contiguous();
    where = where.contiguous();
    auto v = values.accessor<float, 2>();
    auto w = where.accessor<int64_t, 2>();
    for (size_t k = 0; k < best_.size(); ++k) {
        std::vector<Hit>& list = best_[k];
        for (int64_t b = 0; b < batch; ++b) {
            const int64_t pos = w[b][int64_t(k)];
            list.push_back({v[b][int64_t(k)], first + b, int(pos / width), int(pos % width)});
        }
        // Strongest first; ties keep the earlier sample, so results do not depend on batching.
        std::stable_sort(list.begin(), list.end(), [](const Hit& a, const Hit& b) { return a.value > b.value; });
        if (list.size() > size_t(perChannel_)) list.resize(size_t(perChannel_));
    }
}

LayerPatches PatchCollector::finish(const SampleSet& sample) const {
    LayerPatches p = meta_;
    const int height = int(sample.pixels.size(2)), width = int(sample.pixels.size(3));
    for (const std::vector<Hit>& list : best_) {
        std::vector<Picture> crops;
        std::vector<float> values;
        for (const Hit& h : list) {
            crops.push_back(cropPicture(imagePicture(sample.pixels[h.sample]), cropBox(field_, h.row, h.col, height, width)));
            values.push_back(h.value);
        }
        p.crops.push_back(std::move(crops));
        p.activations.push_back(std::move(values));
    }
    return p;
}

}  // namespace strata
