// The design lock as a user meets it: a real training of a tiny CNN on a generated image
// folder, and while it decodes the data and again while it trains, every way to change or
// replace the design is tried — every action of the registry, their keyboard shortcuts, a
// recent file, a template, a design file and a layer dropped on the canvas, an autosave
// restore, opening and resuming a run, the palette, the property editors and Quit (the
// training is held by Pause meanwhile, so that it cannot end under the attempts). The
// design (its JSON and its file) must stay as it was, and the run must finish and show up in
// the Runs panel of the design's own runs folder.
#include <QtTest/QtTest>

#include <QAction>
#include <QApplication>
#include <QDropEvent>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>

#include "Actions.h"
#include "canvas/LayerMime.h"
#include "MainWindow.h"
#include "Settings.h"
#include "TrainingFlow.h"
#include "canvas/DesignView.h"
#include "data/DatasetPanel.h"
#include "design/Templates.h"
#include "FeaturesController.h"
#include "model/DesignDocument.h"
#include "panels/PalettePanel.h"
#include "panels/PropertyPanel.h"
#include "runs/RunsPanel.h"
#include "support/TestData.h"
#include "training/LossPlot.h"
#include "training/TrainingPanel.h"
#include "training/TrainingSettingsPanel.h"

using namespace strata;

namespace {

constexpr int kTrainTimeoutMs = 180000;

std::string designJson(const MainWindow& w) { return designToString(w.document()->design()); }

// Clicks `button` on the next modal message box, from inside its event loop; gives up after
// a few seconds so that a box that never comes cannot click one of a later test.
void answerNextMessageBox(QMessageBox::StandardButton button, int triesLeft = 200) {
    QTimer::singleShot(20, [button, triesLeft] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (box) QTest::mouseClick(box->button(button), Qt::LeftButton);
        else if (triesLeft > 0) answerNextMessageBox(button, triesLeft - 1);
    });
}

// Drops `mime` on the middle of `target`, as a drag from another application would.
void drop(QWidget* target, QMimeData* mime) {
    const QPointF at = QRectF(target->rect()).center();
    QDragEnterEvent enter(at.toPoint(), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QDropEvent dropped(at, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &dropped);
}

}  // namespace

class DesignLockTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString design_, other_, autosave_;

    // Every way in; each must leave the design alone. `run` is the run being written.
    void tryEverything(MainWindow& w, const QString& run) {
        tryFilesAndTemplates(w, run);
        tryEveryAction(w);
        tryShortcuts(w);
        tryDropsAndPanels(w);
        tryQuit(w);
    }

    void tryFilesAndTemplates(MainWindow& w, const QString& run) {
        // A recent file, from the menu and by its entry point (listed again: a round of
        // actions includes Clear Recent Files, which is allowed).
        Settings::instance().addRecentFile(other_);
        bool listed = false;
        for (QAction* entry : w.recentMenu()->actions())
            if (entry->data().toString() == other_) {
                listed = true;
                QVERIFY(!entry->isEnabled());
                entry->trigger();
            }
        QVERIFY2(listed, "the other design is not among the recent files");
        QVERIFY(!w.openDesign(other_));
        QCOMPARE(w.statusBar()->currentMessage(), w.document()->lockReason());
        // File > New from Template > LeNet-5, and the blank design.
        w.actions()->get("file.template.lenet")->trigger();
        QVERIFY(!w.newDesign("lenet"));
        QVERIFY(!w.newDesign());
        // Save As would move the runs folder under the training.
        QVERIFY(!w.saveAs(tmp_.filePath("moved.strata.json")));
        QVERIFY(!QFile::exists(tmp_.filePath("moved.strata.json")));
        // A crash leftover: refused, and kept for later.
        QVERIFY(!w.restoreAutosave(autosave_));
        QVERIFY(QFile::exists(autosave_));
        // Runs: opening one would put its design on the canvas.
        QVERIFY(!w.training()->openRun(run));
        emit w.runsPanel()->openRequested(run);
        emit w.runsPanel()->resumeRequested(run);
        QVERIFY(!w.training()->resumeRun(run));
        QVERIFY(!w.startTraining());  // a second training
    }

    void tryEveryAction(MainWindow& w) {
        w.view()->selectNodes({"conv1"});
        w.actions()->get("edit.copy")->trigger();  // something to paste
        for (const QString& id : w.actions()->ids()) {
            if (id == QLatin1String("file.quit")) continue;  // tryQuit(), which answers its question
            QAction* action = w.actions()->get(id);
            if (w.actions()->effect(id) != DesignEffect::None) QVERIFY2(!action->isEnabled(), qPrintable(id));
            action->trigger();
        }
    }

    void tryShortcuts(MainWindow& w) {
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        w.view()->setFocus();
        w.view()->selectNodes({"conv1"});
        const QKeyCombination keys[] = {
            Qt::CTRL | Qt::Key_Z, Qt::CTRL | Qt::SHIFT | Qt::Key_Z, Qt::CTRL | Qt::Key_Y, Qt::CTRL | Qt::Key_X,
            Qt::CTRL | Qt::Key_V, Qt::CTRL | Qt::Key_L,            Qt::CTRL | Qt::Key_N, Qt::CTRL | Qt::Key_O,
            Qt::CTRL | Qt::SHIFT | Qt::Key_S, QKeyCombination(Qt::Key_Delete), QKeyCombination(Qt::Key_Backspace)};
        for (QKeyCombination key : keys) QTest::keyClick(w.view(), key.key(), key.keyboardModifiers());
    }

    void tryDropsAndPanels(MainWindow& w) {
        auto* file = new QMimeData;
        file->setUrls({QUrl::fromLocalFile(other_)});
        drop(w.view()->viewport(), file);
        drop(&w, file);
        auto* layer = new QMimeData;
        layer->setData(kLayerMimeType, "ReLU");
        drop(w.view()->viewport(), layer);
        delete file;
        delete layer;
        emit w.palettePanel()->addRequested("ReLU");  // a double-click in the palette
        w.view()->selectNodes({"conv1"});
        w.propertyPanel()->setSelection({"conv1"});
        if (auto* kernel = qobject_cast<QSpinBox*>(w.propertyPanel()->editor("kernel_size"))) kernel->setValue(5);
        QVERIFY(!w.palettePanel()->isEnabled());
        QVERIFY(!w.propertyPanel()->isEnabled());
        QVERIFY(!w.datasetPanel()->isEnabled());
        QVERIFY(w.settingsPanel()->isReadOnly());
    }

    // Quit asks first (not in automation); keeping the training leaves everything as it was.
    void tryQuit(MainWindow& w) {
        w.setAutomation(false);
        answerNextMessageBox(QMessageBox::No);
        w.actions()->get("file.quit")->trigger();
        w.setAutomation(true);
        QVERIFY(w.isVisible());
        QVERIFY(w.training()->isTraining());
    }

    void verifyUnchanged(MainWindow& w, const std::string& before, const char* when) {
        QVERIFY2(designJson(w) == before, when);
        QCOMPARE(w.designPath(), design_);
        QVERIFY2(!w.document()->isModified(), when);
        QVERIFY2(w.document()->isLocked(), when);
        QVERIFY2(w.training()->isTraining(), when);
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("StrataTest");
        QCoreApplication::setApplicationName("strata-design-lock-test");
        QSettings().clear();
        if (qEnvironmentVariableIsEmpty("STRATA_TEMPLATES"))
            qputenv("STRATA_TEMPLATES", STRATA_SOURCE_DIR "/resources/templates");
        QVERIFY(tmp_.isValid());
        test::makeImageFolder(tmp_.filePath("data"), {"a", "b", "c"}, 40, 16, 5);
        design_ = test::writeText(tmp_.filePath("tiny.strata.json"), test::tinyCnnDesign());
        other_ = test::writeText(tmp_.filePath("other.strata.json"), test::tinyResidualDesign());
        autosave_ = tmp_.filePath("leftover.strata.json");
        QVERIFY(QFile::copy(QString::fromStdString(templatePath("mlp")), autosave_));
    }

    void nothingChangesTheDesignWhileItTrains() {
        MainWindow w;
        w.setAutomation(true);
        QVERIFY(w.openDesign(other_));  // now a recent file
        QVERIFY(w.openDesign(design_));
        QVERIFY(Settings::instance().recentFiles().contains(other_));
        w.setDataFolder(tmp_.filePath("data"));
        TrainConfig c = w.settingsPanel()->config();
        c.epochs = 6;
        c.batchSize = 16;
        c.threads = 1;
        w.settingsPanel()->setConfig(c);
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTRY_VERIFY_WITH_TIMEOUT(w.datasetPanel()->isValid(), 10000);
        const std::string before = designJson(w);

        QSignalSpy started(w.training(), &TrainingFlow::trainingStarted);
        QSignalSpy ended(&w, &MainWindow::trainingFinished);
        QPushButton* pause = w.trainingPanel()->pauseButton();
        QTest::mouseClick(w.trainingPanel()->trainButton(), Qt::LeftButton);
        QVERIFY(w.document()->isLocked());  // from the press of Train
        QCOMPARE(started.count(), 1);
        const QString run = started.at(0).at(0).toString();

        // While the data is decoded (the first pass over it), held by Pause before the first
        // batch so that the attempts cannot outlast the training.
        QTest::mouseClick(pause, Qt::LeftButton);
        tryEverything(w, run);
        verifyUnchanged(w, before, "while decoding");

        // While it trains: paused again as soon as the first batch is shown.
        bool pausedAgain = false;
        const auto pauser = connect(w.training()->session(), &TrainingSession::batchDone, &w, [&] {
            if (pausedAgain) return;
            pausedAgain = true;
            pause->click();
        });
        QTest::mouseClick(pause, Qt::LeftButton);  // resume
        QTRY_VERIFY_WITH_TIMEOUT(pausedAgain || !ended.isEmpty(), kTrainTimeoutMs);
        disconnect(pauser);
        QVERIFY2(ended.isEmpty(), "the training ended before the second round");
        QVERIFY(w.trainingPanel()->lossPlot()->pointCount() > 0);
        tryEverything(w, run);
        verifyUnchanged(w, before, "while training");
        QTest::mouseClick(pause, Qt::LeftButton);  // resume

        QTRY_VERIFY_WITH_TIMEOUT(ended.count() == 1, kTrainTimeoutMs);
        const TrainResult result = ended.at(0).at(0).value<TrainResult>();
        QVERIFY2(result.status == TrainResult::Status::Finished, qPrintable(w.trainingPanel()->lastError()));
        QCOMPARE(QString::fromStdString(result.runPath), run);
        QCOMPARE(result.metrics.epochs.size(), size_t(6));
        QCOMPARE(designJson(w), before);
        QCOMPARE(w.designPath(), design_);
        QVERIFY(!w.document()->isLocked());

        // The run is listed where the design's runs go, and the Features dock is about it.
        QCOMPARE(QDir::cleanPath(w.runsPanel()->folder()), QDir::cleanPath(tmp_.filePath("runs")));
        QCOMPARE(QDir::cleanPath(w.training()->runsFolder()), QDir::cleanPath(tmp_.filePath("runs")));
        QTRY_VERIFY_WITH_TIMEOUT(w.runsPanel()->runPaths().contains(run), 5000);
        QCOMPARE(w.featuresController()->run(), run);

        // Unlocked, the same actions work again.
        QVERIFY(w.actions()->get("file.template.lenet")->isEnabled());
        w.actions()->get("file.template.lenet")->trigger();
        QCOMPARE(w.document()->design().name, std::string("lenet"));
        QVERIFY(w.restoreAutosave(autosave_));
        QCOMPARE(w.document()->design().name, std::string("mlp"));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(DesignLockTest)
#include "test_design_lock.moc"
