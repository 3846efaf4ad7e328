#include "compile/OneDnnLayers.h"

#include <ATen/autocast_mode.h>
#include <cmath>

#include "compile/Precision.h"

namespace strata {

namespace {

bool oneDnnUsable(const torch::Tensor& input) {
    return at::hasMKLDNN() && at::globalContext().userEnabledMkldnn() && input.device().is_cpu() &&
           input.layout() == torch::kStrided && input.numel() > 0;
}

}  // namespace

bool oneDnnTakes(const torch::Tensor& input) {
    // Under bf16 autocast the plain function is the one autocast lowers to bf16 (oneDNN's bf16
    // matmul); only fp32 outside autocast comes here.
    return oneDnnUsable(input) && input.scalar_type() == torch::kFloat && !at::autocast::is_cpu_enabled();
}

bool oneDnnPoolTakes(const torch::Tensor& input) {
    // Autocast leaves pooling alone: the tensor's own type decides.
    return oneDnnUsable(input) && (input.scalar_type() == torch::kFloat ||
                                   (input.scalar_type() == torch::kBFloat16 && cpuPrecisionSupport().oneDnnBf16));
}

OneDnnLinearImpl::OneDnnLinearImpl(const torch::nn::LinearOptions& options_) : options(options_) { reset(); }

// The same parameters, in the same order and with the same random draws, as nn::LinearImpl.
void OneDnnLinearImpl::reset() {
    weight = register_parameter("weight", torch::empty({options.out_features(), options.in_features()}));
    if (options.bias())
        bias = register_parameter("bias", torch::empty(options.out_features()));
    else
        bias = register_parameter("bias", {}, /*requires_grad=*/false);
    torch::nn::init::kaiming_uniform_(weight, std::sqrt(5));
    if (bias.defined()) {
        const auto fanIn = std::get<0>(torch::nn::init::_calculate_fan_in_and_fan_out(weight));
        const double bound = 1 / std::sqrt(static_cast<double>(fanIn));
        torch::nn::init::uniform_(bias, -bound, bound);
    }
}

void OneDnnLinearImpl::pretty_print(std::ostream& stream) const {
    stream << "strata::OneDnnLinear(in_features=" << options.in_features()
           << ", out_features=" << options.out_features() << ", bias=" << std::boolalpha << options.bias() << ")";
}

torch::Tensor OneDnnLinearImpl::forward(const torch::Tensor& input) { return linear(input, weight, bias); }

torch::Tensor OneDnnLinearImpl::linear(const torch::Tensor& input, const torch::Tensor& weight,
                                       const torch::Tensor& bias) {
    if (input.dim() == 2 && weight.scalar_type() == torch::kFloat && oneDnnTakes(input))
        return at::mkldnn_linear(input.contiguous().to_mkldnn(), weight, bias).to_dense();  // a TokenPool's slice
    if (input.dim() > 2 && weight.scalar_type() == torch::kFloat && oneDnnTakes(input)) {
        // oneDNN's inner product takes 2-D inputs only: tokens [N, T, D] go in as [N·T, D] rows.
        std::vector<int64_t> shape = input.sizes().vec();
        const torch::Tensor rows = input.reshape({-1, shape.back()});
        shape.back() = weight.size(0);
        return at::mkldnn_linear(rows.to_mkldnn(), weight, bias).to_dense().view(shape);
    }
    return torch::nn::functional::linear(input, weight, bias);
}

OneDnnMaxPool2dImpl::OneDnnMaxPool2dImpl(const torch::nn::MaxPool2dOptions& options_) : options(options_) {}

void OneDnnMaxPool2dImpl::pretty_print(std::ostream& stream) const {
    stream << "strata::OneDnnMaxPool2d(kernel_size=" << options.kernel_size() << ", stride=" << options.stride()
           << ", padding=" << options.padding() << ")";
}

torch::Tensor OneDnnMaxPool2dImpl::forward(const torch::Tensor& input) {
    const bool plainWindow = !options.ceil_mode() && (*options.dilation())[0] == 1 && (*options.dilation())[1] == 1;
    const bool channelsLast = input.dim() == 4 && !input.is_contiguous() &&
                              input.is_contiguous(at::MemoryFormat::ChannelsLast);
    if (input.dim() == 4 && plainWindow && !channelsLast && oneDnnPoolTakes(input))
        return torch::max_pool2d(input.to_mkldnn(), options.kernel_size(), options.stride(), options.padding())
            .to_dense();
    return torch::nn::functional::detail::max_pool2d(input, options.kernel_size(), options.stride(),
                                                     options.padding(), options.dilation(), options.ceil_mode());
}

}  // namespace strata
