#pragma once
// Moves torch state (weights, buffers, optimizer, RNG) in and out of the plain arrays of
// the run file, so the run file itself stays torch-free.
#include <torch/torch.h>

#include <mutex>
#include <string>
#include <vector>

#include "runs/RunFile.h"

namespace strata {

// Every parameter and buffer, named by module path ("conv1.weight", "bn1.running_mean").
std::vector<NamedArray> moduleState(const torch::nn::Module& module);
// Copies the arrays back; throws RunFileError naming `source` and the tensor on a missing
// name or a shape mismatch (a run whose design does not fit its checkpoint).
void loadModuleState(torch::nn::Module& module, const std::vector<NamedArray>& state, const std::string& source);

NamedArray tensorToArray(const std::string& name, const torch::Tensor& t);
torch::Tensor arrayToTensor(const NamedArray& a);

// Optimizer state as an opaque byte array (torch's own archive format).
NamedArray optimizerToArray(torch::optim::Optimizer& optimizer);
void loadOptimizer(torch::optim::Optimizer& optimizer, const NamedArray& bytes);

// Held while a training seeds torch's default CPU generator and draws its initial weights, or
// restores its state: trainings in one process (an experiment's --jobs) must not interleave
// those draws. (Dropout masks during training still come from the shared generator, so runs
// of designs with Dropout are reproducible only one at a time; docs/ARCHITECTURE.md §3.)
std::mutex& defaultGeneratorMutex();

// The default CPU generator (dropout masks) as bytes, for exact resume.
NamedArray rngStateToArray();
void loadRngState(const NamedArray& bytes);

}  // namespace strata
