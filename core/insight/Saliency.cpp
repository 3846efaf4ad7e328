#include "insight/Saliency.h"

#include <algorithm>
#include <set>

#include "insight/Pictures.h"

namespace strata {

namespace {

// A non-negative [H, W] map as a gray picture whose maximum is 255 (all zero stays black).
Picture heatPicture(torch::Tensor map) {
    map = map.detach().to(torch::kFloat32).clamp_min(0);
    const float hi = map.max().item<float>();
    if (hi > 0) map = map / hi;
    torch::Tensor u8 = map.mul(255).round().clamp(0, 255).to(torch::kUInt8).contiguous();
    Picture p;
    p.height = int(u8.size(0));
    p.width = int(u8.size(1));
    p.pixels.assign(u8.data_ptr<uint8_t>(), u8.data_ptr<uint8_t>() + u8.numel());
    return p;
}

// The last convolution, followed through the element-wise layers that alone consume it (its
// ReLU, its BatchNorm): Grad-CAM wants the rectified feature maps, as in the paper, where
// positive evidence is what the activation lets through. "" when there is no convolution.
std::string gradCamLayer(const GraphModuleImpl& model) {
    std::string layer;
    for (const CompiledLayer& l : model.layers())
        if (l.type == "Conv2d") layer = l.id;
    if (layer.empty()) return layer;
    static const std::set<std::string> elementWise = {"ReLU", "LeakyReLU", "GELU", "Sigmoid", "Tanh", "BatchNorm2d"};
    const DesignAnalysis& a = model.analysis();
    while (true) {
        std::vector<std::string> consumers;
        for (const auto& [node, inputs] : a.inputsOf)
            if (std::find(inputs.begin(), inputs.end(), layer) != inputs.end()) consumers.push_back(node);
        if (consumers.size() != 1) return layer;
        const NodeAnalysis* next = a.find(consumers.front());
        if (!next || !elementWise.count(next->type)) return layer;
        layer = next->id;
    }
}

}  // namespace

SaliencyView saliencyMap(GraphModuleImpl& model, const torch::Tensor& image, const Picture& picture,
                         const std::vector<std::string>& classes) {
    SaliencyView view;
    const std::string lastConv = gradCamLayer(model);

    const bool wasTraining = model.is_training();
    model.eval();
    torch::AutoGradMode enable(true);
    torch::Tensor x = image.detach().clone();
    // Always: with the layers up to the last convolution frozen (transfer), nothing before it
    // would need a gradient, and differentiating with respect to its output would fail.
    x.requires_grad_(true);
    std::map<std::string, torch::Tensor> outputs;
    std::set<std::string> keep;
    if (!lastConv.empty()) keep.insert(lastConv);
    else keep.insert("\x01");  // keep nothing (an empty set would keep every output)
    torch::Tensor logits = model.forward(x, outputs, keep);
    torch::Tensor probs = torch::softmax(logits.detach(), 1)[0];
    const int64_t predicted = probs.argmax().item<int64_t>();
    view.predicted = size_t(predicted) < classes.size() ? classes[size_t(predicted)] : std::to_string(predicted);
    view.probability = probs[predicted].item<double>();
    const torch::Tensor score = logits[0][predicted];

    const int64_t height = image.size(2), width = image.size(3);
    torch::Tensor heat;
    if (!lastConv.empty()) {
        view.method = "grad-cam";
        view.layer = lastConv;
        const torch::Tensor maps = outputs.at(lastConv);  // [1, K, h, w]
        torch::Tensor grads = torch::autograd::grad({score}, {maps})[0];
        torch::Tensor weights = grads.mean({2, 3}, /*keepdim=*/true);  // [1, K, 1, 1]
        torch::Tensor cam = torch::relu((weights * maps).sum(1, /*keepdim=*/true)).detach();
        heat = torch::nn::functional::interpolate(
                   cam, torch::nn::functional::InterpolateFuncOptions()
                            .size(std::vector<int64_t>{height, width})
                            .mode(torch::kBilinear)
                            .align_corners(false))[0][0];
    } else {
        view.method = "input-gradient";
        torch::Tensor grads = torch::autograd::grad({score}, {x})[0];
        heat = std::get<0>(grads[0].abs().max(0));
    }
    model.train(wasTraining);
    view.heat = heatPicture(heat);
    view.overlay = heatOverlay(picture, view.heat);
    return view;
}

}  // namespace strata
