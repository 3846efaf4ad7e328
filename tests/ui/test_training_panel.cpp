// The training panel with a real trainer: settings form round trips (and per-design memory in
// QSettings), a tiny training driven through the buttons (Train, Pause, Resume) with live
// plots and a run file, Stop mid-run, and errors for bad input. The panel observes a
// TrainingSession and sends its buttons' requests to it, as the studio's TrainingFlow wires
// them. Offscreen, real threads.
//
// Waiting uses spinUntil() rather than QTRY_*: QTest's waits sleep 10 ms between polls,
// which the stall probe would count as stalls of the UI thread.
#include <QtTest/QtTest>

#include <QComboBox>
#include <QEventLoop>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <functional>

#include "design/Design.h"
#include "widgets/FloatSpinBox.h"
#include "support/TestData.h"
#include "training/EpochPlot.h"
#include "training/LossPlot.h"
#include "training/RatePlot.h"
#include "support/StallProbe.h"
#include "training/TrainingPanel.h"
#include "training/TrainingSettingsPanel.h"

using namespace strata;

namespace {

const QStringList kClasses = {"circle", "square", "stripe"};
constexpr int kPerClass = 30;
constexpr int kSize = 16;
constexpr int kLongWaitMs = 120000;

// Runs the event loop (no sleeping) until `done` holds or `timeoutMs` passes.
bool spinUntil(const std::function<bool()>& done, int timeoutMs) {
    QElapsedTimer clock;
    clock.start();
    QTimer wake;  // wakes the loop even when nothing else happens
    wake.start(10);
    while (!done()) {
        if (clock.elapsed() > timeoutMs) return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }
    return true;
}

void spinFor(int ms) { spinUntil([] { return false; }, ms); }

Design tinyDesign() { return parseDesign(test::tinyCnnDesign(kSize).toStdString(), "<test>"); }

void verifyIdle(const TrainingPanel& panel) {
    QVERIFY(panel.trainButton()->isEnabled());
    QVERIFY(!panel.pauseButton()->isEnabled());
    QVERIFY(!panel.stopButton()->isEnabled());
    QCOMPARE(panel.pauseButton()->text(), QString("Pause"));
}

// Every setting of the form (and the feature settings, which come with the base config).
bool sameSettings(const TrainConfig& a, const TrainConfig& b) {
    return a.epochs == b.epochs && a.batchSize == b.batchSize && a.optimizer == b.optimizer && a.lr == b.lr &&
           a.momentum == b.momentum && a.weightDecay == b.weightDecay && a.schedule == b.schedule &&
           a.augment == b.augment && a.seed == b.seed && a.threads == b.threads && a.precision == b.precision &&
           a.features == b.features && a.probeImage == b.probeImage;
}

TrainConfig customSettings() {
    TrainConfig c;
    c.epochs = 7;
    c.batchSize = 32;
    c.optimizer = "sgd";
    c.lr = 3e-5;
    c.momentum = 0.85;
    c.weightDecay = 5e-4;
    c.schedule = "cosine";
    c.augment = "flip+crop";
    c.seed = 42;
    c.threads = 3;
    c.precision = "bf16";
    return c;
}

// A panel following its own session, the buttons' requests answered as the studio does;
// Train starts `design` with `config`.
struct Rig {
    TrainingSession session;
    TrainingPanel panel;
    QString startError;
    bool started = false;

    Rig(const Design& design, const TrainConfig& config) {
        panel.observe(&session);
        QObject::connect(&panel, &TrainingPanel::trainRequested, &panel, [this, design, config] {
            started = session.start(design, config, &startError);
            if (!started) panel.showError(startError);
        });
        QObject::connect(&panel, &TrainingPanel::pauseRequested, &session, &TrainingSession::pause);
        QObject::connect(&panel, &TrainingPanel::resumeRequested, &session, &TrainingSession::resume);
        QObject::connect(&panel, &TrainingPanel::stopRequested, &session, &TrainingSession::stop);
        QObject::connect(&session, &TrainingSession::ended, &panel, &TrainingPanel::showResult);
    }
};

TrainResult resultOf(const QSignalSpy& ended, int i = 0) { return ended.at(i).at(0).value<TrainResult>(); }

}  // namespace

