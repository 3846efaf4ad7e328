#include "TrainSettings.h"

#include <unistd.h>

#include <cstdio>
#include <memory>

#include "Format.h"
#include "data/LoadingEta.h"

namespace strata::cli {

std::vector<OptionSpec> trainingSettingOptions() {
    return {{"--data", "DIR", "training image folder (required)"},
            {"--val", "DIR", "validation image folder"},
            {"--val-split", "F", "hold out this fraction of --data for validation"},
            {"--test", "DIR", "test image folder, evaluated after the last epoch"},
            {"--data-fraction", "F", "train on the first fraction F of each class of --data, by file name (default 1)"},
            {"--epochs", "N", "epochs in total (default 10)"},
            {"--batch-size", "N", "batch size (default 64)"},
            {"--optimizer", "NAME", "sgd, adam or adamw (default adam)"},
            {"--lr", "X", "learning rate (default 1e-3)"},
            {"--momentum", "X", "SGD momentum (default 0.9)"},
            {"--weight-decay", "X", "weight decay (default 0)"},
            {"--schedule", "NAME", "none, cosine or step (default none)"},
            {"--augment", "NAMES", "none, or a +-joined set of flip, crop, rotate (up to 10 degrees), jitter "
                                   "(brightness/contrast), erase (random erasing) (default none)"},
            {"--class-weights", "NAME", "none or auto: weigh the loss by inverse class frequency (default none)"},
            {"--sampler", "NAME", "shuffle or balanced: draw each class equally often, with replacement (default shuffle)"},
            {"--seed", "N", "random seed (default 0)"},
            {"--threads", "N", "compute threads (default: number of cores)"},
            {"--data-memory", "SIZE", "memory for decoded images, e.g. 512M or 2G (K, M, G: powers of 1024); a "
                                      "larger folder is read a batch at a time from the decode cache (default: "
                                      "half of the available memory)"},
            {"--precision", "NAME", "fp32, bf16 or auto: bf16 autocast of the forward pass, weights fp32; "
                                    "auto = bf16 where the CPU has bf16 instructions and most of the "
                                    "design's work is in layers bf16 speeds up (default fp32)"},
            {"--init-from", "RUN.h5", "start from this run's weights where nodes match by id, type and shapes"},
            {"--restat", "", "with --init-from: compute mean/std from --data instead of keeping the run's"},
            {"--freeze", "ID,ID,...", "do not train these nodes (their BatchNorm statistics stay as they are)"},
            {"--freeze-through", "ID", "freeze every node with parameters up to and including ID"}};
}

ProgressLine::ProgressLine() : tty_(isatty(STDERR_FILENO)) {}

void ProgressLine::batch(const BatchEvent& e) {
    const auto now = std::chrono::steady_clock::now();
    const double since = std::chrono::duration<double>(now - last_).count();
    if (since < (tty_ ? 0.2 : 5.0) && e.batch != e.batches) return;
    last_ = now;
    std::fprintf(stderr, "%s%sepoch %d/%d  batch %lld/%lld  loss %.4f  %.0f img/s  ETA %s%s", tty_ ? "\r" : "",
                 prefix_.c_str(), e.epoch, e.epochs, (long long)e.batch, (long long)e.batches, e.loss,
                 e.imagesPerSecond, duration(e.etaSeconds).c_str(), tty_ ? "\033[K" : "\n");
    std::fflush(stderr);
}

void ProgressLine::line(const std::string& text) {
    std::fprintf(stderr, "%s%s\n", tty_ ? "\r\033[K" : "", text.c_str());
    std::fflush(stderr);
}

TrainConfig trainingSettingsFrom(const Options& opts) {
    TrainConfig c;
    c.data = opts.get("--data");
    c.val = opts.get("--val");
    c.valSplit = opts.getDouble("--val-split", 0.0);
    c.test = opts.get("--test");
    c.dataFraction = opts.getDouble("--data-fraction", 1.0);
    c.epochs = opts.getInt("--epochs", c.epochs);
    c.batchSize = opts.getInt("--batch-size", c.batchSize);
    c.optimizer = opts.get("--optimizer", c.optimizer);
    c.lr = opts.getDouble("--lr", c.lr);
    c.momentum = opts.getDouble("--momentum", c.momentum);
    c.weightDecay = opts.getDouble("--weight-decay", c.weightDecay);
    c.schedule = opts.get("--schedule", c.schedule);
    c.augment = opts.get("--augment", c.augment);
    c.classWeights = opts.get("--class-weights", c.classWeights);
    c.sampler = opts.get("--sampler", c.sampler);
    c.seed = opts.getInt("--seed", 0);
    c.threads = opts.getInt("--threads", 0);
    c.dataMemory = opts.get("--data-memory");
    c.precision = opts.get("--precision", c.precision);
    c.initFrom = opts.get("--init-from");
    if (opts.has("--init-from") && c.initFrom.empty()) throw UsageError("--init-from: give a run file");
    c.restat = opts.has("--restat");
    if (c.restat && c.initFrom.empty()) throw UsageError("--restat needs --init-from RUN.h5");
    c.freeze = opts.getList("--freeze");
    c.freezeThrough = opts.get("--freeze-through");
    return c;
}

// Progress lines on stderr: loading, batches (rewritten in place), one line per epoch.
TrainingJobEvents progressEvents(ProgressLine& progress) {
    auto lastLoadReport = std::make_shared<int64_t>(-1);
    TrainingJobEvents events;
    events.log = [&progress](const std::string& m) { progress.line(m); };
    auto eta = std::make_shared<LoadingEta>();
    events.loading = [&progress, lastLoadReport, eta](int64_t done, int64_t total) {
        const double left = eta->update(done, total);
        if (done == total || done - *lastLoadReport >= total / 4) {
            *lastLoadReport = done;
            // A large folder's first pass takes minutes: say how many are left.
            progress.line("loading images " + std::to_string(done) + "/" + std::to_string(total) +
                          (left >= 0 ? "  ETA " + duration(left) : ""));
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

}  // namespace strata::cli
