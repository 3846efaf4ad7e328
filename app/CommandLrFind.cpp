// strata lr-find DESIGN --data DIR [training options]

#include <cstdio>

#include "Commands.h"
#include "Options.h"
#include "TrainSettings.h"
#include "train/LrFinder.h"

namespace strata::cli {

namespace {

Options lrFindOptions() {
    std::vector<OptionSpec> specs = trainingSettingOptions();
    specs.insert(specs.end(), {{"--steps", "N", "steps of the ramp (default 100)"},
                               {"--start-lr", "X", "first learning rate (default 1e-7)"},
                               {"--end-lr", "X", "last learning rate (default 10)"}});
    return Options("lr-find", "DESIGN --data DIR [training options]",
                   "Trains DESIGN for a short while with the learning rate growing exponentially\n"
                   "from --start-lr to --end-lr, stopping once the smoothed loss exceeds 4x its\n"
                   "minimum. Prints the curve (lr, loss, smoothed loss) and, last, the suggested\n"
                   "learning rate: where the smoothed loss falls fastest. No run file\n"
                   "is written; --lr, --epochs and --schedule are ignored.",
                   specs);
}

}  // namespace

int lrFindCommand(const Args& args) {
    Options opts = lrFindOptions();
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata lr-find: expected one DESIGN file (see strata lr-find --help)");
    if (!opts.has("--data")) throw UsageError("strata lr-find: --data DIR is required");
    TrainConfig c = trainingSettingsFrom(opts);
    c.validate();
    LrRamp ramp;
    ramp.steps = opts.getInt("--steps", ramp.steps);
    ramp.start = opts.getDouble("--start-lr", ramp.start);
    ramp.end = opts.getDouble("--end-lr", ramp.end);
    if (ramp.steps < 3 || ramp.steps > 100000) throw UsageError("--steps must be between 3 and 100000");
    if (!(ramp.start > 0 && ramp.end > ramp.start && ramp.end <= 1e3))
        throw UsageError("--start-lr and --end-lr: need 0 < start < end <= 1000");

    const Design design = loadDesign(opts.positionals()[0]);
    ProgressLine progress;
    LrFindEvents events;
    events.log = [&progress](const std::string& m) { progress.line(m); };
    const LrCurve curve = findLearningRate(design, c, ramp, events);
    std::printf("%-12s %-10s %s\n", "lr", "loss", "smoothed");
    for (size_t i = 0; i < curve.lrs.size(); ++i)
        std::printf("%-12.4g %-10.4f %.4f\n", curve.lrs[i], curve.losses[i], curve.smoothed[i]);
    if (curve.suggestion <= 0) {
        printError("the ramp stopped after " + std::to_string(curve.lrs.size()) +
                   " steps, too few for a suggestion; lower --start-lr or raise --steps");
        return kExitFailure;
    }
    std::printf("suggested learning rate: %.3g\n", curve.suggestion);
    return kExitOk;
}

}  // namespace strata::cli
