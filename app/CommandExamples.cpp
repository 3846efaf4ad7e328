// strata examples RUN.h5 [--mislabeled N | --hardest N | --ambiguous N] [--val] [--json FILE]
#include <cstdio>

#include "Commands.h"
#include "Format.h"
#include "Options.h"
#include "insight/DatasetMap.h"
#include "runs/MetricsJson.h"
#include "runs/RunReader.h"

namespace strata::cli {

namespace {

constexpr int kDefaultCount = 20;

struct Ranking {
    const char* option;
    MapRanking ranking;
};
constexpr Ranking kRankings[] = {{"--mislabeled", MapRanking::Mislabeled},
                                 {"--hardest", MapRanking::Hardest},
                                 {"--ambiguous", MapRanking::Ambiguous}};

// The one ranking asked for (mislabeled by default) and how many candidates.
std::pair<MapRanking, int> chosenRanking(const Options& opts) {
    const Ranking* chosen = nullptr;
    for (const Ranking& r : kRankings) {
        if (!opts.has(r.option)) continue;
        if (chosen)
            throw UsageError(std::string("strata examples: ") + chosen->option + " and " + r.option +
                             " exclude each other; give one ranking");
        chosen = &r;
    }
    if (!chosen) return {MapRanking::Mislabeled, kDefaultCount};
    const int n = opts.getInt(chosen->option, kDefaultCount);
    if (n < 1) throw UsageError(std::string(chosen->option) + ": expected a positive count, got " + std::to_string(n));
    return {chosen->ranking, n};
}

std::string className(const std::vector<std::string>& classes, int c) {
    return c >= 0 && size_t(c) < classes.size() ? classes[size_t(c)] : std::to_string(c);
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    return buf;
}

nlohmann::json toJson(const std::vector<MapPoint>& points, const std::vector<std::string>& classes) {
    nlohmann::json items = nlohmann::json::array();
    for (const MapPoint& p : points)
        items.push_back({{"path", p.path},
                         {"label", className(classes, p.label)},
                         {"preferred", className(classes, p.preferred)},
                         {"mean_probability", p.meanProbability},
                         {"variability", p.variability},
                         {"correct_fraction", p.correctFraction},
                         {"last_probability", p.lastProbability},
                         {"region", regionName(p.region)}});
    return {{"format", "strata.examples/1"}, {"items", items}};
}

void printTable(const std::vector<MapPoint>& points, const std::vector<std::string>& classes) {
    Table table({"path", "label", "preferred", "mean p", "variability", "right", "region"});
    for (const MapPoint& p : points)
        table.add({p.path, className(classes, p.label), className(classes, p.preferred), number(p.meanProbability),
                   number(p.variability), number(p.correctFraction), regionName(p.region)});
    std::fputs(table.render().c_str(), stdout);
}

}  // namespace

int examplesCommand(const Args& args) {
    Options opts("examples", "RUN.h5 [--mislabeled N | --hardest N | --ambiguous N] [--json FILE]",
                 "Ranks a run's training images by their training dynamics (the dataset map of\n"
                 "Swayamdipta et al., 2020): per image the mean and the standard deviation (variability)\n"
                 "across epochs of the probability of its folder label, the fraction of epochs it was\n"
                 "right, and the class the network prefers at the last epoch. Best candidates first.",
                 {{"--mislabeled", "N", "the N images most probably mislabeled: lowest mean + variability (default, 20)"},
                  {"--hardest", "N", "the N images right in the fewest epochs"},
                  {"--ambiguous", "N", "the N images of highest variability"},
                  {"--val", "", "rank the validation images instead of the training images"},
                  {"--json", "FILE", "write {\"format\": \"strata.examples/1\", \"items\": [...]} here"},
                  noVerifyOption()});
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata examples: expected one RUN.h5");
    const auto [ranking, count] = chosenRanking(opts);
    const std::string path = opts.positionals()[0];
    RunReadOptions read;
    read.verify = !opts.has("--no-verify");
    const ValidRun run = readValidRun(path, read);
    printNote(run.integrityNote);
    const ExampleSet& set = opts.has("--val") ? run.data.examples.val : run.data.examples.train;
    if (!run.data.examples.present() || set.epochs() == 0)
        throw UsageError(path + ": " + missingRecordMessage(opts.has("--val") && run.data.examples.present()));
    const std::vector<MapPoint> ranked = rankMap(datasetMap(set), ranking, count);
    printTable(ranked, run.classes);
    if (opts.has("--json")) writeJsonFile(opts.get("--json"), toJson(ranked, run.classes));
    return kExitOk;
}

}  // namespace strata::cli
