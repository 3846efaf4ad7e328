#include "compile/GraphModule.h"

#include "compile/LayerFactory.h"

namespace strata {

GraphModuleImpl::GraphModuleImpl(const Design& design, int classes) : analysis_(analyzeDesign(design, classes)) {
    if (!analysis_.valid()) throw DesignError(analysis_.issues.front().text());

    std::map<std::string, size_t> slot;  // node id -> index into the value table
    for (const NodeAnalysis& node : analysis_.nodes) {
        Step step;
        step.type = node.type;
        auto inputsIt = analysis_.inputsOf.find(node.id);
        if (inputsIt != analysis_.inputsOf.end())
            for (const std::string& from : inputsIt->second) step.inputs.push_back(slot.at(from));
        step.module = makeLayerModule(node);
        if (!step.module.is_empty()) register_module(node.id, step.module.ptr());
        if (node.type == "Output") outputIndex_ = steps_.size();

        slot[node.id] = steps_.size();
        layers_.push_back({node.id, node.type, node.depth, node.output, !step.module.is_empty()});
        steps_.push_back(std::move(step));
    }
    deferReluPastPools();
}

// max_pool(relu(x)) == relu(max_pool(x)) exactly, values and gradients: both are monotonic,
// windows whose maximum is <= 0 give 0 and a zero gradient either way, and otherwise the
// gradient reaches the same first maximum. After the swap the ReLU and its backward touch a
// tensor kernel_size^2 times smaller: on a 96x96 photo CNN the full-size ReLU took a third of
// each step (tests/bench/bench_layers). Only where nothing else reads the ReLU's output.
void GraphModuleImpl::deferReluPastPools() {
    std::vector<int> consumers(steps_.size(), 0);
    for (const Step& s : steps_)
        for (size_t from : s.inputs) ++consumers[from];
    for (Step& pool : steps_) {
        if (pool.type != "MaxPool2d" || pool.inputs.size() != 1) continue;
        Step& relu = steps_[pool.inputs[0]];
        if (relu.type != "ReLU" || consumers[pool.inputs[0]] != 1) continue;
        relu.reluDeferred = pool.reluAfter = true;
        layers_[pool.inputs[0]].runsAfter = layers_[size_t(&pool - steps_.data())].id;
    }
}

void GraphModuleImpl::freeze(const std::vector<std::string>& ids) {
    const auto children = named_children();
    for (const std::string& id : ids) {
        const auto* child = children.find(id);
        if (!child) throw std::invalid_argument("cannot freeze \"" + id + "\": no layer of that id has parameters");
        for (auto& p : (*child)->parameters()) p.requires_grad_(false);
        frozen_.insert(id);
    }
    train(is_training());
}

std::vector<torch::Tensor> GraphModuleImpl::trainableParameters() const {
    std::vector<torch::Tensor> out;
    for (const auto& p : named_parameters())
        if (!frozen_.count(p.key().substr(0, p.key().find('.')))) out.push_back(p.value());
    return out;
}

void GraphModuleImpl::train(bool on) {
    torch::nn::Module::train(on);
    if (frozen_.empty()) return;
    const auto children = named_children();
    for (const std::string& id : frozen_)
        if (const auto* child = children.find(id)) (*child)->eval();
}

void GraphModuleImpl::useChannelsLast() {
    torch::NoGradGuard noGrad;
    for (auto& p : parameters())
        if (p.dim() == 4) p.set_data(p.contiguous(at::MemoryFormat::ChannelsLast));
}

torch::Tensor GraphModuleImpl::forward(const torch::Tensor& input) { return run(input, nullptr, nullptr); }

torch::Tensor GraphModuleImpl::forward(const torch::Tensor& input, std::map<std::string, torch::Tensor>& outputs,
                                       const std::set<std::string>& keep) {
    return run(input, &outputs, &keep);
}

torch::Tensor GraphModuleImpl::forwardLayer(size_t index, const torch::Tensor& input) {
    Step& step = steps_.at(index);
    if (step.module.is_empty()) throw std::invalid_argument(layers_[index].id + " has no module of its own");
    return step.module.forward(input);
}

torch::Tensor GraphModuleImpl::run(const torch::Tensor& input, std::map<std::string, torch::Tensor>* outputs,
                                   const std::set<std::string>* keep) {
    std::vector<torch::Tensor> values(steps_.size());
    const bool deferRelus = outputs == nullptr;  // every node's own output is kept otherwise
    for (size_t i = 0; i < steps_.size(); ++i) {
        Step& step = steps_[i];
        if (step.type == "Input") {
            values[i] = input;
        } else if (step.type == "Add") {
            torch::Tensor sum = values[step.inputs[0]];
            for (size_t k = 1; k < step.inputs.size(); ++k) sum = sum + values[step.inputs[k]];
            values[i] = sum;
        } else if (step.type == "Concat") {
            std::vector<torch::Tensor> parts;
            for (size_t k : step.inputs) parts.push_back(values[k]);
            values[i] = torch::cat(parts, /*dim=*/1);
        } else if (step.module.is_empty()) {  // Output: logits pass through
            values[i] = values[step.inputs.at(0)];
        } else if (deferRelus && step.reluDeferred) {
            values[i] = values[step.inputs.at(0)];
        } else {
            values[i] = step.module.forward(values[step.inputs.at(0)]);
            if (deferRelus && step.reluAfter) values[i] = torch::relu(values[i]);
        }
        if (outputs && (keep->empty() || keep->count(layers_[i].id))) (*outputs)[layers_[i].id] = values[i];
    }
    return values[outputIndex_];
}

}  // namespace strata
