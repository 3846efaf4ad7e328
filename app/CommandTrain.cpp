// strata train DESIGN --data DIR [options]

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <thread>

#include "Commands.h"
#include "Format.h"
#include "LocalLauncher.h"
#include "Options.h"
#include "TrainSettings.h"
#include "job/TrainingJob.h"
#include "runs/OutputFolders.h"

namespace strata::cli {

namespace {

// The trainer to stop on SIGINT/SIGTERM, and which signal arrived. TrainingJob::stop() only
// stores an atomic flag, so calling it from the handler is safe.
TrainingJob* gTrainer = nullptr;
volatile std::sig_atomic_t gSignal = 0;

void onSignal(int sig) {
    gSignal = sig;
    if (gTrainer) gTrainer->stop();
}

// The arguments of each --nproc worker: ours without --nproc, with the run path fixed (every
// rank must agree on it, e.g. for --resume) and --threads split between the workers unless given.
std::vector<std::string> workerArgs(const Args& args, const Options& opts, const TrainConfig& c, int nproc) {
    std::vector<std::string> out{"train"};
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--nproc") {
            ++i;  // and its value
            continue;
        }
        if (args[i].rfind("--nproc=", 0) == 0) continue;
        out.push_back(args[i]);
    }
    if (!opts.has("--run")) out.insert(out.end(), {"--run", c.run});
    if (!opts.has("--threads"))
        out.insert(out.end(), {"--threads", std::to_string(std::max(1u, std::thread::hardware_concurrency() / unsigned(nproc)))});
    return out;
}

std::string defaultRunPath(const std::string& designName) {
    return "runs/" + (designName.empty() ? std::string("design") : designName) + "-" + localTimestamp() + ".h5";
}

Options trainOptions() {
    std::vector<OptionSpec> specs = trainingSettingOptions();
    specs.insert(specs.end(),
                 {{"--nproc", "N", "train in N local processes, data-parallel (--threads, default cores/N, and --batch-size are per process)"},
                  {"--run", "FILE", "run file (default runs/<design>-<time>.h5)"},
                  {"--metrics-json", "FILE", "write the metrics JSON here"},
                  {"--features", "", "record feature snapshots (before training and at each epoch end) in the run's /features"},
                  {"--resume", "", "continue the run given by --run from its last complete epoch"}});
    return Options("train", "DESIGN --data DIR [options]",
                 "Trains DESIGN on the image folder DIR (DIR/<class>/<image>) and writes a run file\n"
                 "(HDF5) at each epoch end. Progress goes to stderr. SIGINT/SIGTERM stop after the\n"
                 "current batch, keeping the last complete epoch (exit 130/143).",
                 specs);
}

// The settings of the command line; `worker` says this process's rank in a data-parallel launch.
TrainConfig configFromOptions(const Options& opts, const std::string& designName, const WorkerEnvironment& worker) {
    TrainConfig c = trainingSettingsFrom(opts);
    c.resume = opts.has("--resume");
    c.features = opts.has("--features");
    if (c.resume && !opts.has("--run")) throw UsageError("strata train: --resume needs --run RUN.h5");
    if (c.resume && !c.initFrom.empty())
        throw UsageError("strata train: --init-from starts a new run; --resume continues one with its own weights");
    c.run = opts.has("--run") ? opts.get("--run") : defaultRunPath(designName);
    c.rank = worker.rank;
    c.worldSize = worker.worldSize;
    c.validate();
    return c;
}

// Runs the job with SIGINT/SIGTERM stopping it between batches.
TrainResult runStoppable(TrainingJob& job) {
    gTrainer = &job;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    TrainResult result = job.run();
    gTrainer = nullptr;
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    return result;
}

int reportResult(const TrainResult& result, const Options& opts, bool rankZero, ProgressLine& progress) {
    if (!result.metrics.epochs.empty() || result.status == TrainResult::Status::Finished) {
        if (opts.has("--metrics-json") && rankZero) writeJsonFile(opts.get("--metrics-json"), metricsToJson(result.metrics));
    }
    switch (result.status) {
        case TrainResult::Status::Failed:
            printError(result.error);
            return kExitFailure;
        case TrainResult::Status::Stopped:
            if (rankZero) progress.line("stopped; " + result.runPath + " keeps the last complete epoch");
            return gSignal == SIGTERM ? 143 : 130;
        case TrainResult::Status::Finished:
            break;
    }
    if (!rankZero) return kExitOk;
    if (result.metrics.hasTest)
        std::printf("test: loss %.4f accuracy %.4f\n", result.metrics.test.loss, result.metrics.test.accuracy);
    std::printf("run: %s\n", result.runPath.c_str());
    return kExitOk;
}

}  // namespace

int trainCommand(const Args& args) {
    Options opts = trainOptions();
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata train: expected one DESIGN file (see strata train --help)");
    if (!opts.has("--data")) throw UsageError("strata train: --data DIR is required");

    const Design design = loadDesign(opts.positionals()[0]);
    // Data-parallel: a worker of a torchrun-style launch (or of --nproc below).
    const WorkerEnvironment worker = readWorkerEnvironment();
    const TrainConfig c = configFromOptions(opts, design.name, worker);
    if (opts.has("--nproc")) {
        const int nproc = opts.getInt("--nproc", 1);
        if (worker.set) throw UsageError("strata train: --nproc starts its own workers; don't combine it with RANK/WORLD_SIZE");
        if (nproc < 1 || nproc > 256) throw UsageError("--nproc must be between 1 and 256");
        if (nproc > 1) return launchLocalWorkers(nproc, workerArgs(args, opts, c, nproc));
    }
    const bool rankZero = c.rank == 0;  // data-parallel: rank 0 alone reports and writes

    TrainingJob job(design, c);
    ProgressLine progress;
    // The other ranks stay quiet unless they fail.
    job.setEvents(rankZero ? progressEvents(progress) : TrainingJobEvents());
    return reportResult(runStoppable(job), opts, rankZero, progress);
}

}  // namespace strata::cli
