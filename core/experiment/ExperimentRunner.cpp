#include "experiment/ExperimentRunner.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

#include "experiment/ExperimentKinds.h"
#include "runs/RunReader.h"
#include "runs/RunSummary.h"

namespace strata {

namespace {

namespace fs = std::filesystem;

std::string inDir(const std::string& dir, const std::string& name) { return (fs::path(dir) / name).string(); }

double trainingSeconds(const std::vector<EpochRecord>& epochs) {
    double s = 0;
    for (const EpochRecord& e : epochs) s += e.seconds;
    return s;
}

void recordResult(ExperimentVariant& v, const TrainResult& result) {
    v.parameters = result.metrics.parameters;
    v.metrics = variantMetrics(result.metrics.epochs, result.metrics.hasTest, result.metrics.test.accuracy);
    v.details["seconds"] = trainingSeconds(result.metrics.epochs);
    switch (result.status) {
    case TrainResult::Status::Finished: v.status = "done"; v.error.clear(); break;
    case TrainResult::Status::Failed: v.status = "failed"; v.error = result.error; break;
    case TrainResult::Status::Stopped: break;  // stays "running": resume continues it
    }
}

bool resumable(const std::string& runPath) {
    std::error_code ec;
    if (!fs::exists(runPath, ec)) return false;
    try {
        readValidRun(runPath, {RunParts::Summary});
        return true;
    } catch (const std::exception&) {
        return false;  // killed before its first write, or damaged: train it afresh
    }
}

}  // namespace

ExperimentRunner::ExperimentRunner(std::string dir, int jobs, ExperimentEvents events)
    : dir_(std::move(dir)), jobs_(std::max(1, jobs)), events_(std::move(events)) {}

ExperimentRunner::~ExperimentRunner() = default;

void ExperimentRunner::save(const Experiment& experiment) { writeExperimentFile(experimentFileIn(dir_), experiment); }

Experiment ExperimentRunner::start(const ExperimentPlan& plan) {
    // Trained from what was written, exactly as resume() will: the two cannot differ.
    Experiment experiment = prepare(plan);
    std::vector<PlannedVariant> variants = storedVariants(dir_, experiment);
    return trainPending(std::move(experiment), std::move(variants));
}

Experiment ExperimentRunner::prepare(const ExperimentPlan& plan) {
    std::error_code ec;
    if (fs::exists(experimentFileIn(dir_), ec))
        throw ExperimentError(dir_ + ": already holds an experiment; resume it or choose another --out");
    fs::create_directories(dir_);
    Experiment experiment;
    experiment.kind = plan.kind;
    experiment.spec = plan.spec;
    std::vector<PlannedVariant> variants = plan.variants;
    std::set<std::string> names;
    for (const PlannedVariant& v : variants)  // their files are named after them
        if (v.record.name.empty() || !names.insert(v.record.name).second)
            throw ExperimentError("variant name \"" + v.record.name + "\" is empty or repeats");
    for (PlannedVariant& v : variants) {
        v.record.run = v.record.name + ".h5";
        v.record.design = v.record.name + ".strata.json";
        v.record.config = v.config.toJson();
        saveDesign(v.design, inDir(dir_, v.record.design));
        experiment.variants.push_back(v.record);
    }
    save(experiment);
    return experiment;
}

Experiment ExperimentRunner::resume() {
    Experiment experiment = readExperimentFile(experimentFileIn(dir_));
    // A variant whose design file (or settings) no longer reads fails on its own, as one whose
    // training fails: the others still train, and a finished variant never needs its design.
    std::vector<PlannedVariant> variants;
    for (ExperimentVariant& v : experiment.variants) {
        Experiment one;
        one.variants = {v};
        try {
            variants.push_back(storedVariants(dir_, one).front());
        } catch (const std::exception& e) {
            PlannedVariant unreadable;
            unreadable.record = v;
            variants.push_back(std::move(unreadable));
            if (v.status == "pending" || v.status == "running") {
                v.status = "failed";
                v.error = e.what();
            }
        }
    }
    return trainPending(std::move(experiment), std::move(variants));
}

void ExperimentRunner::stop() {
    stopped_ = true;
    std::lock_guard<std::mutex> lock(mutex_);
    for (TrainingJob* job : running_) job->stop();
}

Experiment ExperimentRunner::trainPending(Experiment experiment, std::vector<PlannedVariant> variants) {
    std::vector<int> todo;
    for (size_t i = 0; i < experiment.variants.size(); ++i)
        if (experiment.variants[i].status == "pending" || experiment.variants[i].status == "running") todo.push_back(int(i));
    std::atomic<size_t> next{0};
    auto worker = [&] {
        for (size_t k = next++; k < todo.size() && !stopped_; k = next++)
            trainOne(experiment, variants[size_t(todo[k])], todo[k]);
    };
    std::vector<std::thread> threads;
    for (int j = 1; j < std::min<int>(jobs_, int(todo.size())); ++j) threads.emplace_back(worker);
    worker();
    for (std::thread& t : threads) t.join();
    if (!stopped_) {
        finishExperiment(experiment);
        save(experiment);
    }
    return experiment;
}

void ExperimentRunner::trainOne(Experiment& experiment, PlannedVariant& planned, int index) {
    TrainConfig config = planned.config;
    config.run = inDir(dir_, planned.record.run);
    const int total = config.threads > 0 ? config.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    config.threads = std::max(1, total / jobs_);
    ExperimentVariant snapshot;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ExperimentVariant& v = experiment.variants[size_t(index)];
        config.resume = v.status == "running" && resumable(config.run);
        v.status = "running";
        save(experiment);
        snapshot = v;
    }
    if (events_.variantStart) events_.variantStart(index, int(experiment.variants.size()), snapshot);
    const TrainResult result = runJob(planned.design, config, index);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ExperimentVariant& v = experiment.variants[size_t(index)];
        recordResult(v, result);
        save(experiment);
        snapshot = v;
    }
    if (events_.variantEnd) events_.variantEnd(index, snapshot);
}

