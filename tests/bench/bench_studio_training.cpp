// Benchmark: training in the studio against the same training without a window.
//   bench_studio_training DATA_DIR [EPOCHS=1] [ROUNDS=3] [THREADS=the studio's setting]
// Each round trains the reference CNN on DATA_DIR through the studio's Train button (window,
// live plots, feature snapshots) while a 5 ms timer probes the UI thread, then runs the same
// TrainingJob headless (what `strata train` runs) with the same settings. Rounds interleave the two
// so that a disturbance of the shared machine hits both alike. Prints every round, the best of
// each side and their ratio, the longest UI stall, and the CPU the UI thread used while the
// studio trained (what the window costs the training threads, in share of one core).
// NO_PROBE=1 leaves the 5 ms probe out (its wake-ups cost the training threads too);
// STUDIO_ONLY=1 skips the headless runs (repeated studio sessions alone).
#include <QApplication>
#include <QEventLoop>
#include <QPushButton>
#include <QTemporaryDir>

#include <ctime>
#include <algorithm>
#include <cstdio>

#include "MainWindow.h"
#include "TrainingFlow.h"
#include "design/Templates.h"
#include "model/DesignDocument.h"
#include "support/StallProbe.h"
#include "training/TrainingPanel.h"
#include "training/TrainingSettingsPanel.h"
#include "train/MallocTuning.h"
#include "job/TrainingJob.h"

using namespace strata;

namespace {

double meanImagesPerSecond(const MetricsSummary& m) {
    double sum = 0;
    for (const EpochRecord& e : m.epochs) sum += e.imagesPerSecond;
    return m.epochs.empty() ? 0 : sum / double(m.epochs.size());
}

double threadCpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

double wallSeconds() {
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
    tuneMallocForTraining();  // as strata's main() does, for the studio and the command line
    // Runs and settings in a temporary home: every start has the studio's defaults.
    QTemporaryDir tmp;
    qputenv("XDG_DATA_HOME", tmp.path().toUtf8());
    qputenv("XDG_CONFIG_HOME", tmp.filePath("config").toUtf8());
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_studio_training DATA_DIR [EPOCHS=1] [ROUNDS=3] [THREADS]\n");
        return 2;
    }
    const QString data = argv[1];
    const int epochs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1;
    const int rounds = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;

    MainWindow window;
    window.setAutomation(true);
    window.newDesign("reference-cnn");
    window.setDataFolder(data);
    TrainConfig config = window.settingsPanel()->config();
    config.epochs = epochs;
    if (argc > 4) config.threads = std::max(1, std::atoi(argv[4]));
    window.settingsPanel()->setConfig(config);
    window.resize(1600, 1000);
    window.show();

    double bestStudio = 0, bestHeadless = 0, maxStall = 0, uiCpu = 0, studioWall = 0;
    int threads = 0;
    for (int r = 1; r <= rounds; ++r) {
        StallProbe probe;
        MetricsSummary studio;
        QEventLoop loop;
        const auto connection = QObject::connect(&window, &MainWindow::trainingFinished, &loop,
                                                 [&](const TrainResult& result) {
                                                     studio = result.metrics;
                                                     loop.quit();
                                                 });
        const double cpu0 = threadCpuSeconds(), wall0 = wallSeconds();
        if (qEnvironmentVariableIsEmpty("NO_PROBE")) probe.start();
        window.trainingPanel()->trainButton()->click();
        loop.exec();
        probe.stop();
        const double roundCpu = threadCpuSeconds() - cpu0, roundWall = wallSeconds() - wall0;
        uiCpu += roundCpu;
        studioWall += roundWall;
        QObject::disconnect(connection);
        maxStall = std::max(maxStall, probe.maxStallMs());

        TrainConfig headless = window.settingsPanel()->config();
        headless.data = data.toStdString();
        headless.run = tmp.filePath(QString("headless-%1.h5").arg(r)).toStdString();
        const MetricsSummary cli = qEnvironmentVariableIsEmpty("STUDIO_ONLY")
                                       ? TrainingJob(window.document()->design(), headless).run().metrics
                                       : MetricsSummary();
        threads = cli.threads;

        const double a = meanImagesPerSecond(studio), b = meanImagesPerSecond(cli);
        std::printf("round %d: studio %.0f img/s, headless %.0f img/s (%.3f); UI thread %.1f%% of one core\n", r, a, b,
                    b > 0 ? a / b : 0.0, roundWall > 0 ? 100.0 * roundCpu / roundWall : 0.0);
        std::fflush(stdout);
        bestStudio = std::max(bestStudio, a);
        bestHeadless = std::max(bestHeadless, b);
    }
    std::printf("studio training, reference CNN, %d epoch(s), threads %d, best of %d rounds:\n", epochs, threads,
                rounds);
    std::printf("  studio %.0f img/s, headless %.0f img/s, studio/headless %.3f\n", bestStudio, bestHeadless,
                bestHeadless > 0 ? bestStudio / bestHeadless : 0.0);
    std::printf("  UI thread while the studio trained: %.1f%% of one core; longest stall %.1f ms\n",
                studioWall > 0 ? 100.0 * uiCpu / studioWall : 0.0, maxStall);
    return 0;
}
