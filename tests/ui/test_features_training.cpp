// The Features dock end to end: the studio trains a tiny CNN for one epoch (features on, as
// the studio always trains) and the panel receives the snapshots of epoch 0 and epoch 1 with
// real images; reopening the run shows its stored snapshot without recomputation; selecting
// one layer on the canvas pins it and a worker computes a fresh snapshot that shows it.
#include <QDockWidget>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

#include "MainWindow.h"
#include "TrainingFlow.h"
#include "canvas/DesignView.h"
#include "data/DatasetPanel.h"
#include "insight/ActivationsView.h"
#include "FeaturesController.h"
#include "insight/FeaturesPanel.h"
#include "insight/FiltersView.h"
#include "insight/HierarchyView.h"
#include "widgets/Labels.h"
#include "widgets/PixelImage.h"
#include "insight/Insight.h"
#include "insight/PatchesView.h"
#include "model/DesignDocument.h"
#include "runs/RunFile.h"
#include "support/TestData.h"
#include "training/TrainingPanel.h"
#include "training/TrainingSettingsPanel.h"

using namespace strata;

namespace {
constexpr int kTrainTimeoutMs = 120000;

int tilesWithPixmaps(const QWidget* w) {
    int n = 0;
    for (const QLabel* label : w->findChildren<QLabel*>(kImageTileName))
        if (!label->pixmap().isNull()) ++n;
    return n;
}
}  // namespace

class FeaturesTrainingTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString run_;

    std::unique_ptr<MainWindow> studio() {
        auto w = std::make_unique<MainWindow>();
        w->setAutomation(true);
        const QString design = test::writeText(tmp_.filePath("tiny.strata.json"), test::tinyCnnDesign());
        if (!w->openDesign(design)) return nullptr;
        w->setDataFolder(tmp_.filePath("data"));
        TrainConfig c = w->settingsPanel()->config();
        c.epochs = 1;
        c.batchSize = 16;
        c.threads = 1;
        c.lr = 0.01;
        w->settingsPanel()->setConfig(c);
        w->resize(1400, 900);
        w->show();
        return w;
    }

    static void raiseFeatures(MainWindow& w) {
        QVERIFY(w.showPanel(StudioPanel::Features));
        QTRY_VERIFY(!w.featuresPanel()->visibleRegion().isEmpty());
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        test::makeImageFolder(tmp_.filePath("data"), {"a", "b", "c"}, 30, 16, 9);
    }

    void trainingFillsThePanel() {
        auto w = studio();
        QVERIFY(w);
        FeaturesPanel* panel = w->featuresPanel();
        QVERIFY(panel);
        QVERIFY(panel->isShowingEmptyState());
        TrainingPanel* training = w->trainingPanel();
        QTRY_VERIFY_WITH_TIMEOUT(w->datasetPanel()->isValid(), 10000);

        QSignalSpy snapshots(w->training()->session(), &TrainingSession::featuresReady);
        QSignalSpy ended(w.get(), &MainWindow::trainingFinished);
        QTest::mouseClick(training->trainButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(ended.count() == 1, kTrainTimeoutMs);
        const TrainResult result = ended.at(0).at(0).value<TrainResult>();
        QVERIFY2(result.status == TrainResult::Status::Finished, qPrintable(training->lastError()));
        run_ = QString::fromStdString(result.runPath);

        // Before training (epoch 0) and after the one epoch.
        QCOMPARE(snapshots.count(), 2);
        QCOMPARE(snapshots.at(0).at(0).value<FeatureSnapshot>().epoch, 0);
        QVERIFY(panel->hasSnapshot());
        QVERIFY(!panel->isShowingEmptyState());
        QCOMPARE(panel->snapshot().epoch, 1);
        QCOMPARE(panel->epochText(), QString("epoch 1"));
        QVERIFY2(panel->filtersView()->title().contains("conv1"), qPrintable(panel->filtersView()->title()));
        QVERIFY(!panel->filtersView()->image()->image().isNull());
        ActivationsView* activations = panel->activationsView();
        QVERIFY(activations->showsProbeImage());
        QVERIFY2(activations->columnCount() >= 3, qPrintable(activations->headers().join(" | ")));
        QVERIFY(activations->headers().at(0).startsWith("early"));
        int maps = 0;
        for (int c = 0; c < activations->columnCount(); ++c) maps += activations->tileCount(c);
        QVERIFY(maps > 0);
        QVERIFY(tilesWithPixmaps(activations) >= maps + 1);  // maps and the probe image, drawn
        QVERIFY(panel->patchesView()->rowCount() > 0);
        QVERIFY(panel->hierarchyView()->probePointCount() > 0);
        QVERIFY(panel->hierarchyView()->projectionPointCount() > 0);
        // The epoch-0 snapshot of this training gives the "before" of the class separation.
        QVERIFY2(panel->hierarchyView()->silhouetteText().contains("before training"),
                 qPrintable(panel->hierarchyView()->silhouetteText()));

        // The run stores the snapshot for reopening.
        FeatureSnapshot stored;
        QVERIFY(readSnapshot(readRunFile(run_.toStdString()), stored));
        QCOMPARE(stored.epoch, 1);
        QCOMPARE(w->featuresController()->run(), run_);
    }

    void openingARunShowsItsStoredSnapshot() {
        QVERIFY(!run_.isEmpty());
        auto w = studio();
        QVERIFY(w);
        FeaturesPanel* panel = w->featuresPanel();
        QVERIFY(w->training()->openRun(run_));
        QTRY_VERIFY_WITH_TIMEOUT(panel->hasSnapshot(), 20000);
        QCOMPARE(panel->snapshot().epoch, 1);
        QVERIFY2(panel->statusText().contains("stored"), qPrintable(panel->statusText()));
        QVERIFY(tilesWithPixmaps(panel->activationsView()) > 0);
    }

    void selectingALayerPinsIt() {
        QVERIFY(!run_.isEmpty());
        auto w = studio();
        QVERIFY(w);
        FeaturesPanel* panel = w->featuresPanel();
        QVERIFY(w->training()->openRun(run_));
        QTRY_VERIFY_WITH_TIMEOUT(panel->hasSnapshot(), 20000);
        // A layer none of early/middle/deep shows (the tiny CNN's last: its logits).
        QString layer;
        for (const Node& n : w->document()->design().nodes) {
            bool shown = false;
            for (const LayerActivations& a : panel->snapshot().activations) shown = shown || a.layer == n.id;
            if (!shown && n.type != "Input" && n.type != "Output") layer = QString::fromStdString(n.id);
        }
        QVERIFY2(!layer.isEmpty(), "every layer is already shown");
        const int columns = panel->activationsView()->columnCount();

        // Not while the panel is hidden behind another tab: selecting is for editing then.
        w->view()->selectNodes({layer});
        QCOMPARE(panel->pinnedLayer(), QString());
        w->view()->selectNodes({});

        raiseFeatures(*w);
        w->view()->selectNodes({layer});
        QCOMPARE(panel->pinnedLayer(), layer);
        QTRY_VERIFY_WITH_TIMEOUT(panel->snapshot().pinnedLayer == layer.toStdString(), 60000);
        QVERIFY2(panel->statusText().contains("computed"), qPrintable(panel->statusText()));
        QCOMPARE(panel->activationsView()->columnCount(), columns + 1);
        QVERIFY(panel->activationsView()->headers().last().contains(layer));
        // The quick recomputation keeps the probe points already shown.
        QVERIFY(panel->hierarchyView()->probePointCount() > 0);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(FeaturesTrainingTest)
#include "test_features_training.moc"
