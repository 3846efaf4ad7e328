#pragma once
// A trained network loaded back from its run file, for eval and predict. Torch-free
// interface so the studio can use it too.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "data/ImageFolder.h"
#include "runs/MetricsJson.h"
#include "runs/RunFile.h"

namespace strata {

struct Prediction {
    std::string path;
    std::vector<std::pair<std::string, double>> top;  // class, probability; best first
    std::string error;                                // set when the image could not be read
};

class TrainedModel {
public:
    // Reads the run through readValidRun (RunReader.h; `verify` false is --no-verify). Throws
    // RunFileError naming the run file and the part at fault.
    explicit TrainedModel(const std::string& runPath, bool verify = true);
    ~TrainedModel();

    const std::vector<std::string>& classes() const;
    const RunData& run() const;
    // "" when the run file was verified; else the line to show the user (RunReader.h).
    const std::string& integrityNote() const;

    Prediction predict(const std::string& imagePath, int top = 3) const;
    // Evaluates on an image folder whose classes must match the run's (DataError otherwise).
    // A folder larger than the default data memory (data/ByteSize.h) streams from its decode
    // cache; *decoded gets the folder's listing (labels, paths, skips), not its pixels.
    EvalRecord evaluate(const std::string& dir, int threads, DecodedImages* decoded = nullptr) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace strata
