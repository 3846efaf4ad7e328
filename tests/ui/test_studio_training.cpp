// The studio end to end: a design on the canvas, a generated image folder, the Train button;
// plots fill, pause holds, the run appears in the runs panel; bad data shows an error.
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

#include "MainWindow.h"
#include "TrainingFlow.h"
#include "data/DatasetPanel.h"
#include "model/DesignDocument.h"
#include "runs/RunFile.h"
#include "runs/RunsPanel.h"
#include "support/TestData.h"
#include "training/EpochPlot.h"
#include "training/LossPlot.h"
#include "support/StallProbe.h"
#include "training/TrainingPanel.h"
#include "training/TrainingSettingsPanel.h"

using namespace strata;

namespace {
TrainResult resultOf(const QSignalSpy& ended, int i = 0) { return ended.at(i).at(0).value<TrainResult>(); }
}  // namespace

class StudioTrainingTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    // A main window with the tiny CNN saved in the temp dir (so its runs go there too).
    std::unique_ptr<MainWindow> studio(const QString& data, int epochs) {
        auto w = std::make_unique<MainWindow>();
        w->setAutomation(true);
        const QString design = test::writeText(tmp_.filePath("tiny.strata.json"), test::tinyCnnDesign());
        if (!w->openDesign(design)) return nullptr;
        w->setDataFolder(data);
        TrainConfig c = w->settingsPanel()->config();
        c.epochs = epochs;
        c.batchSize = 16;
        c.threads = 1;
        c.lr = 0.01;
        w->settingsPanel()->setConfig(c);
        w->resize(1400, 900);
        w->show();
        return w;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        test::makeImageFolder(tmp_.filePath("data"), {"a", "b", "c"}, 30, 16, 9);
    }

    void trainThroughTheButtons() {
        auto w = studio(tmp_.filePath("data"), 20);
        QVERIFY(w);
        TrainingPanel* panel = w->trainingPanel();
        QTRY_VERIFY_WITH_TIMEOUT(w->datasetPanel()->isValid(), 10000);
        QCOMPARE(w->document()->classes(), 3);

        StallProbe probe;
        probe.start();
        QSignalSpy ended(w.get(), &MainWindow::trainingFinished);
        QTest::mouseClick(panel->trainButton(), Qt::LeftButton);
        QVERIFY(w->document()->isLocked());  // locked while training
        QVERIFY(w->document()->addNode("ReLU", {}).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(panel->lossPlot()->pointCount() > 0, 20000);

        QTest::mouseClick(panel->pauseButton(), Qt::LeftButton);
        QTest::qWait(200);  // a batch in flight may still land
        const int paused = panel->lossPlot()->pointCount();
        QTest::qWait(400);
        QCOMPARE(panel->lossPlot()->pointCount(), paused);
        QTest::mouseClick(panel->pauseButton(), Qt::LeftButton);  // resume

        QTRY_VERIFY_WITH_TIMEOUT(ended.count() == 1, 60000);
        probe.stop();
        QVERIFY2(resultOf(ended).status == TrainResult::Status::Finished, qPrintable(panel->lastError()));
        QCOMPARE(panel->epochPlot()->pointCount() > 0, true);
        QVERIFY(!w->document()->isLocked());
        const QString run = QString::fromStdString(resultOf(ended).runPath);
        QVERIFY(QFile::exists(run));
        QVERIFY(run.startsWith(tmp_.filePath("runs")));
        QTRY_VERIFY_WITH_TIMEOUT(w->runsPanel()->runPaths().contains(run), 5000);
        qInfo("UI thread longest stall during the tiny training: %.1f ms", probe.maxStallMs());

        // Resume the run to more epochs, as the runs panel's Resume button does.
        TrainConfig more = w->settingsPanel()->config();
        more.epochs = 22;
        w->settingsPanel()->setConfig(more);
        QVERIFY(w->training()->resumeRun(run));
        QTRY_VERIFY_WITH_TIMEOUT(ended.count() == 2, 60000);
        QVERIFY2(resultOf(ended, 1).status == TrainResult::Status::Finished, qPrintable(panel->lastError()));
        QCOMPARE(QString::fromStdString(resultOf(ended, 1).runPath), run);
        QCOMPARE(readRunSummary(run.toStdString()).epochMetrics.at("epoch").size(), size_t(22));
    }

    void badDatasetShowsErrorInsteadOfTraining() {
        auto w = studio(tmp_.filePath("no-such-folder"), 1);
        QVERIFY(w);
        TrainingPanel* panel = w->trainingPanel();
        QSignalSpy ended(w.get(), &MainWindow::trainingFinished);
        QTest::mouseClick(panel->trainButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!panel->lastError().isEmpty(), 20000);
        QVERIFY2(panel->lastError().contains("no-such-folder"), qPrintable(panel->lastError()));
        QTRY_VERIFY_WITH_TIMEOUT(!w->training()->isTraining(), 20000);
        QCOMPARE(ended.count(), 1);
        QCOMPARE(resultOf(ended).status, TrainResult::Status::Failed);
        QVERIFY(!w->document()->isLocked());
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(StudioTrainingTest)
#include "test_studio_training.moc"
