#include "OnnxExportFlow.h"

#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QStatusBar>

#include <cstdio>

#include "MainWindow.h"
#include "TrainingFlow.h"
#include "export/OnnxExport.h"
#include "model/DesignDocument.h"
#include "runs/PredictPanel.h"
#include "runs/RunSummary.h"

namespace strata {
namespace {

constexpr int kStatusMessageMs = 6000;

void report(MainWindow* window, const QString& text, bool error) {
    if (window->automation() || !error) {
        if (error) std::fprintf(stderr, "warning: %s\n", qPrintable(text));
        window->statusBar()->showMessage(text, error ? 0 : kStatusMessageMs);
        return;
    }
    QMessageBox::warning(window, QObject::tr("Export ONNX"), text);
}

}  // namespace

QString exportRunToOnnx(const QString& runPath, const QString& outPath) {
    try {
        exportOnnx(runPath.toStdString(), outPath.toStdString());
        return {};
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
}

QString latestRunFor(const MainWindow* window) {
    const QString shown = window->predictPanel()->run();
    if (!shown.isEmpty() && QFileInfo::exists(shown)) return shown;
    const std::string name = window->document()->design().name;
    // Newest first, as the runs panel and `strata runs` list them.
    for (const RunSummary& run : listRunSummaries(window->training()->runsFolder().toStdString()))
        if (run.error.empty() && run.design == name) return QFileInfo(QString::fromStdString(run.path)).absoluteFilePath();
    return {};
}

QString defaultOnnxPath(const QString& runPath) {
    const QFileInfo run(runPath);
    return run.dir().filePath(run.completeBaseName() + ".onnx");
}

void exportOnnxInteractive(MainWindow* window) {
    if (window->automation()) {
        report(window, QObject::tr("Export ONNX asks for files with dialogs; not in automation mode "
                                   "(use strata export RUN.h5 --onnx OUT.onnx)"), true);
        return;
    }
    QString run = latestRunFor(window);
    if (run.isEmpty()) {
        run = QFileDialog::getOpenFileName(window, QObject::tr("Export ONNX: choose a trained run"),
                                           window->training()->runsFolder(), QObject::tr("Strata runs (*.h5)"));
        if (run.isEmpty()) return;
    }
    const QString out = QFileDialog::getSaveFileName(window, QObject::tr("Export ONNX of %1").arg(QFileInfo(run).fileName()),
                                                     defaultOnnxPath(run), QObject::tr("ONNX models (*.onnx)"));
    if (out.isEmpty()) return;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const QString error = exportRunToOnnx(run, out);
    QApplication::restoreOverrideCursor();
    if (!error.isEmpty()) {
        report(window, QObject::tr("Cannot export %1: %2").arg(QDir::toNativeSeparators(run), error), true);
        return;
    }
    report(window, QObject::tr("Exported %1 to %2 (ONNX opset %3)")
                       .arg(QFileInfo(run).fileName(), QDir::toNativeSeparators(out))
                       .arg(kOnnxOpset),
           false);
}

}  // namespace strata
