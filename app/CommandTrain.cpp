// strata train DESIGN --data DIR [options]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <thread>

#include "Commands.h"
#include "Format.h"
#include "LocalLauncher.h"
#include "Options.h"
#include "job/TrainingJob.h"

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
    std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    return "runs/" + (designName.empty() ? std::string("design") : designName) + "-" + stamp + ".h5";
}

// One progress line on stderr: rewritten in place on a terminal, else one line every few
// seconds so logs stay readable.
class ProgressLine {
public:
    ProgressLine() : tty_(isatty(STDERR_FILENO)) {}
    void batch(const BatchEvent& e) {
        const auto now = std::chrono::steady_clock::now();
        const double since = std::chrono::duration<double>(now - last_).count();
        if (since < (tty_ ? 0.2 : 5.0) && e.batch != e.batches) return;
        last_ = now;
        std::fprintf(stderr, "%sepoch %d/%d  batch %lld/%lld  loss %.4f  %.0f img/s  ETA %s%s", tty_ ? "\r" : "",
                     e.epoch, e.epochs, (long long)e.batch, (long long)e.batches, e.loss, e.imagesPerSecond,
                     duration(e.etaSeconds).c_str(), tty_ ? "\033[K" : "\n");
        std::fflush(stderr);
    }
    void line(const std::string& text) {
        std::fprintf(stderr, "%s%s\n", tty_ ? "\r\033[K" : "", text.c_str());
        std::fflush(stderr);
    }

private:
    bool tty_;
    std::chrono::steady_clock::time_point last_{};
};

Options trainOptions() {
    return Options("train", "DESIGN --data DIR [options]",
                 "Trains DESIGN on the image folder DIR (DIR/<class>/<image>) and writes a run file\n"
                 "(HDF5) at each epoch end. Progress goes to stderr. SIGINT/SIGTERM stop after the\n"
                 "current batch, keeping the last complete epoch (exit 130/143).",
                 {{"--data", "DIR", "training image folder (required)"},
                  {"--val", "DIR", "validation image folder"},
                  {"--val-split", "F", "hold out this fraction of --data for validation"},
                  {"--test", "DIR", "test image folder, evaluated after the last epoch"},
                  {"--epochs", "N", "epochs in total (default 10)"},
                  {"--batch-size", "N", "batch size (default 64)"},
                  {"--optimizer", "NAME", "sgd, adam or adamw (default adam)"},
                  {"--lr", "X", "learning rate (default 1e-3)"},
                  {"--momentum", "X", "SGD momentum (default 0.9)"},
                  {"--weight-decay", "X", "weight decay (default 0)"},
                  {"--schedule", "NAME", "none, cosine or step (default none)"},
                  {"--augment", "NAME", "none, flip, crop or flip+crop (default none)"},
                  {"--seed", "N", "random seed (default 0)"},
                  {"--threads", "N", "compute threads (default: number of cores)"},
                  {"--precision", "NAME", "fp32, bf16 or auto: bf16 autocast of the forward pass, weights fp32; "
                                          "auto = bf16 only on CPUs with AMX (default fp32)"},
                  {"--nproc", "N", "train in N local processes, data-parallel (--threads, default cores/N, and --batch-size are per process)"},
                  {"--run", "FILE", "run file (default runs/<design>-<time>.h5)"},
                  {"--metrics-json", "FILE", "write the metrics JSON here"},
                  {"--features", "", "record feature snapshots (before training and at each epoch end) in the run's /features"},
                  {"--resume", "", "continue the run given by --run from its last complete epoch"}});
}

// The settings of the command line; `worker` says this process's rank in a data-parallel launch.
TrainConfig configFromOptions(const Options& opts, const std::string& designName, const WorkerEnvironment& worker) {
    TrainConfig c;
    c.data = opts.get("--data");
    c.val = opts.get("--val");
    c.valSplit = opts.getDouble("--val-split", 0.0);
    c.test = opts.get("--test");
    c.epochs = opts.getInt("--epochs", c.epochs);
    c.batchSize = opts.getInt("--batch-size", c.batchSize);
    c.optimizer = opts.get("--optimizer", c.optimizer);
    c.lr = opts.getDouble("--lr", c.lr);
    c.momentum = opts.getDouble("--momentum", c.momentum);
    c.weightDecay = opts.getDouble("--weight-decay", c.weightDecay);
    c.schedule = opts.get("--schedule", c.schedule);
    c.augment = opts.get("--augment", c.augment);
    c.seed = opts.getInt("--seed", 0);
    c.threads = opts.getInt("--threads", 0);
    c.precision = opts.get("--precision", c.precision);
    c.resume = opts.has("--resume");
    c.features = opts.has("--features");
    if (c.resume && !opts.has("--run")) throw UsageError("strata train: --resume needs --run RUN.h5");
    c.run = opts.has("--run") ? opts.get("--run") : defaultRunPath(designName);
    c.rank = worker.rank;
    c.worldSize = worker.worldSize;
    c.validate();
    return c;
}

// Progress lines on stderr: loading, batches (rewritten in place), one line per epoch.
TrainingJobEvents progressEvents(ProgressLine& progress) {
    auto lastLoadReport = std::make_shared<int64_t>(-1);
    TrainingJobEvents events;
    events.log = [&progress](const std::string& m) { progress.line(m); };
    events.loading = [&progress, lastLoadReport](int64_t done, int64_t total) {
        if (done == total || done - *lastLoadReport >= total / 4) {
            *lastLoadReport = done;
            progress.line("loading images " + std::to_string(done) + "/" + std::to_string(total));
        }
    };
    events.batch = [&progress](const BatchEvent& e) { progress.batch(e); };
    events.epoch = [&progress](const EpochRecord& e) {
        char buf[256];
        std::snprintf(buf, sizeof buf, "epoch %d: train loss %.4f acc %.4f", e.epoch, e.trainLoss, e.trainAccuracy);
        std::string text = buf;
        if (e.hasVal) {
            std::snprintf(buf, sizeof buf, "  val loss %.4f acc %.4f", e.valLoss, e.valAccuracy);
            text += buf;
        }
        std::snprintf(buf, sizeof buf, "  %.1f s  %.0f img/s", e.seconds, e.imagesPerSecond);
        progress.line(text + buf);
    };
    return events;
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
