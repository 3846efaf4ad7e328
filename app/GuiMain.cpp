// The studio: `strata [DESIGN] [--data DIR] [--screenshot FILE.png]`.
#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QTabWidget>
#include <QTimer>
#include <cstdio>

#include "Commands.h"
#include "MainWindow.h"
#include "Autosave.h"
#include "Settings.h"
#include "TrainingController.h"
#include "data/DatasetPanel.h"
#include "training/TrainingPanel.h"
#include "training/TrainingSettingsPanel.h"
#include "canvas/DesignView.h"
#include "design/Templates.h"
#include "model/DesignDocument.h"
#include "panels/PropertyPanel.h"

namespace strata::cli {

namespace {
constexpr int kScreenshotWidth = 1600;
constexpr int kScreenshotHeight = 1000;
const char* const kDefaultTemplate = "reference-cnn";

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
// `--show features`: brings the named dock ("<name>Dock") to the front of its tab group;
// `--show features:hierarchy` also opens the dock's tab whose title starts with "hierarchy".
void raiseDock(MainWindow& window, const QString& spec) {
    const QString name = spec.section(':', 0, 0), tab = spec.section(':', 1);
    auto* dock = window.findChild<QDockWidget*>(name + "Dock");
    if (!dock) {
        std::fprintf(stderr, "warning: --show: no dock called \"%s\"\n", qPrintable(name));
        return;
    }
    dock->show();
    dock->raise();
    // A bottom dock gets about half the window, so its panel is readable in the screenshot.
    if (window.dockWidgetArea(dock) == Qt::BottomDockWidgetArea)
        window.resizeDocks({dock}, {window.height() * 45 / 100}, Qt::Vertical);
    if (auto* tabs = dock->findChild<QTabWidget*>(); tabs && !tab.isEmpty())
        for (int i = 0; i < tabs->count(); ++i)
            if (tabs->tabText(i).remove('&').startsWith(tab, Qt::CaseInsensitive)) tabs->setCurrentIndex(i);
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
}  // namespace

int guiMain(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("Strata");
    QApplication::setOrganizationName("Strata");
    QApplication::setApplicationVersion(STRATA_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription("Strata: design, train and understand deep networks.");
    parser.addHelpOption();
    parser.addPositionalArgument("design", "design file (*.strata.json) to open");
    QCommandLineOption data("data", "image folder to train on", "DIR");
    QCommandLineOption screenshot("screenshot", "render the window to FILE.png at 1600x1000 and exit", "FILE");
    QCommandLineOption train("train", "start training at launch (with --screenshot: shoot when it ends, then exit)");
    QCommandLineOption epochs("epochs", "epochs for --train", "N");
    QCommandLineOption show("show", "raise a dock before the screenshot: features, training, runs, predict, dataset "
                                    "(features:hierarchy also opens that tab)", "DOCK");
    parser.addOption(data);
    parser.addOption(screenshot);
    parser.addOption(train);
    parser.addOption(epochs);
    parser.addOption(show);
    parser.process(app);
    // Automation never opens a modal dialog: warnings go to stderr and the status bar.
    const bool automation = parser.isSet(screenshot) || parser.isSet(train);

    MainWindow window;
    window.setAutomation(automation);  // before anything can report an error
    openStartDesign(window, parser.positionalArguments().value(0));
    TrainingController* training = window.training();
    if (parser.isSet(data)) window.setDataFolder(parser.value(data));
    else if (training->datasetPanel()->trainFolder().isEmpty())
        window.setDataFolder(DatasetPanel::defaultTrainFolder());

    if (!automation) {
        window.restoreWindowState();
        window.show();
        offerCrashRestore(window);
        return app.exec();
    }

    window.resize(kScreenshotWidth, kScreenshotHeight);
    window.show();
    int rc = kExitOk;
    auto shootAndExit = [&] {
        // Let the docks and the canvas settle at the final size, then frame the design.
        for (int i = 0; i < 3; ++i) QApplication::processEvents();
        if (!parser.isSet(train)) selectShowcaseNode(window);
        if (parser.isSet(show)) raiseDock(window, parser.value(show));
        window.view()->fitToView();
        QApplication::processEvents();
        if (parser.isSet(screenshot) && !window.grab().save(parser.value(screenshot), "PNG")) {
            std::fprintf(stderr, "error: cannot write screenshot %s\n", qPrintable(parser.value(screenshot)));
            rc = kExitFailure;
        }
        app.exit(rc);
    };

    if (!parser.isSet(train)) {
        QTimer::singleShot(0, &window, shootAndExit);
        app.exec();
        return rc;
    }

    if (parser.isSet(epochs)) {
        bool ok = false;
        const int n = parser.value(epochs).toInt(&ok);
        if (!ok || n < 1) {
            std::fprintf(stderr, "error: --epochs must be a positive integer, not \"%s\"\n", qPrintable(parser.value(epochs)));
            return kExitBadInput;
        }
        TrainConfig c = training->settingsPanel()->config();
        c.epochs = n;
        training->settingsPanel()->setConfig(c);
    }
    QObject::connect(training, &TrainingController::trainingEnded, &window, [&](bool ok, const QString&) {
        if (!ok) {
            std::fprintf(stderr, "error: training failed: %s\n", qPrintable(training->trainingPanel()->lastError()));
            rc = kExitFailure;
        }
        shootAndExit();
    });
    QTimer::singleShot(0, &window, [&] {
        // The dataset panel scans in the background: wait for it before training.
        DatasetPanel* panel = training->datasetPanel();
        auto go = [&] {
            if (!training->startTraining()) {
                std::fprintf(stderr, "error: cannot start training: %s\n", qPrintable(training->trainingPanel()->lastError()));
                rc = kExitBadInput;
                shootAndExit();
            }
        };
        if (panel->isScanning()) QObject::connect(panel, &DatasetPanel::scanned, &window, go, Qt::SingleShotConnection);
        else go();
    });
    app.exec();
    return rc;
}

}  // namespace strata::cli
