#include "insight/Activations.h"

#include <algorithm>
#include <cmath>

#include "insight/Pictures.h"

namespace strata {

LayerActivations layerActivations(const torch::Tensor& output, const LayerDepth& layer, int top, const TokenGrid* grid) {
    LayerActivations a;
    a.layer = layer.id;
    a.depth = layer.depth;
    a.role = layer.role;
    torch::Tensor out = output.detach().to(torch::kFloat32);
    if (grid && out.dim() == 2 && out.size(0) == grid->firstPatch + grid->patches())  // patch tokens: [D, h, w]
        out = out.narrow(0, grid->firstPatch, grid->patches()).t().reshape({-1, grid->gridHeight, grid->gridWidth});
    const bool spatial = out.dim() == 3;
    torch::Tensor means = spatial ? out.mean({1, 2}) : out.reshape({-1});
    const int64_t k = std::min<int64_t>(std::max(0, top), means.size(0));
    if (k == 0) return a;
    torch::Tensor order = std::get<1>(means.topk(k));
    const float strongest = spatial ? 0.0f : std::max(1e-12f, means.abs().max().item<float>());
    for (int64_t i = 0; i < k; ++i) {
        const int64_t c = order[i].item<int64_t>();
        a.channels.push_back(int(c));
        a.meanActivation.push_back(means[c].item<float>());
        if (spatial) {
            a.maps.push_back(mapPicture(out[c]));
        } else {
            Picture unit;
            unit.width = unit.height = 1;
            const float v = std::clamp(means[c].item<float>() / strongest, 0.0f, 1.0f);
            unit.pixels = {uint8_t(std::lround(v * 255))};
            a.maps.push_back(unit);
        }
    }
    return a;
}

Picture filterGrid(const torch::Tensor& weight) {
    torch::Tensor w = weight.detach().to(torch::kFloat32);
    const int64_t count = w.size(0), in = w.size(1), kh = w.size(2), kw = w.size(3);
    const bool rgb = in == 3;
    if (!rgb) w = w.mean(1, /*keepdim=*/true);
    const int cols = int(std::ceil(std::sqrt(double(count))));
    const int rows = int((count + cols - 1) / cols);
    Picture p;
    p.channels = rgb ? 3 : 1;
    p.width = cols * int(kw + 1) - 1;
    p.height = rows * int(kh + 1) - 1;
    p.pixels.assign(size_t(p.width) * p.height * p.channels, 0);
    for (int64_t o = 0; o < count; ++o) {
        torch::Tensor k = w[o];  // [C, kh, kw]
        torch::Tensor scaled;
        if (rgb) {
            const float lo = k.min().item<float>(), hi = k.max().item<float>();
            scaled = hi > lo ? (k - lo) / (hi - lo) : torch::full_like(k, 0.5f);
        } else {
            const float m = std::max(1e-12f, k.abs().max().item<float>());
            scaled = k / (2 * m) + 0.5f;
        }
        torch::Tensor u8 = scaled.mul(255).round().clamp(0, 255).to(torch::kUInt8).permute({1, 2, 0}).contiguous();
        const uint8_t* src = u8.data_ptr<uint8_t>();
        const int x0 = int(o % cols) * int(kw + 1), y0 = int(o / cols) * int(kh + 1);
        for (int y = 0; y < kh; ++y)
            for (int x = 0; x < kw; ++x)
                for (int c = 0; c < p.channels; ++c)
                    p.pixels[(size_t(y0 + y) * p.width + x0 + x) * p.channels + c] = src[(y * kw + x) * p.channels + c];
    }
    return p;
}

}  // namespace strata
