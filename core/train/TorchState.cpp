#include "train/TorchState.h"

#include <ATen/CPUGeneratorImpl.h>

#include <sstream>

namespace strata {

NamedArray tensorToArray(const std::string& name, const torch::Tensor& tensor) {
    NamedArray a;
    a.name = name;
    torch::Tensor t = tensor.detach().contiguous().cpu();
    a.shape.assign(t.sizes().begin(), t.sizes().end());
    if (t.scalar_type() == torch::kInt64) {
        a.type = NamedArray::Type::Int64;
        a.i64.assign(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
    } else if (t.scalar_type() == torch::kUInt8) {
        a.type = NamedArray::Type::UInt8;
        a.u8.assign(t.data_ptr<uint8_t>(), t.data_ptr<uint8_t>() + t.numel());
    } else {
        t = t.to(torch::kFloat32);
        a.type = NamedArray::Type::Float32;
        a.f32.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    }
    return a;
}

torch::Tensor arrayToTensor(const NamedArray& a) {
    switch (a.type) {
        case NamedArray::Type::Int64:
            return torch::from_blob(const_cast<int64_t*>(a.i64.data()), a.shape, torch::kInt64).clone();
        case NamedArray::Type::UInt8:
            return torch::from_blob(const_cast<uint8_t*>(a.u8.data()), a.shape, torch::kUInt8).clone();
        case NamedArray::Type::Float32:
            break;
    }
    return torch::from_blob(const_cast<float*>(a.f32.data()), a.shape, torch::kFloat32).clone();
}

std::vector<NamedArray> moduleState(const torch::nn::Module& module) {
    std::vector<NamedArray> out;
    for (const auto& p : module.named_parameters()) out.push_back(tensorToArray(p.key(), p.value()));
    for (const auto& b : module.named_buffers()) out.push_back(tensorToArray(b.key(), b.value()));
    return out;
}

void loadModuleState(torch::nn::Module& module, const std::vector<NamedArray>& state, const std::string& source) {
    torch::NoGradGuard noGrad;
    auto load = [&](const std::string& name, torch::Tensor target) {
        const NamedArray* a = findArray(state, name);
        if (!a) throw RunFileError(source + ": checkpoint has no tensor \"" + name + "\" that the design needs");
        torch::Tensor value = arrayToTensor(*a);
        if (value.sizes() != target.sizes())
            throw RunFileError(source + ": checkpoint tensor \"" + name + "\" has shape " +
                               c10::str(value.sizes()) + " but the design needs " + c10::str(target.sizes()));
        target.copy_(value);
    };
    for (auto& p : module.named_parameters()) load(p.key(), p.value());
    for (auto& b : module.named_buffers()) load(b.key(), b.value());
}

static NamedArray bytesArray(const std::string& name, const std::string& bytes) {
    NamedArray a;
    a.name = name;
    a.type = NamedArray::Type::UInt8;
    a.u8.assign(bytes.begin(), bytes.end());
    a.shape = {int64_t(a.u8.size())};
    return a;
}

NamedArray optimizerToArray(torch::optim::Optimizer& optimizer) {
    torch::serialize::OutputArchive archive;
    optimizer.save(archive);
    std::ostringstream out;
    archive.save_to(out);
    return bytesArray("state", out.str());
}

void loadOptimizer(torch::optim::Optimizer& optimizer, const NamedArray& bytes) {
    std::istringstream in(std::string(bytes.u8.begin(), bytes.u8.end()));
    torch::serialize::InputArchive archive;
    archive.load_from(in);
    optimizer.load(archive);
}

NamedArray rngStateToArray() {
    torch::Tensor state = at::detail::getDefaultCPUGenerator().get_state();
    NamedArray a = tensorToArray("rng", state);
    return a;
}

std::mutex& defaultGeneratorMutex() {
    static std::mutex m;
    return m;
}

void loadRngState(const NamedArray& bytes) {
    const std::lock_guard<std::mutex> draws(defaultGeneratorMutex());
    at::Generator gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(arrayToTensor(bytes));
}

}  // namespace strata
