// File > Export ONNX… without its dialogs: the action sits in the File menu, the run it offers
// is the open design's latest (by the predict panel, else by name in the runs folder), the
// dialog-free export writes a model with the run's classes, errors come back as one line, and
// in automation the action opens no dialog.
#include <QtTest/QtTest>

#include <QAction>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QTemporaryDir>

#include "Actions.h"
#include "MainWindow.h"
#include "TrainingFlow.h"
#include "design/Design.h"
#include "export/OnnxExport.h"
#include "model/DesignDocument.h"
#include "OnnxExportFlow.h"
#include "runs/PredictPanel.h"
#include "support/TestData.h"
#include "train/Trainer.h"

using namespace strata;

namespace {

void train(const QString& designJson, const QString& data, const QString& run) {
    TrainConfig config;
    config.data = data.toStdString();
    config.epochs = 1;
    config.batchSize = 16;
    config.threads = 1;
    config.run = run.toStdString();
    Trainer trainer(parseDesign(designJson.toStdString(), "<test>"), config);
    const TrainResult result = trainer.run();
    QVERIFY2(result.status == TrainResult::Status::Finished, result.error.c_str());
}

}  // namespace

class OnnxExportActionTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(tmp_.isValid());
        // Runs of unsaved designs go to $XDG_DATA_HOME/strata/runs: keep them in the temp dir.
        qputenv("XDG_DATA_HOME", tmp_.filePath("xdg").toUtf8());
        if (qEnvironmentVariableIsEmpty("STRATA_TEMPLATES"))
            qputenv("STRATA_TEMPLATES", STRATA_SOURCE_DIR "/resources/templates");
        test::makeImageFolder(tmp_.filePath("data"), {"a", "b"}, 8, 16, 7);
    }

    void exportsTheLatestRunOfTheOpenDesign() {
        MainWindow w;
        w.setAutomation(true);
        w.document()->reset(parseDesign(test::tinyCnnDesign(16).toStdString(), "<tiny>"));
        const QString folder = w.training()->runsFolder();
        QVERIFY(QDir().mkpath(folder));

        // The newest file is another design's run: the export must still pick tiny-cnn's.
        const QString mine = folder + "/tiny-cnn-1.h5", other = folder + "/other-1.h5";
        train(QString::fromUtf8(test::tinyCnnDesign(16)), tmp_.filePath("data"), mine);
        QByteArray otherDesign = test::tinyCnnDesign(16);
        otherDesign.replace("\"tiny-cnn\"", "\"other\"");
        train(QString::fromUtf8(otherDesign), tmp_.filePath("data"), other);
        QFile f(other);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.setFileTime(QDateTime::currentDateTime().addSecs(60), QFileDevice::FileModificationTime));
        f.close();
        QCOMPARE(latestRunFor(&w), mine);
        // A run shown in the predict panel wins (the one just trained or opened).
        w.predictPanel()->setRun(other);
        QCOMPARE(latestRunFor(&w), other);
        w.predictPanel()->setRun(QString());

        const QString out = defaultOnnxPath(mine);
        QCOMPARE(out, folder + "/tiny-cnn-1.onnx");
        QCOMPARE(exportRunToOnnx(mine, out), QString());
        const auto meta = readOnnxMetadata(out.toStdString());
        QCOMPARE(meta.at("classes"), std::string(R"(["a","b"])"));
        QCOMPARE(meta.at("design"), std::string("tiny-cnn"));
    }

    void errorsComeBackAsOneLine() {
        const QString error = exportRunToOnnx(tmp_.filePath("nope.h5"), tmp_.filePath("nope.onnx"));
        QVERIFY2(error.contains("nope.h5") && !error.contains('\n'), qPrintable(error));
        QVERIFY(!QFileInfo::exists(tmp_.filePath("nope.onnx")));
    }

    void menuActionOpensNoDialogInAutomation() {
        MainWindow w;
        w.setAutomation(true);
        QAction* action = w.actions()->get("file.exportOnnx");
        QVERIFY(action);
        bool inFileMenu = false;
        for (QMenu* menu : w.menuBar()->findChildren<QMenu*>())
            if (menu->title() == QObject::tr("&File")) inFileMenu = menu->actions().contains(action);
        QVERIFY(inFileMenu);
        action->trigger();  // would block the test in a modal dialog if it opened one
        QVERIFY2(w.statusBar()->currentMessage().contains("strata export"), qPrintable(w.statusBar()->currentMessage()));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(OnnxExportActionTest)
#include "test_onnx_export_action.moc"
