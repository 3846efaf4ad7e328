// strata experiment KIND ...: transfer, resume, show (docs/ARCHITECTURE.md §7)
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "Commands.h"
#include "Format.h"
#include "Options.h"
#include "TrainSettings.h"
#include "experiment/ExperimentKinds.h"
#include "experiment/ExperimentSpec.h"

namespace strata::cli {

namespace {

// SIGINT/SIGTERM only raise this flag: ExperimentRunner::stop() takes the runner's mutex,
// which the interrupted thread may be holding (it does while it writes experiment.json), so
// it is called from a watcher thread instead (StopWatcher).
volatile std::sig_atomic_t gStopSignal = 0;

void onExperimentSignal(int) { gStopSignal = 1; }

// While it lives: the signals handled, and the runner stopped soon after one arrives.
class StopWatcher {
public:
    explicit StopWatcher(ExperimentRunner& runner) {
        gStopSignal = 0;
        std::signal(SIGINT, onExperimentSignal);
        std::signal(SIGTERM, onExperimentSignal);
        thread_ = std::thread([this, &runner] {
            while (!done_) {
                if (gStopSignal) {
                    runner.stop();
                    return;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        });
    }
    ~StopWatcher() {
        done_ = true;
        thread_.join();
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
    }

private:
    std::atomic<bool> done_{false};
    std::thread thread_;
};

// --out, else the default folder for the design file at `designPath` ("" for none).
std::string outFolder(const Options& opts, const std::string& designPath, const std::string& kind) {
    return opts.has("--out") ? opts.get("--out") : defaultExperimentFolder(designPath, kind);
}

// The accuracy a variant is compared by: test, else validation, else train (labelled).
std::string accuracyText(const ExperimentVariant& v) {
    double accuracy = 0;
    std::string label;
    if (!judgedAccuracy(v, accuracy, &label)) return v.status == "done" ? "-" : v.status;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.4f (%s)", accuracy, label.c_str());
    return buf;
}

// The kind's own columns of a variant ("k", "frozen" for transfer).
std::string detailText(const nlohmann::json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_array()) {
        std::string out;
        for (const auto& item : value) out += (out.empty() ? "" : ",") + detailText(item);
        return out.empty() ? "-" : out;
    }
    return value.dump();
}

void printTable(const Experiment& e) {
    std::vector<std::string> kindKeys;
    if (!e.variants.empty())
        for (auto it = e.variants.front().details.begin(); it != e.variants.front().details.end(); ++it)
            if (it.key() != "seconds") kindKeys.push_back(it.key());
    std::vector<std::string> header{"variant"};
    header.insert(header.end(), kindKeys.begin(), kindKeys.end());
    header.insert(header.end(), {"parameters", "status", "accuracy", "time"});
    Table table(header);
    for (const ExperimentVariant& v : e.variants) {
        std::vector<std::string> row{v.name};
        for (const std::string& k : kindKeys) row.push_back(v.details.contains(k) ? detailText(v.details.at(k)) : "-");
        row.push_back(v.parameters > 0 ? groupedNumber(v.parameters) : "-");
        row.push_back(v.status);
        row.push_back(accuracyText(v));
        row.push_back(v.details.contains("seconds") ? duration(v.details.at("seconds").get<double>()) : "-");
        table.add(row);
    }
    std::fputs(table.render().c_str(), stdout);
}

void printFit(const Experiment& e) {
    if (!e.fit.is_object()) return;
    for (const char* axis : {"parameters", "images"}) {
        const nlohmann::json& f = e.fit.value(axis, nlohmann::json::object());
        if (f.value("points", 0) < 2) {
            std::printf("fit against %s: fewer than two points\n", axis);
            continue;
        }
        if (f.value("a", 0.0) <= 0) {  // fitPowerLaw found no slope: every point at the same x
            std::printf("fit against %s: no fit, the %d points share one x\n", axis, f.value("points", 0));
            continue;
        }
        // x^(-b) with the sign applied: an error that grows with x (b < 0) reads x^(0.0677), not x^(--0.0677).
        std::printf("fit against %s: test error = %.4g * x^(%.4f), R^2 %.3f (%d points)\n", axis, f.value("a", 0.0),
                    0.0 - f.value("b", 0.0), f.value("r2", 0.0), f.value("points", 0));
    }
}

// Trains with progress on stderr, stoppable by SIGINT/SIGTERM; prints the table at the end.
int runWithProgress(const std::string& dir, int jobs, const std::function<Experiment(ExperimentRunner&)>& go) {
    ProgressLine progress;
    ExperimentEvents events;
    events.variantStart = [&progress, jobs](int i, int count, const ExperimentVariant& v) {
        if (jobs == 1) progress.setPrefix(v.name + " " + std::to_string(i + 1) + "/" + std::to_string(count) + "  ");
        progress.line("variant " + std::to_string(i + 1) + "/" + std::to_string(count) + ": " + v.name);
    };
    events.variantEnd = [&progress](int, const ExperimentVariant& v) {
        progress.line(v.name + ": " + v.status + (v.error.empty() ? "" : " (" + v.error + ")") + ", " + accuracyText(v));
    };
    events.training = [&progress, jobs](int) { return jobs == 1 ? progressEvents(progress) : TrainingJobEvents(); };
    ExperimentRunner runner(dir, jobs, events);
    const Experiment e = [&] {
        const StopWatcher watcher(runner);
        return go(runner);
    }();
    printTable(e);
    printFit(e);
    std::printf("experiment: %s\n", experimentFileIn(dir).c_str());
    int failed = 0, unfinished = 0;
    for (const ExperimentVariant& v : e.variants) {
        if (v.status == "failed") printError(v.name + ": " + v.error), ++failed;
        if (v.status == "pending" || v.status == "running") ++unfinished;
    }
    if (unfinished) progress.line("stopped; `strata experiment resume " + dir + "` continues it");
    return failed || unfinished ? kExitFailure : kExitOk;
}

std::vector<OptionSpec> queueOptions() {
    return {{"--out", "DIR",
             "experiment folder (default experiments/<kind>-<time> beside DESIGN, as the studio's runs; "
             "without a design file, or where DESIGN's folder is not writable: under $XDG_DATA_HOME/strata)"},
            {"--jobs", "N", "variants trained at once, the threads split between them (default 1)"}};
}

int jobsFrom(const Options& opts) {
    const int jobs = opts.getInt("--jobs", 1);
    if (jobs < 1 || jobs > 64) throw UsageError("--jobs must be between 1 and 64");
    return jobs;
}

// The folders and the source run as absolute paths: the experiment file keeps them for
// `resume` and the `--list` commands, which may run from another working directory.
TrainConfig withAbsolutePaths(TrainConfig c) {
    for (std::string* p : {&c.data, &c.val, &c.test, &c.initFrom})
        if (!p->empty()) *p = std::filesystem::absolute(*p).lexically_normal().string();
    return c;
}

int transferCommand(const Args& args) {
    std::vector<OptionSpec> specs;
    for (const OptionSpec& s : trainingSettingOptions())
        if (s.name != "--freeze" && s.name != "--freeze-through") specs.push_back(s);  // the sweep sets them
    for (const OptionSpec& s : queueOptions()) specs.push_back(s);
    Options opts("experiment transfer", "DESIGN --init-from RUN.h5 --data DIR [--test DIR] [options]",
                 "How far down features transfer: trains DESIGN from the weights of RUN.h5 with its first k\n"
                 "layers that have parameters frozen, for k = 0 (fine-tune everything) up to all but the\n"
                 "head, and once from scratch, all with the same data, settings and seed. Each variant\n"
                 "is a run file in the experiment folder, listed in its experiment.json; the table of\n"
                 "accuracy against k is printed at the end (test accuracy with --test).",
                 specs);
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata experiment transfer: expected one DESIGN file");
    if (!opts.has("--data")) throw UsageError("strata experiment transfer: --data DIR is required");
    if (!opts.has("--init-from")) throw UsageError("strata experiment transfer: --init-from RUN.h5 is required");
    const Design design = loadDesign(opts.positionals()[0]);
    TrainConfig base = withAbsolutePaths(trainingSettingsFrom(opts));
    base.validate();
    const ExperimentPlan plan = transferPlan(design, base);
    const std::string out = outFolder(opts, opts.positionals()[0], "transfer");
    return runWithProgress(out, jobsFrom(opts), [&plan](ExperimentRunner& r) { return r.start(plan); });
}

// The settings options of `strata train` minus those the kind sets itself, plus the queue's.
std::vector<OptionSpec> kindOptions(const std::set<std::string>& setByKind, const std::vector<OptionSpec>& own) {
    std::vector<OptionSpec> specs = own;
    for (const OptionSpec& s : trainingSettingOptions())
        if (!setByKind.count(s.name)) specs.push_back(s);
    for (const OptionSpec& s : queueOptions()) specs.push_back(s);
    return specs;
}

TrainConfig validatedSettings(const Options& opts) {
    if (!opts.has("--data")) throw UsageError("strata experiment: --data DIR is required");
    TrainConfig base = withAbsolutePaths(trainingSettingsFrom(opts));
    base.validate();
    return base;
}

std::vector<double> numberList(const Options& opts, const std::string& name) {
    std::vector<double> out;
    for (const std::string& item : opts.getList(name)) {
        char* end = nullptr;
        const double v = std::strtod(item.c_str(), &end);
        if (end == item.c_str() || *end) throw UsageError(name + ": \"" + item + "\" is not a number");
        out.push_back(v);
    }
    return out;
}

int stabilizersCommand(const Args& args) {
    Options opts("experiment stabilizers", "--data DIR [--depth 20] [--width 16] [--activation relu|tanh|sigmoid] [options]",
                 "Why deep stacks need stabilizers: one stack of --depth 3x3 convolution blocks of --width\n"
                 "channels, trained plain, with BatchNorm, with residual connections, and with both, on the\n"
                 "same data, settings and seed. Each run keeps its per-layer gradient norms (the Features\n"
                 "and Experiments docks show them side by side).",
                 kindOptions({"--init-from", "--restat", "--freeze", "--freeze-through"},
                             {{"--depth", "N", "blocks in the stack (default 20)"},
                              {"--width", "N", "channels of every block (default 16)"},
                              {"--activation", "NAME", "relu, tanh or sigmoid (default relu)"},
                              {"--input-size", "HxW", "the stack's input size (default: the first image's)"}}));
    if (!opts.parse(args)) return kExitOk;
    if (!opts.positionals().empty()) throw UsageError("strata experiment stabilizers: takes no DESIGN (it builds the stack)");
    StabilizerSpec spec;
    spec.depth = opts.getInt("--depth", spec.depth);
    spec.blockWidth = opts.getInt("--width", spec.blockWidth);
    spec.activation = opts.get("--activation", "relu");
    if (opts.has("--input-size") && std::sscanf(opts.get("--input-size").c_str(), "%dx%d", &spec.height, &spec.width) != 2)
        throw UsageError("--input-size: expected HxW, e.g. 28x28");
    const ExperimentPlan plan = stabilizerPlan(spec, validatedSettings(opts));
    const std::string out = outFolder(opts, "", "stabilizers");  // the stack is no design file
    return runWithProgress(out, jobsFrom(opts), [&plan](ExperimentRunner& r) { return r.start(plan); });
}

int scalingCommand(const Args& args) {
    Options opts("experiment scaling", "DESIGN --data DIR --widths 0.25,0.5,1,2 [--fractions 0.1,0.3,1] [options]",
                 "How accuracy scales: DESIGN at each width multiplier on all the data, and at width 1 on\n"
                 "each fraction of the data (the first fraction of each class); then fits test error as\n"
                 "a * x^(-b) against parameters and against training images (least squares in log-log).",
                 kindOptions({"--data-fraction"}, {{"--widths", "K,K,...", "width multipliers (required)"},
                                                   {"--fractions", "F,F,...", "data fractions at width 1"}}));
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata experiment scaling: expected one DESIGN file");
    if (!opts.has("--widths")) throw UsageError("strata experiment scaling: --widths K,K,... is required");
    const Design design = loadDesign(opts.positionals()[0]);
    const ExperimentPlan plan =
        scalingPlan(design, numberList(opts, "--widths"), numberList(opts, "--fractions"), validatedSettings(opts));
    const std::string out = outFolder(opts, opts.positionals()[0], "scaling");
    return runWithProgress(out, jobsFrom(opts), [&plan](ExperimentRunner& r) { return r.start(plan); });
}

int runSpecCommand(const Args& args) {
    Options opts("experiment run", "SPEC.json [--list] [--out DIR] [--jobs N]",
                 "Runs the experiment a spec file describes (docs/ARCHITECTURE.md §9). --list only writes\n"
                 "the experiment folder and prints one `strata train` command per variant, for a\n"
                 "scheduler; `strata experiment collect DIR` then gathers the finished runs.",
                 {queueOptions()[0], queueOptions()[1], {"--list", "", "print the train commands instead of training"}});
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata experiment run: expected one SPEC.json");
    const ExperimentSpec spec = readExperimentSpec(opts.positionals()[0]);
    // --out, else the spec's "out", else beside the design file the spec names.
    const std::string out = !opts.has("--out") && !spec.out.empty() ? spec.out : outFolder(opts, spec.design, spec.plan.kind);
    if (opts.has("--list")) {
        ExperimentRunner(out, 1, {}).prepare(spec.plan);
        for (const std::string& line : trainCommands(out)) std::printf("%s\n", line.c_str());
        return kExitOk;
    }
    return runWithProgress(out, jobsFrom(opts), [&spec](ExperimentRunner& r) { return r.start(spec.plan); });
}

int collectCommand(const Args& args) {
    Options opts("experiment collect", "DIR", "Reads the run files of the variants in DIR (trained by the commands of\n"
                                              "`experiment run --list`) into its experiment.json.", {});
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata experiment collect: expected one experiment folder");
    const Experiment e = collectExperiment(opts.positionals()[0]);
    printTable(e);
    printFit(e);
    return kExitOk;
}

int resumeCommand(const Args& args) {
    Options opts("experiment resume", "DIR [--jobs N]",
                 "Continues the experiment in DIR: finished variants are kept, an interrupted one resumes\n"
                 "from its run file, the others are trained.",
                 {queueOptions()[1]});
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata experiment resume: expected one experiment folder");
    const std::string dir = opts.positionals()[0];
    return runWithProgress(dir, jobsFrom(opts), [](ExperimentRunner& r) { return r.resume(); });
}

int showCommand(const Args& args) {
    Options opts("experiment show", "DIR", "Prints the variants of the experiment in DIR: their settings, parameters,\n"
                                           "status, accuracy and training time.", {});
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata experiment show: expected one experiment folder");
    const Experiment e = readExperimentFile(experimentFileIn(opts.positionals()[0]));
    std::printf("%s experiment, %zu variants\n", e.kind.c_str(), e.variants.size());
    printTable(e);
    printFit(e);
    return kExitOk;
}

}  // namespace

int experimentCommand(const Args& args) {
    static const std::map<std::string, std::pair<int (*)(const Args&), const char*>> kinds = {
        {"stabilizers", {stabilizersCommand, "plain, +BatchNorm, +residual, +both on one deep stack"}},
        {"scaling", {scalingCommand, "accuracy against width and data, with the power-law fit"}},
        {"transfer", {transferCommand, "how far down a trained run's features transfer"}},
        {"run", {runSpecCommand, "the experiment of a spec file (--list: train commands for a scheduler)"}},
        {"resume", {resumeCommand, "continue a stopped or killed experiment"}},
        {"show", {showCommand, "the table of an experiment's variants"}},
        {"collect", {collectCommand, "gather runs trained elsewhere into the experiment file"}}};
    if (args.empty()) throw UsageError("strata experiment: expected one of stabilizers, scaling, transfer, run, resume, show, collect");
    if (args[0] == "--help" || args[0] == "-h") {
        std::printf("usage: strata experiment KIND [options]   (strata experiment KIND --help)\n\n");
        for (const auto& [name, kind] : kinds) std::printf("  %-12s %s\n", name.c_str(), kind.second);
        return kExitOk;
    }
    const auto it = kinds.find(args[0]);
    if (it == kinds.end()) throw UsageError("strata experiment: unknown kind \"" + args[0] + "\" (see strata experiment --help)");
    return it->second.first(Args(args.begin() + 1, args.end()));
}

}  // namespace strata::cli
