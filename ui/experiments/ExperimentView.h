#pragma once
// An experiment as the Experiments dock shows it: experiment.json (docs/ARCHITECTURE.md §9)
// plus, per variant, what its run file holds (epochs for the curves, the latest feature
// snapshot's gradient norms for the heat maps). Read on worker threads, shown on the UI
// thread; reading never trains nor recomputes anything, so an experiment opened later looks
// as it did when it ended. Also the small formatting rules the dock's views share.
#include <QColor>
#include <QString>

#include <vector>

#include "experiment/ExperimentFile.h"
#include "insight/FeatureSnapshot.h"
#include "runs/MetricsJson.h"

namespace strata {

struct VariantView {
    ExperimentVariant record;
    std::vector<EpochRecord> epochs;  // from the run file, or live while it trains
    GradientHistory gradients;        // empty when the run has no snapshot (yet)
    QString readError;                // the run file exists but could not be read
};

struct ExperimentView {
    QString dir;  // the experiment folder, absolute
    Experiment experiment;
    std::vector<VariantView> variants;  // in experiment.variants' order
    QString error;                      // experiment.json could not be read: nothing else is set
};

// Fills view.epochs and view.gradients from the variant's run file in `dir`. A run file that
// does not exist yet is no error (a pending variant); an unreadable one sets readError.
void readVariantRun(const QString& dir, VariantView& view);
// experiment.json of `dir` and every variant's run file. Never throws.
ExperimentView loadExperimentView(const QString& dir);
// The absolute path of a variant's run file.
QString variantRunPath(const QString& dir, const ExperimentVariant& variant);

// A number or a switch of a JSON object (details, config, spec, fit), or `fallback` when the
// key is missing or of another type: a hand-edited experiment.json never throws on the UI thread.
double jsonNumber(const nlohmann::json& object, const char* key, double fallback);
bool jsonFlag(const nlohmann::json& object, const char* key, bool fallback);
std::string jsonText(const nlohmann::json& object, const char* key);

// What sets this variant apart, from its kind-specific details ("batchnorm, residual",
// "width 0.5, fraction 1, images 600", "k 2, frozen conv1 conv2"); "—" when nothing.
QString variantDetailsText(const ExperimentVariant& variant);
// The colour of variant `index`, the same in every view of the dock.
QColor variantColor(int index);

}  // namespace strata
