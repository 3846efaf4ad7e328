#pragma once
// The one summary of a run file that every list of runs shows: `strata runs`, the runs panel
// and the choice of run to export. Its best accuracy has one definition (bestAccuracy), so the
// command line and the studio never disagree on which number is "best".
#include <cstdint>
#include <string>
#include <vector>

#include "runs/MetricsJson.h"
#include "runs/RunReader.h"

namespace strata {


// A run's best accuracy and which accuracy it is.
struct BestAccuracy {
    double value = 0;   // a fraction in [0, 1]
    std::string label;  // "val", "test" or "train"; "" when the run has no accuracy at all
    bool known() const { return !label.empty(); }
};

struct RunSummary {
    std::string path;
    std::string name;      // the file name without ".h5"
    std::string error;     // why the file cannot be read; then only path, name, created are set
    std::string design;    // the design's name; "" when it has none
    std::string created;   // ISO 8601 UTC as recorded, else the file's modification time
    int64_t epochsDone = 0;
    int64_t epochsTotal = 0;  // the epochs asked for (config "epochs"); 0 when not recorded
    // "finished" (every epoch asked for is done), "incomplete" (fewer: stopped, failed or still
    // training), "" when the epochs asked for are not recorded.
    std::string status;
    int64_t parameters = 0;  // 0 when not recorded
    std::string precision;   // the precision used ("fp32", "bf16"), else the one asked for, else ""
    double seconds = 0;      // training time: the sum of the epochs' times
    BestAccuracy best;
    std::vector<EpochRecord> epochs;  // per-epoch metrics, for curves
    RunIntegrity integrity = RunIntegrity::Verified;  // of the parts a summary reads
    std::string integrityNote;                        // "" when verified (RunReader.h)
};

// The best accuracy of a run: the highest validation accuracy over its epochs; without
// validation, the final test accuracy; without either, the final (last epoch's) train accuracy.
BestAccuracy bestAccuracy(const RunData& run);

// The summary of a run already read (its summary parts are enough) from `path`.
RunSummary summarizeRun(const RunData& run, const std::string& path);
// Reads `path` through readValidRun (RunParts::Summary; `verify` false is --no-verify) and
// summarizes it. Never throws: a file that cannot be read, or is refused, gives a summary
// with `error` set (naming the path and the part at fault).
RunSummary summarizeRunFile(const std::string& path, bool verify = true);
// The summaries of every run file (*.h5) directly in `dir`, unreadable ones included, newest
// first (by `created`, then by name). Empty when `dir` is not a folder.
std::vector<RunSummary> listRunSummaries(const std::string& dir, bool verify = true);

}  // namespace strata
