// The studio side of transfer (docs/ARCHITECTURE.md §3), driven through the main window: a
// source run chosen in the training settings (the file dialog's setter) puts planInit's
// verdict on the cards (copied, new, skipped) and its report in the settings; freezing from a
// card's snowflake, the properties panel's check box and the canvas context menu ("Freeze",
// "Freeze up to here") edits the TrainConfig's freeze list, mutes the card, refuses nodes
// without parameters, is remembered per design and stops a training that would freeze
// everything; "Replace head for this dataset" is one undoable edit; the gradient heat map
// draws a frozen layer (NaN norms) as an empty, labelled row. Run files are written without
// training (tests/support/RunFixtures.h). Offscreen, with the settings in Qt's test location.
#include <QtTest/QtTest>

#include <QAction>
#include <QCheckBox>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <qcustomplot.h>

#include "MainWindow.h"
#include "StudioPanel.h"
#include "TransferController.h"
#include "canvas/CanvasStyle.h"
#include "canvas/DesignScene.h"
#include "canvas/DesignView.h"
#include "canvas/NodeItem.h"
#include "data/DatasetPanel.h"
#include "insight/GradientHeatmap.h"
#include "model/DesignDocument.h"
#include "panels/PropertyPanel.h"
#include "runs/RunsPanel.h"
#include "runs/RunFile.h"
#include "runs/RunReader.h"
#include "support/RunFixtures.h"
#include "support/TestData.h"
#include "train/Transfer.h"
#include "training/TrainingSettingsPanel.h"
#include "training/TransferSettingsBox.h"
#include "ui/support/CardImage.h"

using namespace strata;