// The job is listed while it runs, so that stop() reaches it.
TrainResult ExperimentRunner::runJob(const Design& design, const TrainConfig& config, int index) {
    struct Listed {
        ExperimentRunner& runner;
        TrainingJob& job;
        Listed(ExperimentRunner& r, TrainingJob& j) : runner(r), job(j) {
            std::lock_guard<std::mutex> lock(runner.mutex_);
            runner.running_.push_back(&job);
            if (runner.stopped_) job.stop();
        }
        ~Listed() {
            std::lock_guard<std::mutex> lock(runner.mutex_);
            runner.running_.erase(std::find(runner.running_.begin(), runner.running_.end(), &job));
        }
    };
    TrainResult result;
    try {
        TrainingJob job(design, config);
        if (events_.training) job.setEvents(events_.training(index));
        const Listed listed(*this, job);
        result = job.run();
    } catch (const std::exception& e) {  // bad design, data or settings: this variant fails, the others go on
        result.status = TrainResult::Status::Failed;
        result.error = e.what();
    }
    return result;
}

std::vector<PlannedVariant> storedVariants(const std::string& dir, const Experiment& experiment) {
    std::vector<PlannedVariant> out;
    for (const ExperimentVariant& v : experiment.variants) {
        PlannedVariant p;
        p.record = v;
        if (v.design.empty()) throw ExperimentError(experimentFileIn(dir) + ": variant \"" + v.name + "\" names no design file");
        p.design = loadDesign(inDir(dir, v.design));
        try {
            p.config = TrainConfig::fromJson(v.config);
        } catch (const nlohmann::json::exception&) {
            throw ExperimentError(experimentFileIn(dir) + ": variant \"" + v.name + "\": config: a setting has the wrong type");
        }
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace strata
