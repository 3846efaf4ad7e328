// The studio: `strata [DESIGN] [--data DIR] [--train [--epochs N]] [--experiment DIR]
// [--run RUN.h5] [--show PANEL[:TAB]] [--cost-overlay params|macs] [--collapse-blocks] [--screenshot FILE.png]`. The automation options drive the window
// through its named operations (startTraining, showPanel, trainingFinished, the Experiments
// dock's openExperiment), never through widgets found by name.
#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QStatusBar>
#include <QTimer>
#include <cstdio>
#include <functional>
#include <memory>

#include "Actions.h"
#include "Autosave.h"
#include "Commands.h"
#include "FeaturesController.h"
#include "MainWindow.h"
#include "Settings.h"
#include "TrainingFlow.h"
#include "canvas/DesignScene.h"
#include "canvas/DesignView.h"
#include "data/DatasetPanel.h"
#include "design/Templates.h"
#include "examples/DataMapPanel.h"
#include "experiments/ExperimentsPanel.h"
#include "insight/AttentionWorker.h"
#include "insight/CanvasInsight.h"
#include "model/DesignDocument.h"
#include "panels/PropertyPanel.h"
#include "runs/RunsPanel.h"
#include "training/EpochPlot.h"
#include "training/LossPlot.h"
#include "training/RatePlot.h"
#include "training/TrainingPanel.h"
#include "training/TrainingSession.h"
#include "training/TrainingSettingsPanel.h"

