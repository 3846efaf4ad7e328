#pragma once
// The one way Strata reads a run file (docs/ARCHITECTURE.md §8): every command and every
// studio panel goes through readValidRun, so they all accept and refuse the same files with
// the same messages. A file is refused, with a RunFileError "PATH: PART: what is wrong", when
// its structure, its design, its /config, its metrics or its checkpoint do not hold together,
// or when a part no longer matches the digest written with it. Nothing that passes can make a
// prediction from damaged or mismatched weights.
#include <string>
#include <vector>

#include "design/Design.h"
#include "design/DesignAnalysis.h"
#include "runs/RunFile.h"

namespace strata {

enum class RunParts {
    Summary,  // "/" attrs, design, config and metrics: lists of runs, curves
    Full,     // and the checkpoint, optimizer and feature snapshots: predictions, resume
};

struct RunReadOptions {
    RunParts parts = RunParts::Full;
    bool verify = true;  // false (--no-verify): the digests are not compared
};

enum class RunIntegrity {
    Verified,      // every part read matches its digest
    Unverifiable,  // written before run files carried digests
    Unchecked,     // the digests were not compared (--no-verify)
};

struct ValidRun {
    RunData data;
    Design design;
    DesignAnalysis analysis;  // valid, for the run's class count
    std::vector<std::string> classes;
    std::vector<double> mean, stdev;  // one per Input channel, std > 0
    RunIntegrity integrity = RunIntegrity::Verified;
    // "" when verified; else one line for the user ("PATH: not verified (--no-verify): ...").
    std::string integrityNote;
};

ValidRun readValidRun(const std::string& path, const RunReadOptions& options = {});

}  // namespace strata
