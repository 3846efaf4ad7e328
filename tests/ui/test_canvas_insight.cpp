// The canvas' live insight through the main window, offscreen: Live Previews from the
// toolbar button with a sample image dropped on the canvas (a real drop event), previews that
// follow a parameter edit (the grid of conv1 shrinks with its channels), the per-card toggle
// of the context menu, a clear message without a sample, an opened run's weights (until
// another design replaces its design); pre-flight badges on a plain 20-block sigmoid stack
// that go away when BatchNorm is spliced into every block, and the pre-flight that follows
// each change while the previews are on; Measure Speed's times on the cards, the
// measured-time cost overlay and the images/s in the status bar, all gone after an edit.
#include <QtTest/QtTest>

#include <QAction>
#include <QImage>
#include <QLabel>
#include <QMenu>
#include <QMimeData>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QToolBar>

#include "Actions.h"
#include "MainWindow.h"
#include "TrainingFlow.h"
#include "canvas/DesignScene.h"
#include "canvas/DesignView.h"
#include "canvas/NodeItem.h"
#include "canvas/NodePreviewItem.h"
#include "design/DesignTransforms.h"
#include "insight/CanvasInsight.h"
#include "insight/DesignInsightWorker.h"
#include "model/DesignDocument.h"
#include "support/RunFixtures.h"
#include "support/TestData.h"
#include "training/TrainingSettingsPanel.h"

using namespace strata;

namespace {

constexpr int kInsightWaitMs = 60000;

QString writeInsightSample(const QString& path, int size = 28) {
    QImage img(size, size, QImage::Format_Grayscale8);
    img.fill(30);
    for (int i = 0; i < size; ++i) img.setPixel(i, size - 1 - i, qRgb(230, 230, 230));
    img.save(path);
    return path;
}

}  // namespace

class CanvasInsightTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::unique_ptr<MainWindow> w_;

    CanvasInsight* insight() const { return w_->canvasInsight(); }
    DesignScene* scene() const { return w_->view()->designScene(); }

    void clickToolButton(const char* actionId) {
        auto* bar = w_->findChild<QToolBar*>("mainToolBar");
        QVERIFY(bar);
        QWidget* button = bar->widgetForAction(w_->actions()->get(actionId));
        QVERIFY2(button && button->isVisible(), actionId);
        QTest::mouseClick(button, Qt::LeftButton);
    }

    // Drops an image file on the middle of the canvas, as a file manager would.
    void dropImage(const QString& path) {
        QWidget* viewport = w_->view()->viewport();
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path)});
        const QPointF at = viewport->rect().center();
        QDragEnterEvent enter(at.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &enter);
        QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &drop);
    }

    QSize previewSize(const char* id) const {
        NodePreviewItem* item = insight()->previewItem(id);
        return item && item->isVisible() ? item->preview().size() : QSize();
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("StrataTest");
        QCoreApplication::setApplicationName("strata-canvas-insight-test");
        if (qEnvironmentVariableIsEmpty("STRATA_TEMPLATES"))
            qputenv("STRATA_TEMPLATES", STRATA_SOURCE_DIR "/resources/templates");
        QVERIFY(tmp_.isValid());
    }

    void init() {
        QSettings().clear();
        w_ = std::make_unique<MainWindow>();
        w_->setAutomation(true);
        w_->resize(1400, 900);
        w_->show();
        QVERIFY(QTest::qWaitForWindowExposed(w_.get()));
        QVERIFY(w_->openDesign(test::templateFile("reference-cnn")));
    }

    void cleanup() { w_.reset(); }

    void previewFollowsToggleDropAndEdit() {
        QSignalSpy updated(insight(), &CanvasInsight::previewsUpdated);
        insight()->setDataFolder(QString());  // the dropped image is the only sample
        dropImage(writeInsightSample(tmp_.filePath("sample.png")));
        clickToolButton("view.preview");
        QVERIFY(w_->actions()->get("view.preview")->isChecked());
        QVERIFY(updated.wait(kInsightWaitMs));
        // conv1 [32, 28, 28]: 16 maps in a 4 x 4 grid; fc1: a strip of 64 bars.
        QCOMPARE(previewSize("conv1"), QSize(4 * 28 + 3, 4 * 28 + 3));
        QCOMPARE(previewSize("fc1"), QSize(kPreviewMaxUnits * kPreviewBarWidth, kPreviewStripHeight));
        QVERIFY(insight()->previewItem("conv1")->toolTip().contains("initial"));

        // 4 channels: a 2 x 2 grid, without waiting in the edit itself.
        updated.clear();
        QVERIFY(w_->document()->setParam("conv1", "out_channels", 4));
        QCOMPARE(previewSize("conv1"), QSize(4 * 28 + 3, 4 * 28 + 3));  // the old one until the new comes
        QVERIFY(updated.wait(kInsightWaitMs));
        QCOMPARE(previewSize("conv1"), QSize(2 * 28 + 1, 2 * 28 + 1));

        clickToolButton("view.preview");
        QVERIFY(!w_->actions()->get("view.preview")->isChecked());
        QVERIFY(previewSize("conv1").isEmpty());

        // The card's own toggle, from its context menu.
        std::unique_ptr<QMenu> menu = w_->view()->nodeMenu("pool1");
        QAction* toggle = menu->findChild<QAction*>("nodePreviewToggle");
        QVERIFY(toggle && !toggle->isChecked());
        updated.clear();
        toggle->trigger();
        QVERIFY(updated.wait(kInsightWaitMs));
        QCOMPARE(previewSize("pool1"), QSize(2 * 14 + 1, 2 * 14 + 1));
        QVERIFY(previewSize("conv1").isEmpty());
    }

    void previewWithoutSampleSaysWhy() {
        QSignalSpy failed(insight()->worker(), &DesignInsightWorker::failed);
        insight()->setDataFolder(QString());
        clickToolButton("view.preview");
        QVERIFY(failed.wait(kInsightWaitMs));
        QVERIFY(failed.last().at(1).toString().contains("no sample image"));
        QVERIFY(previewSize("conv1").isEmpty());
    }

    void previewUsesAnOpenedRunUntilAnotherDesign() {
        const QString run = test::writeValidRun(tmp_.filePath("tiny.strata-run"));
        QString error;
        QVERIFY2(w_->training()->openRun(run, &error), qPrintable(error));
        QCOMPARE(insight()->runPath(), run);
        QSignalSpy updated(insight(), &CanvasInsight::previewsUpdated);
        insight()->setSampleImage(writeInsightSample(tmp_.filePath("small.png"), 16));
        clickToolButton("view.preview");
        QVERIFY(updated.wait(kInsightWaitMs));
        QVERIFY2(insight()->previewItem("conv1")->toolTip().contains("run's"),
                 qPrintable(insight()->previewItem("conv1")->toolTip()));
        QVERIFY(w_->newDesign("reference-cnn"));
        QVERIFY(insight()->runPath().isEmpty());
    }

    void preflightBadgesComeAndGo() {
        DeepStackSpec spec;
        spec.height = spec.width = 16;
        spec.activation = "Sigmoid";
        QVERIFY(w_->document()->reset(deepStack(spec)));
        QSignalSpy done(insight(), &CanvasInsight::preflightUpdated);
        w_->actions()->get("design.preflight")->trigger();
        QVERIFY(done.wait(kInsightWaitMs));
        QCOMPARE(done.last().at(0).toInt(), 1);
        QVERIFY2(insight()->badgeText("stem").contains("(vanishing); add BatchNorm"),
                 qPrintable(insight()->badgeText("stem")));
        QVERIFY(insight()->badgeText("b1_conv").isEmpty());

        // BatchNorm after every block's convolution: the badge goes at the first edit (it was
        // about the design before it) and the pre-flight then finds nothing.
        for (int k = 1; k <= spec.depth; ++k) {
            const std::string conv = "b" + std::to_string(k) + "_conv";
            const QPointF at = scene()->nodeItem(QString::fromStdString(conv))->pos() + QPointF(0, 50);
            const Edge edge{conv, "b" + std::to_string(k) + "_act", 0};
            QVERIFY(!w_->document()->spliceNode("BatchNorm2d", edge, at).isEmpty());
            QVERIFY(insight()->badgeText("stem").isEmpty());
        }
        done.clear();
        w_->actions()->get("design.preflight")->trigger();
        QVERIFY(done.wait(kInsightWaitMs));
        QCOMPARE(done.last().at(0).toInt(), 0);
        QVERIFY(insight()->badgeText("stem").isEmpty());
    }

    // With the previews on, each edit also gets its pre-flight, without the action.
    void previewsOnRunThePreflightAfterEdits() {
        DeepStackSpec spec;
        spec.height = spec.width = 16;
        spec.activation = "Sigmoid";
        spec.batchNorm = true;
        QVERIFY(w_->document()->reset(deepStack(spec)));
        insight()->setSampleImage(writeInsightSample(tmp_.filePath("stack.png"), 16));
        QSignalSpy done(insight(), &CanvasInsight::preflightUpdated);
        clickToolButton("view.preview");
        QVERIFY(done.wait(kInsightWaitMs));
        QCOMPARE(done.last().at(0).toInt(), 0);  // with BatchNorm the stack trains
        QVERIFY(insight()->previewItem("b20_act")->isVisible());
        // The design replaced by the same stack without BatchNorm: its gradients vanish.
        spec.batchNorm = false;
        done.clear();
        QVERIFY(w_->document()->reset(deepStack(spec)));
        QVERIFY(done.wait(kInsightWaitMs));
        QCOMPARE(done.last().at(0).toInt(), 1);
        QVERIFY(insight()->badgeText("stem").contains("vanishing"));
    }

    void measureSpeedPutsTimesOnTheCards() {
        w_->settingsPanel()->batchSizeBox()->setValue(8);
        QSignalSpy measured(insight(), &CanvasInsight::timingUpdated);
        w_->actions()->get("design.measureSpeed")->trigger();
        QVERIFY(measured.wait(kInsightWaitMs));
        const NodeTimingReport& r = insight()->timing();
        QCOMPARE(r.batch, 8);
        QVERIFY(r.nodes.size() >= 9);
        for (const NodeTime& n : r.nodes) QVERIFY2(n.forwardMs > 0 && n.backwardMs > 0, n.id.c_str());
        QVERIFY(insight()->previewItem("conv1")->timeText().endsWith(" ms"));
        QVERIFY(insight()->previewItem("conv1")->toolTip().contains("batch of 8"));
        auto* speed = w_->findChild<QLabel*>("statusSpeed");
        QVERIFY(speed && speed->isVisible() && speed->text().contains("images/s"));

        w_->actions()->get("view.costOverlay.measuredTime")->trigger();
        QCOMPARE(scene()->costOverlay(), CostOverlay::MeasuredTime);
        QVERIFY(scene()->nodeItem("conv2")->costTint() > 0);
        QCOMPARE(scene()->nodeItem("in")->costTint(), 0.0);

        // An edit makes the times stale: they go, with the status bar's speed.
        QVERIFY(w_->document()->setParam("conv2", "out_channels", 8));
        QVERIFY(insight()->previewItem("conv1")->timeText().isEmpty());
        QVERIFY(!speed->isVisible());
        QCOMPARE(scene()->nodeItem("conv2")->costTint(), 0.0);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(CanvasInsightTest)
#include "test_canvas_insight.moc"