namespace strata::cli {

namespace {
constexpr int kScreenshotWidth = 1600;
constexpr int kScreenshotHeight = 1000;
const char* const kDefaultTemplate = "reference-cnn";

struct StudioOptions {
    QString design, data, screenshot, show, experiment, run;
    bool train = false;
    bool collapseBlocks = false;  // shows every block of the design as one card
    bool previews = false;        // live previews (and their pre-flight badges) on the cards
    int epochs = 0;  // 0: the settings panel's
    CostOverlay costOverlay = CostOverlay::None;
    // Automation never opens a modal dialog: warnings go to stderr and the status bar.
    bool automation() const { return train || !screenshot.isEmpty(); }
};

// Fills `o` from the command line; an exit code for bad options, else -1.
int parseOptions(const QApplication& app, StudioOptions& o) {
    QCommandLineParser parser;
    parser.setApplicationDescription("Strata: design, train and understand deep networks.");
    parser.addHelpOption();
    parser.addPositionalArgument("design", "design file (*.strata.json) to open");
    QCommandLineOption data("data", "image folder to train on", "DIR");
    QCommandLineOption screenshot("screenshot", "render the window to FILE.png at 1600x1000 and exit", "FILE");
    QCommandLineOption train("train", "start training at launch (with --screenshot: shoot when it ends, then exit)");
    QCommandLineOption epochs("epochs", "epochs for --train", "N");
    QCommandLineOption show("show", "raise a panel before the screenshot: features, training, runs, predict, dataset, "
                                    "settings, properties, issues, palette, experiments, data (features:hierarchy "
                                    "also opens that tab)",
                            "PANEL");
    QCommandLineOption experiment("experiment", "show an experiment folder in the Experiments dock", "DIR");
    QCommandLineOption run("run", "open a run file as the Runs panel's Open does (its design, curves and dataset map)",
                           "RUN.h5");
    QCommandLineOption costOverlay("cost-overlay", "tint the canvas cards by their share of the design's parameters "
                                                   "(params) or MACs per image (macs), as View > Cost Overlay does",
                                   "KIND");
    QCommandLineOption collapseBlocks("collapse-blocks", "show every block of the design collapsed to one card, "
                                                         "as View > Collapse All Blocks does");
    QCommandLineOption previews("previews", "show each node's output for a sample image on its card, and the "
                                            "pre-flight's badges, as View > Live Previews does (with --screenshot: "
                                            "shoot once they are shown)");
    parser.addOptions({data, screenshot, train, epochs, show, experiment, run, costOverlay, collapseBlocks, previews});
    parser.process(app);
    o.design = parser.positionalArguments().value(0);
    o.data = parser.value(data);
    o.screenshot = parser.value(screenshot);
    o.show = parser.value(show);
    o.train = parser.isSet(train);
    o.collapseBlocks = parser.isSet(collapseBlocks);
    o.previews = parser.isSet(previews);
    o.experiment = parser.value(experiment);
    o.run = parser.value(run);
    if (!o.experiment.isEmpty() && o.show.isEmpty()) o.show = QStringLiteral("experiments");
    if (parser.isSet(costOverlay)) {
        const QString kind = parser.value(costOverlay);
        if (kind != QLatin1String("params") && kind != QLatin1String("macs")) {
            std::fprintf(stderr, "error: --cost-overlay must be params or macs, not \"%s\"\n", qPrintable(kind));
            return kExitBadInput;
        }
        o.costOverlay = kind == QLatin1String("macs") ? CostOverlay::Macs : CostOverlay::Parameters;
    }
    if (o.train && parser.isSet(epochs)) {
        bool ok = false;
        o.epochs = parser.value(epochs).toInt(&ok);
        if (!ok || o.epochs < 1) {
            std::fprintf(stderr, "error: --epochs must be a positive integer, not \"%s\"\n", qPrintable(parser.value(epochs)));
            return kExitBadInput;
        }
    }
    return -1;
}

// The design to show first: the one named on the command line; else the last one opened if it
// still exists; else the reference CNN template (blank when even that is missing).
void openStartDesign(MainWindow& window, const QString& requested) {
    if (!requested.isEmpty() && window.openDesign(requested)) return;
    const QString last = Settings::instance().lastDesign();
    if (requested.isEmpty() && !last.isEmpty() && QFileInfo::exists(last) && window.openDesign(last)) return;
    if (!window.newDesign(kDefaultTemplate)) window.newDesign();
}

// For the screenshot: select the first faulty layer, else the first layer with parameters, so
// the property panel shows what editing (or the fault) looks like instead of its empty hint.
void selectShowcaseNode(MainWindow& window) {
    const DesignAnalysis& analysis = window.document()->analysis();
    QString id;
    for (const DesignIssue& issue : analysis.issues)
        if (!issue.node.empty() && window.document()->design().findNode(issue.node)) {
            id = QString::fromStdString(issue.node);
            break;
        }
    for (size_t i = 0; i < analysis.nodes.size() && id.isEmpty(); ++i) {
        const LayerSpec* spec = LayerRegistry::instance().find(analysis.nodes[i].type);
        if (spec && spec->type != "Input" && !spec->params.empty()) id = QString::fromStdString(analysis.nodes[i].id);
    }
    if (id.isEmpty()) return;
    window.view()->selectNodes({id});
    window.propertyPanel()->setSelection({id});
}

// `--show runs:compare` with no run selected compares the newest runs (up to four), so the
// screenshot shows a comparison instead of the tab's hint.
void selectRunsToCompare(MainWindow& window, StudioPanel panel, const QString& tab) {
    constexpr int kMaxCompared = 4;
    if (panel != StudioPanel::Runs || tab.isEmpty() || !QStringLiteral("compare").startsWith(tab, Qt::CaseInsensitive))
        return;
    RunsPanel* runs = window.runsPanel();
    if (runs->selectedRuns().isEmpty()) runs->selectRuns(runs->runPaths().mid(0, kMaxCompared));
}

// `--show features` brings that panel to the front (a bottom one at about half the window's
// height, so it is readable in the screenshot); `--show features:hierarchy` also opens its tab.
void showPanel(MainWindow& window, const QString& spec) {
    const QString name = spec.section(':', 0, 0), tab = spec.section(':', 1);
    const std::optional<StudioPanel> panel = studioPanelNamed(name);
    if (!panel) {
        std::fprintf(stderr, "warning: --show: no panel called \"%s\"\n", qPrintable(name));
        return;
    }
    selectRunsToCompare(window, *panel, tab);
    if (!window.showPanel(*panel, tab))
        std::fprintf(stderr, "warning: --show: %s has no tab \"%s\"\n", qPrintable(name), qPrintable(tab));
    window.enlargePanel(*panel);
    for (int i = 0; i < 3; ++i) QApplication::processEvents();
}

// After a crash, the autosave of the lost session is still on disk: offer it back.
void offerCrashRestore(MainWindow& window) {
    const QStringList leftovers = Autosave::leftovers();
    if (leftovers.isEmpty()) return;
    const auto answer = QMessageBox::question(
        &window, QObject::tr("Restore unsaved design?"),
        QObject::tr("Strata closed unexpectedly with unsaved changes to a design. Restore them?"),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
    if (answer == QMessageBox::Yes) window.restoreAutosave(leftovers.first());
    for (const QString& file : leftovers) QFile::remove(file);  // restored or declined: done
}

// What the window shows at the end of an automated training, on stdout for scripts and
// tests: the run, how many points each plot holds, and the status bar's line.
void printTrainingReport(MainWindow& window, const TrainResult& result) {
    const TrainingPanel* panel = window.trainingPanel();
    std::printf("run: %s\n", result.runPath.c_str());
    std::printf("plots: loss %d, epochs %d, rate %d\n", panel->lossPlot()->pointCount(),
                panel->epochPlot()->pointCount(), panel->ratePlot()->pointCount());
    std::printf("status: %s\n", qPrintable(window.statusBar()->currentMessage()));
    std::fflush(stdout);
}

// Frames the window as asked, writes the screenshot (when asked) and leaves the event loop.
void shootAndExit(MainWindow& window, const StudioOptions& o, int rc) {
    // Let the docks and the canvas settle at the final size, then frame the design.
    for (int i = 0; i < 3; ++i) QApplication::processEvents();
    if (!o.train) selectShowcaseNode(window);
    if (!o.show.isEmpty()) showPanel(window, o.show);
    window.view()->fitToView();
    QApplication::processEvents();
    if (!o.screenshot.isEmpty() && !window.grab().save(o.screenshot, "PNG")) {
        std::fprintf(stderr, "error: cannot write screenshot %s\n", qPrintable(o.screenshot));
        rc = kExitFailure;
    }
    QApplication::exit(rc);
}

// --train: once the dataset panel has scanned the data, trains, and shoots at the end.
void trainThenShoot(MainWindow& window, const StudioOptions& o) {
    const QString folder = window.dataFolder();
    if (!folder.isEmpty() && !QFileInfo(folder).isDir()) {  // bad input, as for `strata train`
        std::fprintf(stderr, "error: the data folder %s does not exist\n", qPrintable(folder));
        shootAndExit(window, o, kExitBadInput);
        return;
    }
    if (o.epochs > 0) {
        TrainConfig c = window.settingsPanel()->config();
        c.epochs = o.epochs;
        window.settingsPanel()->setConfig(c);
    }
    QObject::connect(&window, &MainWindow::trainingFinished, &window, [&window, &o](const TrainResult& result) {
        int rc = kExitOk;
        if (result.status != TrainResult::Status::Finished) {
            std::fprintf(stderr, "error: training failed: %s\n", qPrintable(window.trainingPanel()->lastError()));
            rc = kExitFailure;
        }
        printTrainingReport(window, result);
        shootAndExit(window, o, rc);
    });
    auto go = [&window, &o] {
        QString error;
        if (!window.startTraining(&error)) {
            std::fprintf(stderr, "error: cannot start training: %s\n", qPrintable(error));
            shootAndExit(window, o, kExitBadInput);
        }
    };
    // The dataset panel scans in the background: wait for it before training.
    DatasetPanel* data = window.datasetPanel();
    if (data->isScanning()) QObject::connect(data, &DatasetPanel::scanned, &window, go, Qt::SingleShotConnection);
    else go();
}

// --experiment: the Experiments dock reads the folder in the background; `then` gets the exit
// code once it is shown, or kExitBadInput (the reason on stderr) when it cannot be read.
void openExperimentThen(MainWindow& window, const QString& dir, std::function<void(int rc)> then) {
    ExperimentsPanel* panel = window.experimentsPanel();
    auto answered = std::make_shared<bool>(false);
    auto once = [answered, then](int rc) {
        if (*answered) return;
        *answered = true;
        then(rc);
    };
    QObject::connect(panel, &ExperimentsPanel::loaded, &window, [once] { once(kExitOk); }, Qt::SingleShotConnection);
    QObject::connect(
        panel, &ExperimentsPanel::problem, &window,
        [once](const QString& text) {
            std::fprintf(stderr, "error: --experiment: %s\n", qPrintable(text));
            once(kExitBadInput);
        },
        Qt::SingleShotConnection);
    panel->openExperiment(dir);
}

// --run: opens the run; `then` gets the exit code once the Data dock shows its map (or why it
// has none), or kExitBadInput (the reason on stderr) when the run cannot be opened.
void openRunThen(MainWindow& window, const QString& run, std::function<void(int rc)> then) {
    QString error;
    if (!window.training()->openRun(run, &error)) {
        std::fprintf(stderr, "error: --run: %s\n", qPrintable(error));
        then(kExitBadInput);
        return;
    }
    DataMapPanel* data = window.dataPanel();
    if (!data->isLoading()) then(kExitOk);
    else QObject::connect(data, &DataMapPanel::loaded, &window, [then] { then(kExitOk); }, Qt::SingleShotConnection);
}

// --run with --show features: the Features dock computes the run's attention in the background;
// `then` runs once it is shown (or after a generous wait), so the screenshot has it.
void afterAttention(MainWindow& window, const StudioOptions& o, std::function<void()> then) {
    constexpr int kMaxWaitMs = 60000;
    AttentionWorker* worker = window.featuresController()->attentionWorker();
    if (!o.show.startsWith(QLatin1String("features")) || !worker->isBusy()) {
        then();
        return;
    }
    auto done = std::make_shared<bool>(false);
    auto once = [done, then] {
        if (*done) return;
        *done = true;
        then();
    };
    QObject::connect(worker, &AttentionWorker::ready, &window, once, Qt::SingleShotConnection);
    QTimer::singleShot(kMaxWaitMs, &window, once);
}

// --previews with --screenshot: shoots once the previews and their pre-flight are on the cards
// (or after a generous wait, so a failing computation cannot hang the automation).
void shootWithPreviews(MainWindow& window, const StudioOptions& o) {
    constexpr int kMaxWaitMs = 30000;
    auto shot = std::make_shared<bool>(false);
    auto once = [&window, &o, shot] {
        if (*shot) return;
        *shot = true;
        shootAndExit(window, o, kExitOk);
    };
    QObject::connect(window.canvasInsight(), &CanvasInsight::preflightUpdated, &window, once);
    QTimer::singleShot(kMaxWaitMs, &window, once);
}

int runAutomation(QApplication& app, MainWindow& window, const StudioOptions& o) {
    window.resize(kScreenshotWidth, kScreenshotHeight);
    window.show();
    if (o.train) QTimer::singleShot(0, &window, [&window, &o] { trainThenShoot(window, o); });
    else if (!o.experiment.isEmpty())
        QTimer::singleShot(0, &window, [&window, &o] {
            openExperimentThen(window, o.experiment, [&window, &o](int rc) { shootAndExit(window, o, rc); });
        });
    else if (!o.run.isEmpty())
        QTimer::singleShot(0, &window, [&window, &o] {
            openRunThen(window, o.run, [&window, &o](int rc) {
                afterAttention(window, o, [&window, &o, rc] { shootAndExit(window, o, rc); });
            });
        });
    else if (o.previews) shootWithPreviews(window, o);
    else QTimer::singleShot(0, &window, [&window, &o] { shootAndExit(window, o, kExitOk); });
    return app.exec();
}
}  // namespace

int guiMain(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("Strata");
    QApplication::setOrganizationName("Strata");
    QApplication::setApplicationVersion(STRATA_VERSION);
    StudioOptions o;
    if (const int rc = parseOptions(app, o); rc >= 0) return rc;

    MainWindow window;
    window.setAutomation(o.automation());  // before anything can report an error
    openStartDesign(window, o.design);
    window.setCostOverlay(o.costOverlay);
    if (o.collapseBlocks) window.document()->setAllGroupsCollapsed(true);
    if (!o.data.isEmpty()) window.setDataFolder(o.data);
    else if (window.dataFolder().isEmpty()) window.setDataFolder(DatasetPanel::defaultTrainFolder());
    if (o.previews) window.actions()->get("view.preview")->setChecked(true);

    if (o.automation()) return runAutomation(app, window, o);
    window.restoreWindowState();
    window.show();
    if (!o.experiment.isEmpty()) {
        window.experimentsPanel()->openExperiment(o.experiment);
        window.showPanel(StudioPanel::Experiments);
    }
    if (!o.run.isEmpty()) window.training()->openRun(o.run);  // a refusal shows in the status bar
    offerCrashRestore(window);
    return app.exec();
}

}  // namespace strata::cli
