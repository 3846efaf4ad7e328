#include "runs/OnnxExportFlow.h"

#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QStatusBar>

#include <cstdio>

#include "MainWindow.h"
#include "TrainingController.h"
#include "export/OnnxExport.h"
#include "model/DesignDocument.h"
#include "runs/PredictPanel.h"
#include "runs/RunFile.h"

namespace strata {
namespace {

constexpr int kStatusMessageMs = 6000;

// The design name a run file records, or "" when it cannot be read.
QString recordedDesignName(const QString& runPath) {
    try {
        const RunData run = readRunSummary(runPath.toStdString());
        const auto design = nlohmann::json::parse(run.designJson, nullptr, /*allow_exceptions=*/false);
        if (design.is_object() && design.value("name", nlohmann::json()).is_string())
            return QString::fromStdString(design["name"].get<std::string>());
    } catch (const std::exception&) {
    }
    return {};
}

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
    const QString shown = window->training()->predictPanel()->run();
    if (!shown.isEmpty() && QFileInfo::exists(shown)) return shown;
    const QString name = QString::fromStdString(window->document()->design().name);
    const QFileInfoList runs =
        QDir(window->training()->runsFolder()).entryInfoList({"*.h5"}, QDir::Files, QDir::Time);  // newest first
    for (const QFileInfo& run : runs)
        if (recordedDesignName(run.absoluteFilePath()) == name) return run.absoluteFilePath();
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
