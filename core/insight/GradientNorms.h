#pragma once
// Training dynamics for the gradient heat map: the L2 norm of each layer's parameter gradients
// over the steps of a run. The history stays bounded: each column is the mean over `stride`
// consecutive steps, and when kMaxColumns are full, neighbouring columns are averaged in pairs
// and the stride doubles, so the columns always cover equal spans of steps.
#include "train/TrainingObserver.h"

#include <mutex>
#include <string>
#include <vector>

#include "insight/FeatureSnapshot.h"

namespace strata {

class GradientNormsObserver : public TrainingObserver {
public:
    static constexpr size_t kMaxColumns = 400;

    // Continues `earlier` (a resumed run's recorded history) when given.
    explicit GradientNormsObserver(const GradientHistory& earlier = {});

    void afterBackward(GraphModuleImpl& model, int64_t step) override;
    // A copy of the history so far (thread-safe).
    GradientHistory history() const;

private:
    void compact();

    mutable std::mutex mutex_;
    GradientHistory history_;
    int64_t stride_ = 1;
    std::vector<double> sum_;  // per layer, over the steps of the open column
    int64_t pending_ = 0;      // steps in the open column
};

}  // namespace strata
