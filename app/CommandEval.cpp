// strata eval RUN.h5 --data DIR [--metrics-json FILE]
#include <cstdio>
#include <thread>

#include "Commands.h"
#include "Format.h"
#include "Options.h"
#include "runs/RunSummary.h"
#include "train/TrainedModel.h"

namespace strata::cli {

int evalCommand(const Args& args) {
    Options opts("eval", "RUN.h5 --data DIR [--metrics-json FILE]",
                 "Evaluates a trained run on an image folder with the same classes: loss, accuracy,\n"
                 "per-class accuracy and the confusion matrix (rows: true class, columns: predicted).",
                 {{"--data", "DIR", "image folder to evaluate on (required)"},
                  {"--metrics-json", "FILE", "write the metrics JSON (with \"test\") here"},
                  {"--threads", "N", "decode and compute threads (default: number of cores)"},
                  noVerifyOption()});
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata eval: expected one RUN.h5 (see strata eval --help)");
    if (!opts.has("--data")) throw UsageError("strata eval: --data DIR is required");
    int threads = opts.getInt("--threads", int(std::max(1u, std::thread::hardware_concurrency())));
    if (threads < 1) throw UsageError("--threads must be at least 1");

    TrainedModel model(opts.positionals()[0], !opts.has("--no-verify"));
    printNote(model.integrityNote());
    DecodedImages images;
    const EvalRecord r = model.evaluate(opts.get("--data"), threads, &images);
    if (std::string report = skipReport(images); !report.empty())
        std::fprintf(stderr, "%s: %s\n", opts.get("--data").c_str(), report.c_str());

    std::printf("images: %lld\nloss: %.4f\naccuracy: %.4f\n\n", (long long)images.count(), r.loss, r.accuracy);
    const auto& classes = model.classes();
    Table perClass({"class", "accuracy"});
    for (size_t c = 0; c < classes.size(); ++c) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4f", r.perClassAccuracy[c]);
        perClass.add({classes[c], buf});
    }
    std::fputs(perClass.render().c_str(), stdout);
    std::printf("\nconfusion (rows: true, columns: predicted, in class order)\n");
    Table confusion({"true"});
    for (size_t c = 0; c < classes.size(); ++c) {
        std::vector<std::string> row{classes[c]};
        for (int64_t v : r.confusion[c]) row.push_back(std::to_string(v));
        confusion.add(row);
    }
    std::fputs(confusion.render().c_str(), stdout);

    if (opts.has("--metrics-json")) {
        MetricsSummary m;
        const RunData& run = model.run();
        const RunSummary summary = summarizeRun(run, opts.positionals()[0]);
        m.design = summary.design;
        m.parameters = summary.parameters;
        m.classes = classes;
        const auto seed = run.config.find("seed");
        m.seed = seed != run.config.end() && seed->is_number_integer() ? seed->get<int64_t>() : 0;
        m.threads = threads;
        m.hasTest = true;
        m.test = r;
        writeJsonFile(opts.get("--metrics-json"), metricsToJson(m));
    }
    return kExitOk;
}

}  // namespace strata::cli
