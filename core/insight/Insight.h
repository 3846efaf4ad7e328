#pragma once
// Feature-hierarchy computations on a trained run, torch-free interface: the command line
// (`strata features`, `strata probe`) and the studio's worker threads call these; the
// trainer computes the same snapshot at epoch ends when asked (TrainConfig::features).
#include <functional>
#include <string>
#include <vector>

#include "insight/FeatureSnapshot.h"
#include "runs/RunFile.h"

namespace strata {

struct SnapshotOptions {
    std::string probeImage;   // "" = the first image of dataDir
    std::string dataDir;      // samples for patches, probe, projection, confusion; "" = the run's training folder
    std::string pinnedLayer;  // a layer the user chose; gets activations and patches besides the three roles
    int sampleImages = 1000;  // dataset sample for patches / probe / projection / confusion
    int topChannels = 8;      // channels shown per layer
    int patchesPerChannel = 6;
    int threads = 0;          // 0: number of cores
    bool probe = true;        // linear probes (the slowest part)
    bool verify = true;       // false: --no-verify (the run file's digests are not compared)
};

// Loads the run (design, checkpoint, mean/std, classes; through readValidRun, RunReader.h) and
// computes a full snapshot, its gradient history taken from the run's /features when recorded.
// Throws RunFileError or DataError naming the file at fault.
FeatureSnapshot computeSnapshot(const std::string& runPath, const SnapshotOptions& options);

// Linear-probe accuracy of every layer with a spatial or feature output.
std::vector<ProbePoint> probeLayers(const std::string& runPath, const std::string& dataDir, int samples,
                                    int threads = 0, bool verify = true);

// The snapshot cached in a run's /features (the latest epoch's); false when there is none.
bool readSnapshot(const RunData& run, FeatureSnapshot& out);
// Stores `snapshot` into run.features, replacing an earlier one.
void storeSnapshot(const FeatureSnapshot& snapshot, RunData& run);

}  // namespace strata
