#pragma once
// Loss, accuracy, per-class accuracy and confusion matrix of a model on a set of samples.
#include <torch/torch.h>

#include <vector>

#include "compile/GraphModule.h"
#include "runs/MetricsJson.h"
#include "train/Batches.h"

namespace strata {

// Runs under NoGradGuard in eval mode, restoring the module's previous mode afterwards.
EvalRecord evaluateModel(GraphModule& model, const BatchSource& source, const std::vector<int64_t>& indices,
                         int classes, int batchSize = 256);

}  // namespace strata
