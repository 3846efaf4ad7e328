// strata: the command line, and the studio when no subcommand is given.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>

#include "Commands.h"
#include "Options.h"
#include "Version.h"
#include "data/ImageFolder.h"
#include "design/Design.h"
#include "experiment/ExperimentFile.h"
#include "runs/RunFile.h"
#include "train/MallocTuning.h"

using namespace strata::cli;

namespace {

struct Command {
    std::function<int(const Args&)> run;
    const char* summary;
};

const std::map<std::string, Command>& commands() {
    static const std::map<std::string, Command> table = {
        {"check", {checkCommand, "validate a design; print each node's output shape, parameters (and --cost: MACs)"}},
        {"train", {trainCommand, "train a design on an image folder; write a run file and metrics"}},
        {"eval", {evalCommand, "evaluate a run on an image folder: loss, accuracy, confusion matrix"}},
        {"predict", {predictCommand, "classify images with a trained run"}},
        {"import-idx", {importIdxCommand, "convert IDX files (MNIST, Fashion-MNIST) to an image folder"}},
        {"runs", {runsCommand, "list the runs in a folder with their best accuracies"}},
        {"features", {featuresCommand, "write filter, activation, patch and saliency PNGs of a run for an image"}},
        {"probe", {probeCommand, "linear-probe accuracy of every layer: how the feature hierarchy builds up"}},
        {"export", {exportCommand, "write a trained run as an ONNX model"}},
        {"data", {dataCommand, "move an image to another class folder (logged), or undo such moves"}},
        {"examples", {examplesCommand, "rank a run's training images: probably mislabeled, hardest, ambiguous"}},
        {"lr-find", {lrFindCommand, "suggest a learning rate from a short exponential ramp (no run file written)"}},
        {"experiment", {experimentCommand, "train variants side by side: `experiment transfer` (how far features transfer)"}},
    };
    return table;
}

void printUsage() {
    std::printf("usage: strata [DESIGN] [--data DIR]      open the studio\n"
                "       strata COMMAND [options]          (strata COMMAND --help for its options)\n\ncommands:\n");
    for (const auto& [name, command] : commands()) std::printf("  %-12s %s\n", name.c_str(), command.summary);
    std::printf("\n  --version    print the version\n  --help       show this help\n");
}

}  // namespace

int main(int argc, char** argv) {
    // Before anything allocates: training steps must reuse freed memory (see MallocTuning.h).
    strata::tuneMallocForTraining();
    if (argc >= 2) {
        const std::string first = argv[1];
        if (first == "--version") {
            std::printf("strata %s\n", strata::versionString());
            return kExitOk;
        }
        if (first == "--help" || first == "-h" || first == "help") {
            printUsage();
            return kExitOk;
        }
        auto it = commands().find(first);
        if (it != commands().end()) {
            Args args(argv + 2, argv + argc);
            try {
                return it->second.run(args);
            } catch (const UsageError& e) {
                printError(e.what());
            } catch (const strata::DesignError& e) {
                printError(e.what());
            } catch (const strata::DataError& e) {
                printError(e.what());
            } catch (const strata::RunFileError& e) {
                printError(e.what());
            } catch (const strata::ExperimentError& e) {
                printError(e.what());
            } catch (const std::invalid_argument& e) {
                printError(e.what());
            } catch (const std::exception& e) {
                printError(e.what());
                return kExitFailure;
            }
            return kExitBadInput;
        }
        // Not a command: a design file or studio options. A mistyped command gets a
        // usage error instead of an empty studio.
        if (first.rfind("-", 0) != 0 && !std::filesystem::exists(first)) {
            printError("\"" + first + "\" is neither a command nor an existing design file (see strata --help)");
            return kExitBadInput;
        }
    }
    return guiMain(argc, argv);
}

void strata::cli::printError(const std::string& message) { std::fprintf(stderr, "error: %s\n", message.c_str()); }

void strata::cli::printNote(const std::string& message) {
    if (!message.empty()) std::fprintf(stderr, "note: %s\n", message.c_str());
}
