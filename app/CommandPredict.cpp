// strata predict RUN.h5 IMAGE... [--top 3]
#include <cstdio>

#include "Commands.h"
#include "Options.h"
#include "train/TrainedModel.h"

namespace strata::cli {

int predictCommand(const Args& args) {
    Options opts("predict", "RUN.h5 IMAGE... [--top K]",
                 "Classifies each image with a trained run: one line per image, the path and then\n"
                 "class:probability pairs, best first. Unreadable images are reported on stderr\n"
                 "(exit 2 after the others are printed).",
                 {{"--top", "K", "how many classes to print per image (default 3)"}, noVerifyOption()});
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() < 2) throw UsageError("strata predict: expected RUN.h5 and at least one IMAGE");
    const int top = opts.getInt("--top", 3);
    if (top < 1) throw UsageError("--top must be at least 1");

    TrainedModel model(opts.positionals()[0], !opts.has("--no-verify"));
    printNote(model.integrityNote());
    int failures = 0;
    for (size_t i = 1; i < opts.positionals().size(); ++i) {
        const Prediction p = model.predict(opts.positionals()[i], top);
        if (!p.error.empty()) {
            printError(p.path + ": " + p.error);
            ++failures;
            continue;
        }
        std::string line = p.path;
        for (const auto& [name, probability] : p.top) {
            char buf[32];
            std::snprintf(buf, sizeof buf, ":%.4f", probability);
            line += " " + name + buf;
        }
        std::printf("%s\n", line.c_str());
    }
    return failures ? kExitBadInput : kExitOk;
}

}  // namespace strata::cli
