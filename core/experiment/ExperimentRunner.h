#pragma once
// The queue of an experiment (docs/ARCHITECTURE.md §3): its variants trained one after another
// or `jobs` at a time, each into its own run file in the experiment folder, the experiment
// file rewritten as each starts and ends. A stopped or killed experiment continues where it
// was: finished variants are kept, an interrupted one resumes from its run file (the trainer's
// exact resume), and the result equals an uninterrupted experiment. Torch-free.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "design/Design.h"
#include "experiment/ExperimentFile.h"
#include "job/TrainingJob.h"

namespace strata {

// A variant before it is trained: its record, its design and its settings (run excluded).
struct PlannedVariant {
    ExperimentVariant record;
    Design design;
    TrainConfig config;
};

struct ExperimentPlan {
    std::string kind;
    nlohmann::json spec = nlohmann::json::object();
    std::vector<PlannedVariant> variants;
};

struct ExperimentEvents {
    // Called from the thread that trains the variant (several at once with jobs > 1).
    std::function<void(int index, int count, const ExperimentVariant&)> variantStart;
    std::function<void(int index, const ExperimentVariant&)> variantEnd;
    // The events of variant `index`'s training (progress, curves); may be empty.
    std::function<TrainingJobEvents(int index)> training;
};

class ExperimentRunner {
public:
    // `jobs` variants train at once, each with max(1, threads / jobs) threads, where threads is
    // the variant's setting (0: all cores). Equal per-variant threads give equal results.
    ExperimentRunner(std::string dir, int jobs, ExperimentEvents events);
    ~ExperimentRunner();

    // Writes each variant's design and the experiment file into the folder, then trains.
    // Throws ExperimentError when the folder already holds an experiment.
    Experiment start(const ExperimentPlan& plan);
    // Only writes them (every variant pending): for trainCommands and a scheduler.
    Experiment prepare(const ExperimentPlan& plan);
    // Continues the experiment in the folder. Throws ExperimentError naming the file or field
    // for an unreadable experiment file; a variant whose design file or settings no longer
    // read is recorded as failed (with the error) and the others go on.
    Experiment resume();
    // Thread-safe: the running variants stop after their current batch and stay resumable.
    void stop();

private:
    Experiment trainPending(Experiment experiment, std::vector<PlannedVariant> variants);
    void trainOne(Experiment& experiment, PlannedVariant& variant, int index);
    TrainResult runJob(const Design& design, const TrainConfig& config, int index);
    void save(const Experiment& experiment);

    std::string dir_;
    int jobs_;
    ExperimentEvents events_;
    std::atomic<bool> stopped_{false};
    std::mutex mutex_;  // the experiment record and the list of running jobs
    std::vector<TrainingJob*> running_;
};

// Each variant's design and settings as stored in the folder (for resume, --list, collect).
std::vector<PlannedVariant> storedVariants(const std::string& dir, const Experiment& experiment);
// One `strata train` command line per variant, so a scheduler can run them elsewhere; the
// runs land where `collect` looks for them.
std::vector<std::string> trainCommands(const std::string& dir);
// Reads each variant's run file into the experiment file (status, parameters, metrics): for
// variants trained by those commands. Returns the updated experiment (also written).
Experiment collectExperiment(const std::string& dir);

}  // namespace strata