class TestTrainingPanel : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    QString data_;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("StrataTest");
        QCoreApplication::setApplicationName("strata-training-panel-test");
        QSettings().remove("training");
        QVERIFY(tmp_.isValid());
        data_ = tmp_.filePath("data");
        test::makeImageFolder(data_, kClasses, kPerClass, kSize, /*seed=*/7);
    }

    // --- Settings form ---------------------------------------------------------------------

    void settingsStartWithDefaults() {
        TrainingSettingsPanel form;
        QVERIFY(sameSettings(form.config(), TrainConfig()));
        QCOMPARE(form.threadsBox()->text(), QString("auto"));
        QCOMPARE(form.optimizerBox()->currentText(), QString("adam"));
    }

    void settingsRoundTrip() {
        TrainingSettingsPanel form;
        QSignalSpy changed(&form, &TrainingSettingsPanel::configChanged);
        const TrainConfig custom = customSettings();
        form.setConfig(custom);
        QCOMPARE(changed.count(), 0);  // programmatic: no change signal
        QVERIFY(sameSettings(form.config(), custom));
        QCOMPARE(form.learningRateBox()->text(), QString("3e-05"));

        // Paths and resume come from the base config, untouched.
        TrainConfig base;
        base.data = "/data/train";
        base.run = "/runs/a.h5";
        base.valSplit = 0.2;
        base.features = true;
        base.probeImage = "/data/probe.png";
        const TrainConfig filled = form.config(base);
        QCOMPARE(filled.data, std::string("/data/train"));
        QCOMPARE(filled.run, std::string("/runs/a.h5"));
        QCOMPARE(filled.valSplit, 0.2);
        QVERIFY(filled.features);
        QCOMPARE(filled.probeImage, std::string("/data/probe.png"));
        QCOMPARE(filled.precision, std::string("bf16"));
        QCOMPARE(filled.epochs, 7);
        filled.validate();  // a valid config

        // A user edit emits configChanged.
        form.epochsBox()->setValue(9);
        QCOMPARE(changed.count(), 1);
    }

    void settingsRememberedPerDesign() {
        const QString keyA = "/designs/a.strata.json", keyB = "/designs/b.strata.json";
        QVERIFY(TrainingSettingsPanel::settingsGroup(keyA) != TrainingSettingsPanel::settingsGroup(keyB));
        QVERIFY(TrainingSettingsPanel::settingsGroup(keyA).startsWith("training/"));
        {
            TrainingSettingsPanel form;
            form.setConfig(customSettings());
            form.save(keyA);
        }
        TrainingSettingsPanel form;
        QVERIFY(form.load(keyA));
        QVERIFY(sameSettings(form.config(), customSettings()));
        QVERIFY(!form.load(keyB));  // never saved: defaults
        QVERIFY(sameSettings(form.config(), TrainConfig()));
        QVERIFY(form.load(keyA));
        QVERIFY(sameSettings(form.config(), customSettings()));
    }

    void settingsReadOnlyWhileTraining() {
        TrainingSettingsPanel form;
        QVERIFY(form.epochsBox()->isEnabled());
        form.setReadOnly(true);
        for (QWidget* w : form.findChildren<QWidget*>())
            if (qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QComboBox*>(w)) QVERIFY(!w->isEnabled());
        form.setReadOnly(false);
        QVERIFY(form.epochsBox()->isEnabled());
        QVERIFY(form.optimizerBox()->isEnabled());
    }

    // --- Plots alone ----------------------------------------------------------------------

    void lossPlotSmoothsWithBiasCorrection() {
        LossPlot plot;
        plot.addBatch(1, 2.0);
        QCOMPARE(plot.smoothedLoss(), 2.0);  // bias-corrected: the first point is itself
        for (int i = 2; i <= 200; ++i) plot.addBatch(i, 1.0);
        QVERIFY(plot.smoothedLoss() < 1.01 && plot.smoothedLoss() > 1.0);
        plot.addBatch(201, std::nan(""));  // ignored
        QCOMPARE(plot.pointCount(), 200);
        QVERIFY(plot.isDirty());
        plot.flush();
        QVERIFY(!plot.isDirty());
        plot.clear();
        QCOMPARE(plot.pointCount(), 0);
    }

    void epochPlotOverlays() {
        EpochPlot plot;
        std::vector<EpochRecord> run(4);
        for (int i = 0; i < 4; ++i) {
            run[size_t(i)].epoch = i + 1;
            run[size_t(i)].trainLoss = 1.0 / (i + 1);
            run[size_t(i)].trainAccuracy = 0.5 + 0.1 * i;
            run[size_t(i)].hasVal = true;
            run[size_t(i)].valLoss = 1.2 / (i + 1);
            run[size_t(i)].valAccuracy = 0.45 + 0.1 * i;
        }
        plot.setEpochs(run);
        QCOMPARE(plot.pointCount(), 4);
        plot.addOverlay("run-a", run);
        plot.addOverlay("run-b", run);
        QCOMPARE(plot.overlayCount(), 4);  // loss and accuracy per run
        plot.flush();
        QCOMPARE(plot.legend->itemCount(), 8);
        plot.clear();
        QCOMPARE(plot.pointCount(), 0);
        QCOMPARE(plot.overlayCount(), 4);  // overlays survive clear()
        plot.clearOverlays();
        QCOMPARE(plot.overlayCount(), 0);
        QCOMPARE(plot.graphCount(), 4);
    }

    // --- Training through the buttons -----------------------------------------------------

    void trainsPausesAndResumes() {
        QTemporaryDir runs;
        TrainConfig config;
        config.data = data_.toStdString();
        config.epochs = 3;
        config.batchSize = 16;
        config.threads = 1;
        config.valSplit = 0.2;
        config.run = runs.filePath("tiny.h5").toStdString();
        const Design design = tinyDesign();

        Rig rig(design, config);
        TrainingPanel& panel = rig.panel;
        panel.resize(960, 640);
        panel.show();
        verifyIdle(panel);
        QSignalSpy startedSpy(&rig.session, &TrainingSession::started);
        QSignalSpy ended(&rig.session, &TrainingSession::ended);
        int64_t batchesPerEpoch = 0;
        connect(&rig.session, &TrainingSession::batchDone, &panel,
                [&](const BatchEvent& e) { batchesPerEpoch = e.batches; });

        StallProbe probe;
        probe.start();
        QTest::mouseClick(panel.trainButton(), Qt::LeftButton);
        QVERIFY2(rig.started, qPrintable(panel.lastError()));
        QCOMPARE(startedSpy.count(), 1);
        QVERIFY(!panel.trainButton()->isEnabled());
        QVERIFY(panel.stopButton()->isEnabled());

        QVERIFY(spinUntil([&] { return panel.lossPlot()->pointCount() > 0 || !ended.isEmpty(); }, kLongWaitMs));
        QTest::mouseClick(panel.pauseButton(), Qt::LeftButton);
        QVERIFY2(ended.isEmpty(), "the training ended before Pause could act");
        QCOMPARE(rig.session.state(), TrainingSession::State::Paused);
        QCOMPARE(panel.pauseButton()->text(), QString("Resume"));
        QVERIFY(panel.stopButton()->isEnabled());
        QVERIFY(!panel.trainButton()->isEnabled());

        // Batches already queued may still land; after that, nothing while paused.
        spinFor(150);
        const int pausedAt = panel.lossPlot()->pointCount();
        spinFor(300);
        QCOMPARE(panel.lossPlot()->pointCount(), pausedAt);
        QVERIFY(panel.progressBar()->text().contains("paused"));

        QTest::mouseClick(panel.pauseButton(), Qt::LeftButton);
        QCOMPARE(rig.session.state(), TrainingSession::State::Running);
        QCOMPARE(panel.pauseButton()->text(), QString("Pause"));
        QVERIFY(spinUntil([&] { return !ended.isEmpty(); }, kLongWaitMs));
        probe.stop();

        QCOMPARE(ended.count(), 1);
        QVERIFY2(resultOf(ended).status == TrainResult::Status::Finished, qPrintable(panel.lastError()));
        QCOMPARE(resultOf(ended).runPath, config.run);
        QCOMPARE(resultOf(ended).metrics.epochs.size(), size_t(3));
        QCOMPARE(panel.lastRunPath(), QString::fromStdString(config.run));
        QVERIFY(QFileInfo::exists(panel.lastRunPath()));
        QVERIFY(panel.lastError().isEmpty());
        QCOMPARE(panel.epochPlot()->pointCount(), 3);
        QCOMPARE(panel.epochPlot()->legend->itemCount(), 4);  // train and val, loss and accuracy
        // About 72 training images in batches of 16: 5 batches an epoch.
        QVERIFY(batchesPerEpoch >= 4 && batchesPerEpoch <= 6);
        QCOMPARE(panel.lossPlot()->pointCount(), int(3 * batchesPerEpoch));
        QCOMPARE(panel.ratePlot()->pointCount(), int(3 * batchesPerEpoch));
        QCOMPARE(panel.progressBar()->value(), panel.progressBar()->maximum());
        verifyIdle(panel);

        qInfo("paused at %d of %d batches; UI stall probe: max %.1f ms, mean tick %.2f ms over %lld ticks",
              pausedAt, int(3 * batchesPerEpoch), probe.maxStallMs(), probe.meanIntervalMs(), probe.tickCount());
        QVERIFY2(probe.maxStallMs() < 200, qPrintable(QString("max stall %1 ms").arg(probe.maxStallMs())));

        const QString shots = qEnvironmentVariable("STRATA_TEST_SCREENSHOTS");
        if (!shots.isEmpty()) {
            QDir().mkpath(shots);
            QVERIFY(panel.grab().save(shots + "/training-panel.png"));
            TrainingSettingsPanel form;
            form.resize(280, 330);
            QVERIFY(form.grab().save(shots + "/training-settings.png"));
        }
    }

    void stopMidRun() {
        QTemporaryDir runs;
        TrainConfig config;
        config.data = data_.toStdString();
        config.epochs = 200;
        config.batchSize = 16;
        config.threads = 1;
        config.run = runs.filePath("long.h5").toStdString();
        const Design design = tinyDesign();

        Rig rig(design, config);
        TrainingPanel& panel = rig.panel;
        QSignalSpy ended(&rig.session, &TrainingSession::ended);
        QTest::mouseClick(panel.trainButton(), Qt::LeftButton);
        QVERIFY(spinUntil([&] { return panel.epochPlot()->pointCount() > 0 || !ended.isEmpty(); }, kLongWaitMs));
        QVERIFY(ended.isEmpty());
        QTest::mouseClick(panel.stopButton(), Qt::LeftButton);
        QVERIFY(!panel.stopButton()->isEnabled());  // stopping: no second stop
        QVERIFY(!panel.pauseButton()->isEnabled());
        QVERIFY(spinUntil([&] { return !ended.isEmpty(); }, kLongWaitMs));

        QCOMPARE(resultOf(ended).status, TrainResult::Status::Stopped);
        QCOMPARE(rig.session.state(), TrainingSession::State::Idle);
        QVERIFY(panel.lastError().isEmpty());  // stopping is not an error
        QVERIFY(panel.progressBar()->text().contains("stopped"));
        QVERIFY(panel.epochPlot()->pointCount() >= 1 && panel.epochPlot()->pointCount() < 200);
        QVERIFY(QFileInfo::exists(QString::fromStdString(config.run)));  // the last checkpoint stays
        verifyIdle(panel);
    }

    void missingDataFolderShowsError() {
        QTemporaryDir runs;
        TrainConfig config;
        config.data = tmp_.filePath("no-such-folder").toStdString();
        config.epochs = 1;
        config.threads = 1;
        config.run = runs.filePath("bad.h5").toStdString();
        const Design design = tinyDesign();

        Rig rig(design, config);
        TrainingPanel& panel = rig.panel;
        QSignalSpy ended(&rig.session, &TrainingSession::ended);
        QTest::mouseClick(panel.trainButton(), Qt::LeftButton);
        QVERIFY(spinUntil([&] { return !ended.isEmpty(); }, kLongWaitMs));
        QCOMPARE(resultOf(ended).status, TrainResult::Status::Failed);
        QVERIFY2(panel.lastError().contains("no-such-folder"), qPrintable(panel.lastError()));
        QCOMPARE(panel.lossPlot()->pointCount(), 0);
        QVERIFY(panel.progressBar()->text().contains("failed"));
        verifyIdle(panel);
    }

    void invalidSettingsRefusedBeforeStarting() {
        TrainConfig config;
        config.data = data_.toStdString();
        config.batchSize = 0;
        Rig rig(tinyDesign(), config);
        QSignalSpy startedSpy(&rig.session, &TrainingSession::started);
        QTest::mouseClick(rig.panel.trainButton(), Qt::LeftButton);
        QVERIFY(!rig.started);
        QVERIFY2(rig.startError.contains("batch-size"), qPrintable(rig.startError));
        QCOMPARE(rig.panel.lastError(), rig.startError);
        QCOMPARE(startedSpy.count(), 0);
        QCOMPARE(rig.session.state(), TrainingSession::State::Idle);
        verifyIdle(rig.panel);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(TestTrainingPanel)
#include "test_training_panel.moc"
