#pragma once
// One function per `strata` subcommand. Each takes the arguments after the command name and
// returns the process exit code; bad input surfaces as an exception that main() maps to
// exit 2 with a one-line `error: ...` (see runCommand).
#include <string>
#include <vector>

namespace strata::cli {

using Args = std::vector<std::string>;

int checkCommand(const Args& args);
int trainCommand(const Args& args);
int evalCommand(const Args& args);
int predictCommand(const Args& args);
int importIdxCommand(const Args& args);
int runsCommand(const Args& args);
int featuresCommand(const Args& args);
int probeCommand(const Args& args);
int exportCommand(const Args& args);
int experimentCommand(const Args& args);
int lrFindCommand(const Args& args);
int examplesCommand(const Args& args);
int dataCommand(const Args& args);

// The studio (no subcommand). argc/argv go to QApplication.
int guiMain(int argc, char** argv);

// Exit codes of docs/ARCHITECTURE.md §7.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;

// Prints `error: <message>` on stderr.
void printError(const std::string& message);
// Prints `note: <message>` on stderr; nothing for "" (a run file's integrity note, RunReader.h).
void printNote(const std::string& message);

}  // namespace strata::cli
