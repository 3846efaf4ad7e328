#pragma once
// File > Export ONNX…: writes a trained run as an ONNX model (core/export, torch-free). The
// dialog-free parts are separate functions so tests drive them without a modal dialog.
#include <QString>

namespace strata {

class MainWindow;

// Exports `runPath` to `outPath`. Returns "" on success, else the one-line reason (bad run,
// unsupported layer, unwritable file, ...).
QString exportRunToOnnx(const QString& runPath, const QString& outPath);

// The run the export offers: the predict panel's run (the last one trained or opened), else
// the newest run file in the open design's runs folder recorded for a design of the same
// name. "" when there is none.
QString latestRunFor(const MainWindow* window);

// The default file name: the run's path with ".onnx" instead of ".h5".
QString defaultOnnxPath(const QString& runPath);

// The menu action: the latest run (or one chosen with a file dialog), then a save dialog,
// then the export; the result goes to the status bar, errors to a message box. In automation
// it opens no dialog: it only reports on stderr and the status bar that it needs one.
void exportOnnxInteractive(MainWindow* window);

}  // namespace strata
