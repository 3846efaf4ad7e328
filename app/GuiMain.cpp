// The studio: `strata [DESIGN] [--data DIR] [--screenshot FILE.png]`.
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QTimer>
#include <cstdio>

#include "Commands.h"
#include "MainWindow.h"
#include "Settings.h"
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
    parser.addOption(data);
    parser.addOption(screenshot);
    parser.process(app);
    const bool automation = parser.isSet(screenshot);

    MainWindow window;
    window.setAutomation(automation);  // before anything can report an error
    openStartDesign(window, parser.positionalArguments().value(0));
    if (parser.isSet(data)) window.setDataFolder(parser.value(data));

    if (!automation) {
        window.restoreWindowState();
        window.show();
        return app.exec();
    }

    window.resize(kScreenshotWidth, kScreenshotHeight);
    window.show();
    const QString file = parser.value(screenshot);
    int rc = kExitOk;
    QTimer::singleShot(0, &window, [&] {
        // Let the docks and the canvas settle at the final size, then frame the design.
        for (int i = 0; i < 3; ++i) QApplication::processEvents();
        selectShowcaseNode(window);
        window.view()->fitToView();
        QApplication::processEvents();
        if (!window.grab().save(file, "PNG")) {
            std::fprintf(stderr, "error: cannot write screenshot %s\n", qPrintable(file));
            rc = kExitFailure;
        }
        app.exit(rc);
    });
    app.exec();
    return rc;
}

}  // namespace strata::cli
