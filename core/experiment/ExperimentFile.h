#pragma once
// The experiment file, `experiment.json` in an experiment's folder (docs/ARCHITECTURE.md §9):
// what was asked (kind, spec) and, per variant, its run file, status and results, rewritten
// atomically after every change so that a reader (or a later resume) sees where it stands.
#include <nlohmann/json.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "runs/MetricsJson.h"

namespace strata {

inline constexpr const char* kExperimentFormat = "strata.experiment/1";

struct ExperimentVariant {
    std::string name;                // unique within the experiment ("scratch", "k2")
    std::string run;                 // run file, relative to the experiment folder
    std::string design;              // its design file, relative to the experiment folder
    nlohmann::json config = nlohmann::json::object();  // its TrainConfig (toJson), run excluded
    std::string status = "pending";  // pending | running | done | failed
    int64_t parameters = 0;
    // train_accuracy, val_accuracy, test_accuracy: those the run has.
    nlohmann::json metrics = nlohmann::json::object();
    std::string error;               // for failed
    nlohmann::json details = nlohmann::json::object();  // kind-specific (e.g. "frozen")
};

struct Experiment {
    std::string kind;                                 // "transfer", "stabilizers", "scaling", "variants"
    nlohmann::json spec = nlohmann::json::object();   // what was asked, kind-specific
    std::vector<ExperimentVariant> variants;
    nlohmann::json fit;                               // scaling only: {"parameters": {a, b, r2}, "images": {...}}
};

class ExperimentError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A variant's "metrics": the last epoch's train (and validation) accuracy, and the test
// accuracy when `hasTest`; the same whether read from a training's result or its run file.
nlohmann::json variantMetrics(const std::vector<EpochRecord>& epochs, bool hasTest, double testAccuracy);

// The accuracy an experiment judges a variant by: test, else validation, else train, with its
// label ("test", "val", "train"); false when the run reported none. The table, the studio
// and the scaling fit all use it.
bool judgedAccuracy(const ExperimentVariant& variant, double& accuracy, std::string* label = nullptr);

nlohmann::json experimentToJson(const Experiment& experiment);
// Atomic (temp file + rename). Throws std::runtime_error naming the path on failure.
void writeExperimentFile(const std::string& path, const Experiment& experiment);
// Throws ExperimentError naming the file and the field for anything that is not an
// experiment file of this format.
Experiment readExperimentFile(const std::string& path);
// The experiment file of an experiment folder.
std::string experimentFileIn(const std::string& dir);
// A new experiment's folder when none is named (docs/ARCHITECTURE.md §13):
// "experiments/<kind>-<yyyymmdd-HHMMSS>" (then "-2", "-3", ... while that folder exists) in the
// folder that holds the runs of the design saved at `designPath` (runs/OutputFolders.h: beside
// it, else $XDG_DATA_HOME/strata). Pass "" when the variants come from no design file
// (stabilizers build their stack). The command line and the studio both start experiments here.
std::string defaultExperimentFolder(const std::string& designPath, const std::string& kind);

}  // namespace strata
