#include "insight/Projection.h"

#include <limits>

namespace strata {

double silhouetteScore(const torch::Tensor& points, const torch::Tensor& labels) {
    const int64_t n = points.size(0);
    torch::Tensor lab = labels.to(torch::kInt64);
    const int64_t classes = n ? lab.max().item<int64_t>() + 1 : 0;
    if (n < 2) return 0;
    torch::Tensor p = points.detach().to(torch::kFloat64).reshape({n, -1});
    torch::Tensor d = torch::cdist(p, p);                                        // [N, N]
    torch::Tensor onehot = torch::one_hot(lab, classes).to(torch::kFloat64);    // [N, K]
    torch::Tensor counts = onehot.sum(0);                                       // [K]
    if ((counts > 0).sum().item<int64_t>() < 2) return 0;
    torch::Tensor sums = d.mm(onehot);                                          // [N, K]: distance to each class
    torch::Tensor own = counts.index_select(0, lab);                            // own class size
    torch::Tensor a = sums.gather(1, lab.unsqueeze(1)).squeeze(1) / (own - 1).clamp_min(1);
    torch::Tensor meanTo = sums / counts.clamp_min(1);
    // Other classes only (own class and empty classes excluded).
    torch::Tensor mask = onehot.to(torch::kBool) | (counts == 0).unsqueeze(0).expand({n, classes});
    torch::Tensor b = meanTo.masked_fill(mask, std::numeric_limits<double>::infinity()).amin(1);
    torch::Tensor s = (b - a) / torch::max(a, b).clamp_min(1e-12);
    s = torch::where(own > 1, s, torch::zeros_like(s));
    return s.mean().item<double>();
}

FeatureProjection projectFeatures(const torch::Tensor& features, const torch::Tensor& labels, const std::string& layer) {
    FeatureProjection proj;
    proj.layer = layer;
    const int64_t n = features.size(0);
    if (n == 0) return proj;
    torch::Tensor x = features.detach().to(torch::kFloat64).reshape({n, -1});
    x = x - x.mean(0, /*keepdim=*/true);
    torch::Tensor xy = torch::zeros({n, 2}, torch::kFloat64);
    if (n >= 2) {
        torch::Tensor u, s, vh;
        std::tie(u, s, vh) = torch::linalg_svd(x, /*full_matrices=*/false);
        const int64_t axes = std::min<int64_t>(2, vh.size(0));
        for (int64_t k = 0; k < axes; ++k) {
            torch::Tensor axis = vh[k];
            if (axis[axis.abs().argmax()].item<double>() < 0) axis = -axis;
            xy.select(1, k).copy_(x.mv(axis));
        }
    }
    torch::Tensor xs = xy.select(1, 0).to(torch::kFloat32).contiguous(), ys = xy.select(1, 1).to(torch::kFloat32).contiguous();
    proj.x.assign(xs.data_ptr<float>(), xs.data_ptr<float>() + n);
    proj.y.assign(ys.data_ptr<float>(), ys.data_ptr<float>() + n);
    torch::Tensor lab = labels.to(torch::kInt64).contiguous();
    for (int64_t i = 0; i < n; ++i) proj.labels.push_back(int(lab[i].item<int64_t>()));
    proj.silhouette = silhouetteScore(xy, lab);
    proj.silhouetteFull = silhouetteScore(x, lab);
    return proj;
}

}  // namespace strata
