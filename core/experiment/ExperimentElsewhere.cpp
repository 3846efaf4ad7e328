// trainCommands / collectExperiment (ExperimentRunner.h): an experiment whose variants are
// trained by a scheduler on other machines, one `strata train` command each.
#include "experiment/ExperimentRunner.h"

#include <filesystem>
#include <set>

#include "experiment/ExperimentKinds.h"
#include "runs/EpochTable.h"
#include "runs/RunReader.h"

namespace strata {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// Safe for a POSIX shell: single quotes, with ' written as '\''.
std::string shellQuoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// --name value for every setting that differs from the default (the command stays readable).
std::string settingOptions(const json& config) {
    const json defaults = TrainConfig().toJson();
    std::string out;
    for (auto it = config.begin(); it != config.end(); ++it) {
        static const std::set<std::string> notOptions = {"threads", "world_size", "probe_image"};
        if (notOptions.count(it.key()) || defaults.value(it.key(), json()) == it.value()) continue;
        std::string option = "--" + it.key();
        for (char& c : option) c = c == '_' ? '-' : c;
        const json& v = it.value();
        if (v.is_boolean()) out += v.get<bool>() ? " " + option : "";
        else if (v.is_string()) out += " " + option + " " + shellQuoted(v.get<std::string>());
        else if (v.is_array()) {
            std::string list;
            for (const auto& item : v) list += (list.empty() ? "" : ",") + (item.is_string() ? item.get<std::string>() : item.dump());
            if (!list.empty()) out += " " + option + " " + shellQuoted(list);
        } else out += " " + option + " " + v.dump();
    }
    return out;
}

}  // namespace

std::vector<std::string> trainCommands(const std::string& dir) {
    const Experiment e = readExperimentFile(experimentFileIn(dir));
    std::vector<std::string> out;
    for (const ExperimentVariant& v : e.variants)
        out.push_back("strata train " + shellQuoted((fs::path(dir) / v.design).string()) + settingOptions(v.config) +
                      " --run " + shellQuoted((fs::path(dir) / v.run).string()));
    return out;
}

Experiment collectExperiment(const std::string& dir) {
    Experiment e = readExperimentFile(experimentFileIn(dir));
    for (ExperimentVariant& v : e.variants) {
        const std::string run = (fs::path(dir) / v.run).string();
        std::error_code ec;
        if (v.status == "done" || !fs::exists(run, ec)) continue;
        try {
            const ValidRun r = readValidRun(run, {RunParts::Summary});
            const int64_t asked = v.config.value("epochs", int64_t(0));
            const size_t done = loadEpochs(r.data).size();
            const auto parameters = r.data.config.find("parameters");
            v.parameters = parameters != r.data.config.end() && parameters->is_number_integer() ? parameters->get<int64_t>() : 0;
            v.metrics = variantMetrics(loadEpochs(r.data), r.data.hasTest, r.data.testAccuracy);
            v.status = asked > 0 && int64_t(done) >= asked ? "done" : "running";
            v.error.clear();  // of an earlier failure: the run file now says where it stands
        } catch (const std::exception& err) {
            v.status = "failed";
            v.error = err.what();
        }
    }
    finishExperiment(e);
    writeExperimentFile(experimentFileIn(dir), e);
    return e;
}

}  // namespace strata
