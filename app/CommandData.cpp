// strata data move FILE CLASS [--log LOG] | strata data undo-moves LOG
#include <cstdio>

#include "Commands.h"
#include "Options.h"
#include "data/FileMoves.h"

namespace strata::cli {

namespace {

int moveCommand(const Args& args) {
    Options opts("data move", "FILE CLASS [--log LOG]",
                 "Moves FILE (DATA/<class>/<name>) to the class folder CLASS of the same data folder: a\n"
                 "relabel, never a delete. Refuses when the target exists. The move is logged under\n"
                 "$XDG_DATA_HOME/strata/moves/ (never inside the data folder); prints the log's path, which\n"
                 "`strata data undo-moves LOG` reverses.",
                 {{"--log", "LOG", "append to this move log instead of starting a new one"}});
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 2) throw UsageError("strata data move: expected FILE and CLASS");
    const std::string log = moveToClass(opts.positionals()[0], opts.positionals()[1], opts.get("--log"));
    std::printf("%s\n", log.c_str());
    return kExitOk;
}

int undoCommand(const Args& args) {
    Options opts("data undo-moves", "LOG",
                 "Moves the files of a move log back, last first. Checks every move first: a moved file\n"
                 "that is gone or changed, or whose old place is taken, refuses the whole undo.",
                 {});
    if (!opts.parse(args)) return kExitOk;
    if (opts.positionals().size() != 1) throw UsageError("strata data undo-moves: expected one LOG");
    const int undone = undoMoves(opts.positionals()[0]);
    std::printf("undid %d move%s\n", undone, undone == 1 ? "" : "s");
    return kExitOk;
}

}  // namespace

int dataCommand(const Args& args) {
    const std::string sub = args.empty() ? "" : args.front();
    const Args rest(args.begin() + (args.empty() ? 0 : 1), args.end());
    if (sub == "move") return moveCommand(rest);
    if (sub == "undo-moves") return undoCommand(rest);
    if (sub == "--help" || sub == "-h") {
        std::printf("usage: strata data move FILE CLASS [--log LOG]\n       strata data undo-moves LOG\n");
        return kExitOk;
    }
    throw UsageError("strata data: expected `move` or `undo-moves`" + (sub.empty() ? std::string() : ", got \"" + sub + "\""));
}

}  // namespace strata::cli
