// Benchmark: training in the studio against the same training without a window.
//   bench_studio_training DATA_DIR [EPOCHS]
// Trains the reference CNN on DATA_DIR through the studio's Train button (offscreen window,
// live plots) while a 5 ms timer probes the UI thread, then runs the same Trainer headless
// (what `strata train` runs) with the same settings. Prints the longest UI stall and both
// throughputs with their ratio.
#include <QApplication>
#include <QEventLoop>
#include <QPushButton>
#include <QTemporaryDir>

#include <cstdio>

#include "MainWindow.h"
#include "TrainingController.h"
#include "design/Templates.h"
#include "model/DesignDocument.h"
#include "training/StallProbe.h"
#include "training/TrainingPanel.h"
#include "training/TrainingSettingsPanel.h"
#include "train/MallocTuning.h"
#include "train/Trainer.h"

using namespace strata;

namespace {
double meanImagesPerSecond(const MetricsSummary& m) {
    double sum = 0;
    for (const EpochRecord& e : m.epochs) sum += e.imagesPerSecond;
    return m.epochs.empty() ? 0 : sum / double(m.epochs.size());
}
}  // namespace

int main(int argc, char** argv) {
    tuneMallocForTraining();  // as strata's main() does, for the studio and the command line
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_studio_training DATA_DIR [EPOCHS]\n");
        return 2;
    }
    const QString data = argv[1];
    const int epochs = argc > 2 ? std::atoi(argv[2]) : 1;
    QTemporaryDir tmp;
    qputenv("XDG_DATA_HOME", tmp.path().toUtf8());  // runs of the template go here

    MainWindow window;
    window.setAutomation(true);
    window.newDesign("reference-cnn");
    window.setDataFolder(data);
    TrainingController* training = window.training();
    TrainConfig config = training->settingsPanel()->config();
    config.epochs = epochs;
    training->settingsPanel()->setConfig(config);
    window.resize(1600, 1000);
    window.show();

    StallProbe probe;
    MetricsSummary studio;
    QEventLoop loop;
    QObject::connect(training->trainingPanel()->session(), &TrainingSession::ended, &loop,
                     [&](bool, bool, const QString&, const QString&, const MetricsSummary& m) {
                         studio = m;
                         loop.quit();
                     });
    probe.start();
    training->trainingPanel()->trainButton()->click();
    loop.exec();
    probe.stop();

    TrainConfig headless = training->settingsPanel()->config();
    headless.data = data.toStdString();
    headless.run = tmp.filePath("headless.h5").toStdString();
    const MetricsSummary cli = Trainer(window.document()->design(), headless).run().metrics;

    const double a = meanImagesPerSecond(studio), b = meanImagesPerSecond(cli);
    std::printf("studio training, reference CNN, %d epoch(s), threads %d:\n", epochs, cli.threads);
    std::printf("  UI thread longest stall: %.1f ms (mean probe interval %.2f ms for a 5 ms timer)\n",
                probe.maxStallMs(), probe.meanIntervalMs());
    std::printf("  studio %.0f img/s, headless %.0f img/s, studio/headless %.3f\n", a, b, b > 0 ? a / b : 0.0);
    return 0;
}
