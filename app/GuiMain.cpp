// The studio: `strata [DESIGN] [--data DIR] [--screenshot FILE.png]`.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QTimer>

#include "Commands.h"
#include "MainWindow.h"
#include "design/Templates.h"

namespace strata::cli {

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

    MainWindow window;
    QString design = parser.positionalArguments().value(0);
    if (design.isEmpty()) design = QString::fromStdString(templatePath("reference-cnn"));
    if (!design.isEmpty()) window.openDesign(design);
    if (parser.isSet(data)) window.setDataFolder(parser.value(data));

    if (parser.isSet(screenshot)) {
        window.resize(1600, 1000);
        window.show();
        const QString file = parser.value(screenshot);
        int rc = 0;
        QTimer::singleShot(300, &window, [&] {
            if (!window.grab().save(file)) {
                fprintf(stderr, "error: cannot write screenshot %s\n", qPrintable(file));
                rc = 1;
            }
            app.exit(rc);
        });
        return app.exec();
    }
    window.show();
    return app.exec();
}

}  // namespace strata::cli