namespace {

constexpr int kTransferWaitMs = 10000;

QByteArray transferTemplateText(const char* name) {
    QFile file(test::templateFile(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A run of the reference CNN as trained on classes a, b and c: its head is [3, 128].
QString writeReferenceRun(const QString& path) {
    writeRunFile(path.toStdString(), test::validRunData(transferTemplateText("reference-cnn"), {"a", "b", "c"}));
    return path;
}

NodeTraining::Init transferExpected(NodeInit::Kind kind) {
    switch (kind) {
    case NodeInit::Kind::Copied: return NodeTraining::Init::Copied;
    case NodeInit::Kind::New: return NodeTraining::Init::New;
    case NodeInit::Kind::Skipped: return NodeTraining::Init::Skipped;
    }
    return NodeTraining::Init::None;
}

QStringList transferFreezeList(const MainWindow& w) {
    QStringList out;
    for (const std::string& id : w.settingsPanel()->config().freeze) out << QString::fromStdString(id);
    return out;
}

// Clicks a check box on its indicator (its middle may be empty space when the form stretches it).
void transferClickCheck(QCheckBox* box) {
    QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(box->style()->pixelMetric(QStyle::PM_IndicatorWidth) / 2 + 1,
                                                       box->height() / 2));
}

}  // namespace

class TransferStudioTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::unique_ptr<MainWindow> w_;

    TransferSettingsBox* box() const { return w_->settingsPanel()->transferBox(); }
    DesignScene* scene() const { return w_->view()->designScene(); }
    NodeItem* card(const char* id) const { return scene()->nodeItem(id); }

    // Chooses `path` as the file dialog would and waits until the run has been read (at once
    // for a small run).
    void chooseSource(const QString& path) {
        QSignalSpy read(w_->transferController(), &TransferController::sourceRead);
        box()->setSource(path);
        QVERIFY(!read.isEmpty() || read.wait(kTransferWaitMs));
    }

    // Clicks the snowflake of a card (selected first: the toggle shows on selected, hovered or
    // frozen cards).
    void clickSnowflake(const char* id) {
        NodeItem* item = card(id);
        QVERIFY(item);
        w_->view()->setTransform(QTransform());
        w_->view()->centerOn(item);
        scene()->selectNodes({id});
        QVERIFY(item->freezeToggleShown());
        const QPoint at = w_->view()->mapFromScene(item->mapToScene(NodeItem::freezeToggleRect().center()));
        QTest::mouseClick(w_->view()->viewport(), Qt::LeftButton, {}, at);
    }

    QAction* menuAction(QMenu* menu, const char* name) const {
        for (QAction* a : menu->actions())
            if (a->objectName() == QLatin1String(name)) return a;
        return nullptr;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // QSettings under ~/.qttest, not the user's
        QCoreApplication::setOrganizationName("StrataTest");
        QCoreApplication::setApplicationName("strata-transfer-test");
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
        const QString design = test::writeText(tmp_.filePath("cnn.strata.json"), transferTemplateText("reference-cnn"));
        QVERIFY(w_->openDesign(design));
    }

    void cleanup() { w_.reset(); }

    // --- Start from run ----------------------------------------------------------------------

    void badgesMatchThePlan() {
        // The design differs from the run: a new BatchNorm after conv1, and a head for 10
        // classes where the run's has 3.
        const QString bn = w_->document()->spliceNode("BatchNorm2d", Edge{"conv1", "relu1", 0}, QPointF(200, 150));
        QVERIFY(!bn.isEmpty());
        const QString run = writeReferenceRun(tmp_.filePath("source.h5"));
        chooseSource(run);

        const InitPlan plan = planInit(w_->document()->analysis(), readValidRun(run.toStdString()),
                                       run.toStdString(), {});
        QVERIFY(plan.count(NodeInit::Kind::Copied) > 0);
        QCOMPARE(plan.count(NodeInit::Kind::New), 1);
        QCOMPARE(plan.count(NodeInit::Kind::Skipped), 1);
        for (const NodeInit& n : plan.nodes) {
            NodeItem* item = card(n.id.c_str());
            QVERIFY(item);
            QCOMPARE(item->training().init, transferExpected(n.kind));
            if (n.kind != NodeInit::Kind::Copied) QVERIFY(item->toolTip().contains(QString::fromStdString(n.reason)));
        }
        QCOMPARE(card(bn.toUtf8().constData())->initBadgeText(), QString("new"));
        QCOMPARE(card("fc2")->initBadgeText(), QString("skipped"));
        QCOMPARE(card("conv1")->initBadgeText(), QString("copied"));
        QCOMPARE(card("relu1")->initBadgeText(), QString());  // nothing to copy
        QVERIFY(!box()->reportIsError());
        QVERIFY2(box()->reportText().contains("1 skipped"), qPrintable(box()->reportText()));
        QCOMPARE(box()->sourceLabel()->text(), QString("source.h5"));
        QCOMPARE(QString::fromStdString(w_->settingsPanel()->config().initFrom), run);

        // For people: the cards at 100 % with a frozen one ($TMPDIR/transfer-cards.png).
        w_->transferController()->setFrozen("conv1", true);
        w_->view()->setTransform(QTransform());
        w_->view()->centerOn(card("conv1")->sceneBoundingRect().center() + QPointF(0, 120));
        QVERIFY(w_->view()->grab().save(QDir::temp().filePath("transfer-cards.png")));

        // The design changes: the badges follow (fc2 for 3 classes matches the run now).
        QVERIFY(w_->document()->setParam("fc2", "out_features", 3));
        QCOMPARE(card("fc2")->initBadgeText(), QString("copied"));

        // Clear: fresh weights, no badges.
        QTest::mouseClick(box()->clearButton(), Qt::LeftButton);
        QVERIFY(w_->settingsPanel()->config().initFrom.empty());
        QCOMPARE(card("conv1")->initBadgeText(), QString());
        QCOMPARE(box()->sourceLabel()->text(), QString("none: fresh weights"));
    }

    void bigRunsAreReadOffTheUiThread() {
        w_->transferController()->setInlineReadLimit(0);
        QSignalSpy read(w_->transferController(), &TransferController::sourceRead);
        box()->setSource(writeReferenceRun(tmp_.filePath("big.h5")));
        QVERIFY(read.isEmpty());
        QVERIFY(box()->reportText().startsWith("Reading big.h5"));
        QCOMPARE(card("conv1")->initBadgeText(), QString());
        QVERIFY(read.wait(kTransferWaitMs));
        QCOMPARE(card("conv1")->initBadgeText(), QString("copied"));
        QVERIFY(!w_->transferController()->isReading());
    }

    void runsPanelStartsFromARun() {
        QDir().mkpath(tmp_.filePath("listed"));
        const QString run = writeReferenceRun(tmp_.filePath("listed/listed.h5"));
        RunsPanel* runs = w_->runsPanel();
        runs->setFolder(tmp_.filePath("listed"));
        QCOMPARE(runs->runCount(), 1);
        std::unique_ptr<QMenu> menu = runs->runMenu(runs->runPaths().first());
        QAction* startFrom = menuAction(menu.get(), "startFromRun");
        QVERIFY(startFrom);
        startFrom->trigger();
        QCOMPARE(QFileInfo(QString::fromStdString(w_->settingsPanel()->config().initFrom)).canonicalFilePath(),
                 QFileInfo(run).canonicalFilePath());
        QCOMPARE(card("conv1")->initBadgeText(), QString("copied"));
        QVERIFY(!w_->dock(StudioPanel::Settings)->visibleRegion().isEmpty());  // brought forward
    }

    void restatIsPartOfTheConfig() {
        QVERIFY(!box()->restatBox()->isEnabled());  // no run: mean/std are computed anyway
        chooseSource(writeReferenceRun(tmp_.filePath("restat.h5")));
        QVERIFY(box()->restatBox()->isEnabled());
        QVERIFY(!w_->settingsPanel()->config().restat);
        transferClickCheck(box()->restatBox());
        QVERIFY(w_->settingsPanel()->config().restat);
    }

    void unreadableRunShowsItsErrorAndNoBadges() {
        const QString bad = test::writeText(tmp_.filePath("broken.h5"), "not a run file");
        chooseSource(bad);
        QVERIFY(box()->reportIsError());
        QVERIFY2(box()->reportText().contains("broken.h5"), qPrintable(box()->reportText()));
        for (NodeItem* item : scene()->nodeItems()) QCOMPARE(item->initBadgeText(), QString());
    }

    // --- Freezing ----------------------------------------------------------------------------

    void snowflakeAndPropertiesToggleTheFreeze() {
        NodeItem* conv1 = card("conv1");
        const QImage before = test::cardImage(scene(), conv1);
        clickSnowflake("conv1");
        QCOMPARE(transferFreezeList(*w_), QStringList{"conv1"});
        QVERIFY(conv1->training().frozen);
        QVERIFY(conv1->toolTip().contains("Frozen"));
        // A frozen card looks it: a grey-blue fill instead of white, a faded accent bar.
        const QImage after = test::cardImage(scene(), conv1);
        QCOMPARE(before.pixelColor(9, 50), canvas::cardFill());
        QVERIFY(after.pixelColor(9, 50) != canvas::cardFill());
        QCOMPARE(before.pixelColor(2, 32), canvas::groupColor("Convolution"));
        QVERIFY(after.pixelColor(2, 32).hsvSaturation() < canvas::groupColor("Convolution").hsvSaturation() * 6 / 10);
        QVERIFY(w_->document()->undoStack()->count() == 0);  // a training setting, not a design edit

        // The properties panel shows it and toggles it.
        PropertyPanel* props = w_->propertyPanel();
        props->setSelection({"conv1"});
        QVERIFY(props->freezeBox()->isChecked());
        props->setSelection({"conv2"});
        QVERIFY(!props->freezeBox()->isChecked());
        transferClickCheck(props->freezeBox());
        QCOMPARE(transferFreezeList(*w_), (QStringList{"conv1", "conv2"}));
        QVERIFY(card("conv2")->training().frozen);
        transferClickCheck(props->freezeBox());
        QCOMPARE(transferFreezeList(*w_), QStringList{"conv1"});

        // The snowflake again: unfrozen.
        clickSnowflake("conv1");
        QVERIFY(transferFreezeList(*w_).isEmpty());
        QVERIFY(!conv1->training().frozen);
    }

    void freezeUpToHereFromTheContextMenu() {
        std::unique_ptr<QMenu> menu = w_->view()->nodeMenu("pool2");
        QAction* upTo = menuAction(menu.get(), "freezeUpTo");
        QVERIFY(upTo && upTo->isEnabled());
        upTo->trigger();
        QCOMPARE(transferFreezeList(*w_), (QStringList{"conv1", "conv2"}));
        QVERIFY(card("conv1")->training().frozen && card("conv2")->training().frozen);
        QVERIFY(!card("fc1")->training().frozen);
        QCOMPARE(box()->frozenLabel()->text(), QString("conv1, conv2"));

        // The menu's Freeze of a frozen node is checked, and unfreezes it.
        menu = w_->view()->nodeMenu("conv2");
        QAction* freeze = menuAction(menu.get(), "freezeNode");
        QVERIFY(freeze && freeze->isChecked());
        freeze->trigger();
        QCOMPARE(transferFreezeList(*w_), QStringList{"conv1"});

        // Up to the head would leave nothing to train: offered disabled.
        menu = w_->view()->nodeMenu("out");
        QVERIFY(!menuAction(menu.get(), "freezeUpTo")->isEnabled());

        // Unfreeze all, in the settings.
        QTest::mouseClick(box()->unfreezeButton(), Qt::LeftButton);
        QVERIFY(transferFreezeList(*w_).isEmpty());
    }

    void nodesWithoutParametersCannotBeFrozen() {
        std::unique_ptr<QMenu> menu = w_->view()->nodeMenu("relu1");
        QAction* freeze = menuAction(menu.get(), "freezeNode");
        QVERIFY(freeze && !freeze->isEnabled());
        QVERIFY(freeze->toolTip().contains("parameters"));
        PropertyPanel* props = w_->propertyPanel();
        props->setSelection({"relu1"});
        QVERIFY(!props->freezeBox()->isEnabled());
        QVERIFY(props->freezeBox()->toolTip().contains("parameters"));
        // No snowflake on its card, even selected.
        scene()->selectNodes({"relu1"});
        QVERIFY(!card("relu1")->freezeToggleShown());
        w_->transferController()->setFrozen("relu1", true);
        QVERIFY(transferFreezeList(*w_).isEmpty());
    }

    void aFreezeOfEverythingIsRefusedBeforeTraining() {
        w_->datasetPanel()->setTrainFolder(tmp_.filePath("no-images"));
        for (const char* id : {"conv1", "conv2", "fc1", "fc2"}) w_->transferController()->setFrozen(id, true);
        QVERIFY2(box()->freezeProblem().contains("nothing") || box()->freezeProblem().contains("every layer"),
                 qPrintable(box()->freezeProblem()));
        QString error;
        QVERIFY(!w_->startTraining(&error));
        QVERIFY2(error.contains("every layer"), qPrintable(error));
        QVERIFY(!error.contains("--freeze"));
        QVERIFY(!w_->document()->isLocked());
    }

    void settingsAreRememberedPerDesign() {
        const QString run = writeReferenceRun(tmp_.filePath("remembered.h5"));
        const QString cnn = w_->designPath();
        chooseSource(run);
        clickSnowflake("conv1");
        QCOMPARE(transferFreezeList(*w_), QStringList{"conv1"});

        const QString other = test::writeText(tmp_.filePath("mlp.strata.json"), transferTemplateText("mlp"));
        QVERIFY(w_->openDesign(other));
        QVERIFY(w_->settingsPanel()->config().initFrom.empty());
        QVERIFY(transferFreezeList(*w_).isEmpty());
        for (NodeItem* item : scene()->nodeItems()) QVERIFY(!item->training().frozen);

        QVERIFY(w_->openDesign(cnn));
        QCOMPARE(QString::fromStdString(w_->settingsPanel()->config().initFrom), run);
        QCOMPARE(transferFreezeList(*w_), QStringList{"conv1"});
        QVERIFY(card("conv1")->training().frozen);
        QCOMPARE(card("conv1")->initBadgeText(), QString("copied"));  // a small run is read at once
    }

    // --- Replace head ------------------------------------------------------------------------

    void replaceHeadIsOneUndoableEdit() {
        QVERIFY(w_->document()->setParam("fc2", "out_features", 5));
        QVERIFY(!menuAction(w_->view()->nodeMenu("fc1").get(), "replaceHead"));  // not the head
        std::unique_ptr<QMenu> menu = w_->view()->nodeMenu("fc2");
        QAction* head = menuAction(menu.get(), "replaceHead");
        QVERIFY(head && head->isEnabled());
        head->trigger();
        QCOMPARE(w_->document()->design().findNode("fc2")->params.at("out_features"), nlohmann::json("classes"));
        QVERIFY(!menuAction(w_->view()->nodeMenu("fc2").get(), "replaceHead")->isEnabled());  // done
        QVERIFY(w_->document()->undo());
        QCOMPARE(w_->document()->design().findNode("fc2")->params.at("out_features"), nlohmann::json(5));
    }

    // --- Gradient heat map -------------------------------------------------------------------

    void frozenLayerRowPaintsEmpty() {
        GradientHeatmap view;
        view.resize(600, 300);
        GradientHistory h;
        h.layers = {"conv1", "conv2", "fc1"};
        h.steps = {10, 20, 30, 40};
        const float nan = std::numeric_limits<float>::quiet_NaN();
        h.norms = {0.5f, 0.4f, 0.3f, 0.2f, nan, nan, nan, nan, 0.01f, 0.02f, 0.03f, 0.04f};
        view.setHistory(h);
        view.plot()->replot();
        const QImage image = view.plot()->toPixmap().toImage();
        QCPAxis* x = view.plot()->xAxis;
        QCPAxis* y = view.plot()->yAxis;
        const QColor hatch = GradientHeatmap::emptyHatch();
        for (double step : {10.0, 20.0, 30.0, 40.0}) {
            // The frozen row: white or the hatch, never a colour of the scale.
            for (int dy = -3; dy <= 3; ++dy) {
                const QColor c = image.pixelColor(int(x->coordToPixel(step)), int(y->coordToPixel(1)) + dy);
                QVERIFY2(c == QColor(Qt::white) || c == hatch, qPrintable(c.name()));
            }
            // A trained row is painted by the colour scale (small norms: dark).
            const QColor low = image.pixelColor(int(x->coordToPixel(step)), int(y->coordToPixel(2)));
            QVERIFY2(low.lightness() < 128, qPrintable(low.name()));
        }
        auto ticker = y->ticker().dynamicCast<QCPAxisTickerText>();
        QVERIFY(ticker);
        QCOMPARE(ticker->ticks().value(1), QString("conv2 (frozen)"));
        QCOMPARE(ticker->ticks().value(0), QString("conv1"));
    }
};

STRATA_TEST_MAIN(TransferStudioTest)
#include "test_transfer_studio.moc"
