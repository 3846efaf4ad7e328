#include "insight/LayerTiming.h"

#include <algorithm>
#include <chrono>

#include "train/CpuAutocast.h"

namespace strata {

namespace {
using Clock = std::chrono::steady_clock;

double medianOf(std::vector<double> ms) {
    if (ms.empty()) return 0;
    std::nth_element(ms.begin(), ms.begin() + long(ms.size() / 2), ms.end());
    return ms[ms.size() / 2];
}
}  // namespace

double medianMs(int repetitions, const std::function<void()>& f) {
    std::vector<double> ms;
    for (int i = 0; i < repetitions; ++i) {
        const auto start = Clock::now();
        f();
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    return medianOf(ms);
}

std::vector<TimedLayer> timedLayers(GraphModuleImpl& model) {
    const auto children = model.named_children();
    const auto& layers = model.layers();
    std::vector<TimedLayer> timed;
    for (size_t i = 0; i < layers.size(); ++i) {
        const auto inputs = model.analysis().inputsOf.find(layers[i].id);
        if (!children.find(layers[i].id) || inputs == model.analysis().inputsOf.end() || inputs->second.size() != 1)
            continue;
        // A ReLU deferred past its pool runs on the pool's output (same shape either way).
        TimedLayer t;
        t.index = i;
        t.from = layers[i].runsAfter.empty() ? inputs->second.front() : layers[i].runsAfter;
        t.networkInput = model.analysis().find(t.from)->type == "Input";
        timed.push_back(t);
    }
    return timed;
}

std::map<std::string, torch::Tensor> layerActivations(GraphModuleImpl& model, const torch::Tensor& images, bool bf16) {
    std::map<std::string, torch::Tensor> outputs;
    torch::NoGradGuard noGrad;
    CpuAutocast autocast(bf16);
    model.forward(images, outputs);
    return outputs;
}

LayerTimes timeLayer(GraphModuleImpl& model, const TimedLayer& layer, const torch::Tensor& activation, bool bf16,
                     int repetitions) {
    // The network's input needs no gradient (the first convolution computes only its weights').
    const torch::Tensor in = activation.detach().requires_grad_(!layer.networkInput);
    auto forward = [&] {
        CpuAutocast autocast(bf16);
        return model.forwardLayer(layer.index, in);
    };
    const torch::Tensor probe = forward();
    const torch::Tensor grad = torch::randn_like(probe);
    LayerTimes t;
    t.forwardMs = medianMs(repetitions, [&] {
        torch::NoGradGuard noGrad;
        forward();
    });
    std::vector<double> backward;
    for (int i = 0; i < repetitions; ++i) {
        const torch::Tensor out = forward();
        if (!out.requires_grad()) {  // a layer without trainable inputs (frozen, or parameter-free on the input)
            t.backwardTimed = false;
            return t;
        }
        const auto start = Clock::now();
        out.backward(grad);
        backward.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    t.backwardMs = medianOf(backward);
    return t;
}

void trainStep(GraphModuleImpl& model, torch::optim::Optimizer& optimizer, const torch::Tensor& images,
               const torch::Tensor& labels, bool bf16) {
    optimizer.zero_grad();
    torch::Tensor logits;
    {
        CpuAutocast autocast(bf16);
        logits = model.forward(images);
    }
    torch::nn::functional::cross_entropy(logits.to(torch::kFloat32), labels).backward();
    optimizer.step();
}

double trainStepMs(GraphModuleImpl& model, const torch::Tensor& images, const torch::Tensor& labels, bool bf16,
                   int steps) {
    torch::optim::Adam optimizer(model.parameters(), torch::optim::AdamOptions(1e-3));
    for (int i = 0; i < 3; ++i) trainStep(model, optimizer, images, labels, bf16);  // buffers, primitives
    return medianMs(steps, [&] { trainStep(model, optimizer, images, labels, bf16); });
}

}  // namespace strata
