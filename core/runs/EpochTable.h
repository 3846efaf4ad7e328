#pragma once
// Per-epoch metrics as run-file columns (/metrics/epoch) and back: the trainer writes them,
// resume and the runs panel read them.
#include <vector>

#include "runs/MetricsJson.h"
#include "runs/RunFile.h"

namespace strata {

// Fills run.epochColumns / run.epochMetrics from the records (val columns only when the
// records have validation).
void storeEpochs(const std::vector<EpochRecord>& epochs, RunData& run);
// The records of a run file's epoch columns (missing columns read as 0).
std::vector<EpochRecord> loadEpochs(const RunData& run);

}  // namespace strata
