#include "insight/AttentionWorker.h"

#include <exception>

#include "jobs/BackgroundJob.h"
#include "runs/RunReader.h"

namespace strata {

namespace {

// On the worker thread: reads the run once for its design; only a design with attention is
// loaded whole and run (computeAttention), a CNN needs nothing but its design.
RunSight readSight(const QString& runPath, const QString& probeImage, bool attention) {
    RunSight s;
    s.run = runPath;
    try {
        RunReadOptions summary;
        summary.parts = RunParts::Summary;
        const ValidRun run = readValidRun(runPath.toStdString(), summary);
        s.convolutions = convolutionSight(run.analysis);
        s.hasAttention = hasAttention(run.analysis);
        if (s.hasAttention && attention) {
            AttentionOptions options;
            options.probeImage = probeImage.toStdString();
            s.attention = computeAttention(runPath.toStdString(), options);
        }
    } catch (const std::exception& e) {
        s.error = QString::fromStdString(e.what());
    }
    return s;
}

}  // namespace

AttentionWorker::AttentionWorker(QObject* parent)
    : QObject(parent), runJobs_(new BackgroundJob(this)), compareJobs_(new BackgroundJob(this)) {
    qRegisterMetaType<strata::RunSight>();
}

bool AttentionWorker::isBusy() const { return runJobs_->isRunning() || compareJobs_->isRunning(); }

void AttentionWorker::compute(const QString& runPath, const QString& probeImage) {
    runJobs_->start([runPath, probeImage](const StopToken&) { return readSight(runPath, probeImage, true); },
                    [this](const RunSight& sight) { emit ready(sight); });
}

void AttentionWorker::compare(const QString& runPath) {
    compareJobs_->start([runPath](const StopToken&) { return readSight(runPath, QString(), false); },
                        [this](const RunSight& sight) { emit compared(sight); });
}

}  // namespace strata
