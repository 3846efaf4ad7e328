// The studio's Experiments dock (docs/ARCHITECTURE.md §4, experiments §3): a finished
// stabilizers experiment trained for real (2 classes of 8x8 images, a depth-2 stack, 1 epoch:
// a few seconds) and opened from its folder shows its queue, its results table, the variants'
// curves and their gradient heat maps on one colour scale; a scaling experiment written
// without training shows its log-log points, the recorded fit line and b, R² in the legend; a
// running experiment updates the queue's status and progress live; Stop leaves it resumable
// and Resume completes it. The dock is registered for `strata --show experiments`.
// Offscreen, with the settings in Qt's test location.
#include <QtTest/QtTest>

#include <QDockWidget>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "MainWindow.h"
#include "StudioPanel.h"
#include "experiment/ExperimentKinds.h"
#include "experiments/ExperimentCurves.h"
#include "experiments/ExperimentQueue.h"
#include "experiments/ExperimentsPanel.h"
#include "experiments/GradientStrips.h"
#include "experiments/QueueTable.h"
#include "experiments/ResultsTable.h"
#include "experiments/ScalingPlots.h"
#include "insight/GradientHeatmap.h"
#include "support/TestData.h"
#include "widgets/ThrottledPlot.h"

using namespace strata;

namespace {

constexpr int kExperimentWaitMs = 120000;  // a whole tiny experiment, on a busy 2-core machine
constexpr int kLoadWaitMs = 20000;

// Training settings for the tiny experiments: small batches, so each epoch has several
// batches for the progress bar to move through.
TrainConfig expDockConfig(const QString& data, int epochs) {
    TrainConfig c;
    c.data = data.toStdString();
    c.epochs = epochs;
    c.batchSize = 4;
    c.threads = 1;
    c.seed = 3;
    return c;
}

ExperimentInputs expDockInputs(const QString& data, const QString& parent, int epochs) {
    ExperimentInputs in;
    in.config = expDockConfig(data, epochs);
    in.parentFolder = parent;
    return in;
}

// A finished scaling experiment as experiment.json alone: three widths on all the data, two
// fractions at width 1, and the fit the engine would have recorded.
Experiment expDockScaling() {
    Experiment e;
    e.kind = "scaling";
    e.spec = {{"design", "tiny"}, {"widths", {0.5, 1, 2}}, {"fractions", {0.25, 0.5}}};
    auto add = [&e](const char* name, int64_t params, double width, double fraction, double images, double test) {
        ExperimentVariant v;
        v.name = name;
        v.run = std::string(name) + ".h5";  // never written: the dock must not need the runs
        v.status = "done";
        v.parameters = params;
        v.metrics = {{"train_accuracy", 0.99}, {"test_accuracy", test}};
        v.details = {{"width", width}, {"fraction", fraction}, {"images", images}, {"seconds", 2.5}};
        e.variants.push_back(v);
    };
    add("w0.5", 1000, 0.5, 1.0, 800, 0.80);
    add("w1", 4000, 1.0, 1.0, 800, 0.90);
    add("w2", 16000, 2.0, 1.0, 800, 0.95);
    add("w1-f0.25", 4000, 1.0, 0.25, 200, 0.70);
    add("w1-f0.5", 4000, 1.0, 0.5, 400, 0.80);
    e.fit = {{"parameters", {{"a", 3.2}, {"b", 0.5}, {"r2", 0.99}, {"points", 3}}},
             {"images", {{"a", 7.5}, {"b", 0.6}, {"r2", 0.97}, {"points", 3}}}};
    return e;
}

QString expDockLegendText(QCustomPlot* plot, QCPGraph* graph) {
    QCPPlottableLegendItem* item = plot->legend->itemWithPlottable(graph);
    return item ? item->plottable()->name() : QString();
}

}  // namespace

class ExperimentsDockTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString data_;
    QString finished_;  // a stabilizers experiment trained in initTestCase

    // Waits for an opened experiment to be shown.
    static bool openAndWait(ExperimentsPanel& panel, const QString& dir) {
        QSignalSpy loaded(&panel, &ExperimentsPanel::loaded);
        if (!panel.openExperiment(dir)) return false;
        return !loaded.isEmpty() || loaded.wait(kLoadWaitMs);
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("StrataTest");
        QCoreApplication::setApplicationName("strata-ui-test");
        QVERIFY(tmp_.isValid());
        data_ = tmp_.filePath("data");
        test::makeImageFolder(data_, {"a", "b"}, 12, 8, 5);
        // The engine's own run, as `strata experiment stabilizers` makes it.
        finished_ = tmp_.filePath("stab-done");
        StabilizerSpec spec;
        spec.depth = 2;
        spec.blockWidth = 4;
        QElapsedTimer clock;
        clock.start();
        const Experiment e = ExperimentRunner(finished_.toStdString(), 1, {}).start(stabilizerPlan(spec, expDockConfig(data_, 1)));
        qInfo("tiny stabilizers experiment trained in %.1f s", clock.elapsed() / 1000.0);
        QCOMPARE(e.variants.size(), size_t(4));
        for (const ExperimentVariant& v : e.variants) QCOMPARE(QString::fromStdString(v.status), QString("done"));
    }

    void init() { QSettings().clear(); }

    void showsAFinishedExperimentFromItsFolder() {
        ExperimentsPanel panel;
        panel.resize(1400, 500);
        panel.show();
        QVERIFY(openAndWait(panel, finished_));
        QCOMPARE(panel.folder(), QFileInfo(finished_).absoluteFilePath());

        // The queue: every variant done, its bar full.
        QueueTable* queue = panel.queueTable();
        QCOMPARE(queue->table()->rowCount(), 4);
        for (int r = 0; r < 4; ++r) {
            QCOMPARE(queue->statusText(r), QString("done"));
            QCOMPARE(queue->rowBar(r)->value(), QueueTable::kProgressSteps);
        }
        QCOMPARE(queue->overallBar()->value(), QueueTable::kProgressSteps);
        QVERIFY2(queue->overallLabel()->text().startsWith("4 of 4"), qPrintable(queue->overallLabel()->text()));

        // The results table: one row per variant, what sets it apart, its numbers.
        ResultsTable* results = panel.results();
        QCOMPARE(results->rowCount(), 4);
        const QStringList names = {"plain", "batchnorm", "residual", "both"};
        for (int r = 0; r < 4; ++r) QCOMPARE(results->item(r, ResultsTable::VariantColumn)->text(), names[r]);
        QCOMPARE(results->item(0, ResultsTable::DiffersColumn)->text(), QString("\u2014"));
        QCOMPARE(results->item(3, ResultsTable::DiffersColumn)->text(), QString("batchnorm, residual"));
        QVERIFY(results->item(1, ResultsTable::ParametersColumn)->text().toLongLong() > 0 ||
                results->item(1, ResultsTable::ParametersColumn)->text().contains(','));
        QVERIFY(results->item(2, ResultsTable::TrainColumn)->text().endsWith('%'));
        QVERIFY(results->item(2, ResultsTable::TestColumn)->text().isEmpty());  // no --test folder
        QVERIFY(!results->item(2, ResultsTable::TimeColumn)->text().isEmpty());

        // The curves: a train and a validation line per variant in each plot, one epoch each.
        ExperimentCurves* curves = panel.curves();
        QCOMPARE(curves->lossPlot()->graphCount(), 8);
        QCOMPARE(curves->accuracyPlot()->graphCount(), 8);
        QCOMPARE(curves->lossPlot()->legend->itemCount(), 4);  // each variant named once
        for (int v = 0; v < 4; ++v) {
            QCPGraph* train = curves->lossPlot()->graph(2 * v);
            QCOMPARE(train->name(), names[v]);
            QCOMPARE(train->data()->size(), 1);
            QCOMPARE(train->pen().color(), variantColor(v));
        }

        // The heat maps: one per variant, all filled, all on the one shared range.
        GradientStrips* strips = panel.gradients();
        QCOMPARE(strips->mapCount(), 4);
        QCOMPARE(strips->filledCount(), 4);
        const QCPRange shared = strips->sharedRange();
        double lo = std::numeric_limits<double>::infinity(), hi = 0;
        for (const VariantView& v : panel.view().variants) {
            QVERIFY(!v.gradients.steps.empty());
            for (float n : v.gradients.norms)
                if (std::isfinite(n) && n > 0) lo = std::min(lo, double(n)), hi = std::max(hi, double(n));
        }
        QCOMPARE(shared.lower, lo);
        QCOMPARE(shared.upper, hi);
        for (int i = 0; i < 4; ++i) {
            const QCPRange range = strips->heatmap(i)->colorMap()->dataRange();
            QCOMPARE(range.lower, shared.lower);
            QCOMPARE(range.upper, shared.upper);
            QVERIFY(!strips->heatmap(i)->colorScale()->visible());  // the row's one bar instead
        }
        QCOMPARE(strips->colorScale()->dataRange().lower, shared.lower);
        QCOMPARE(strips->colorScale()->dataRange().upper, shared.upper);
        QVERIFY(strips->colorScale()->parentPlot()->isVisible());

        // A stabilizers experiment opens on its heat maps; it has no scaling fit.
        QCOMPARE(panel.tabs()->currentIndex(), int(ExperimentsPanel::GradientsTab));
        QVERIFY(!panel.tabs()->isTabVisible(ExperimentsPanel::ScalingTab));
        QVERIFY(panel.tabs()->isTabVisible(ExperimentsPanel::GradientsTab));
        QVERIFY(!panel.resumeButton()->isEnabled());  // nothing left to resume
        // Start would repeat it: the setup took its kind and settings.
        QCOMPARE(panel.setup()->kind(), ExperimentSetup::Stabilizers);
        QCOMPARE(panel.setup()->depthBox()->value(), 2);
        QCOMPARE(panel.setup()->blockWidthBox()->value(), 4);

        // Activating a variant asks for its run.
        QSignalSpy open(&panel, &ExperimentsPanel::openRunRequested);
        emit results->cellDoubleClicked(1, 0);
        QCOMPARE(open.size(), 1);
        QCOMPARE(open.at(0).at(0).toString(), QDir(finished_).absoluteFilePath("batchnorm.h5"));
        QVERIFY(QFileInfo::exists(open.at(0).at(0).toString()));
    }

    void showsTheScalingFitWithoutItsRuns() {
        const QString dir = tmp_.filePath("scaling");
        QDir().mkpath(dir);
        writeExperimentFile(experimentFileIn(dir.toStdString()), expDockScaling());
        ExperimentsPanel panel;
        panel.resize(1400, 500);
        panel.show();
        QVERIFY(openAndWait(panel, dir));
        QCOMPARE(panel.tabs()->currentIndex(), int(ExperimentsPanel::ScalingTab));
        QVERIFY(panel.tabs()->isTabVisible(ExperimentsPanel::ScalingTab));
        QVERIFY(!panel.tabs()->isTabVisible(ExperimentsPanel::GradientsTab));  // trained without features
        QCOMPARE(panel.setup()->kind(), ExperimentSetup::Scaling);
        QCOMPARE(panel.setup()->widthsEdit()->text(), QString("0.5, 1, 2"));
        QCOMPARE(panel.setup()->fractionsEdit()->text(), QString("0.25, 0.5"));

        ScalingPlots* s = panel.scaling();
        // Against parameters: the three full-data widths; against images: the width-1 three.
        QCOMPARE(s->pointsGraph(ScalingPlots::Parameters)->data()->size(), 3);
        QCOMPARE(s->pointsGraph(ScalingPlots::Images)->data()->size(), 3);
        QCOMPARE(s->pointsGraph(ScalingPlots::Parameters)->data()->at(0)->value, 1.0 - 0.80);
        QCOMPARE(s->plot(ScalingPlots::Parameters)->xAxis->scaleType(), QCPAxis::stLogarithmic);
        QCOMPARE(s->plot(ScalingPlots::Parameters)->yAxis->scaleType(), QCPAxis::stLogarithmic);
        // The recorded fit as the line (error = a x^-b) and its b and R² in the legend.
        QCPGraph* fit = s->fitGraph(ScalingPlots::Parameters);
        QCOMPARE(fit->data()->size(), 2);
        for (auto it = fit->data()->constBegin(); it != fit->data()->constEnd(); ++it)
            QVERIFY(std::abs(it->value - 3.2 * std::pow(it->key, -0.5)) < 1e-9 * it->value);
        const QString legend = expDockLegendText(s->plot(ScalingPlots::Parameters), fit);
        QVERIFY2(legend.contains("b = 0.500") && legend.contains(QString::fromUtf8("R² = 0.990")), qPrintable(legend));
        const QString images = expDockLegendText(s->plot(ScalingPlots::Images), s->fitGraph(ScalingPlots::Images));
        QVERIFY2(images.contains("b = 0.600") && images.contains(QString::fromUtf8("R² = 0.970")), qPrintable(images));
        QVERIFY(expDockLegendText(s->plot(ScalingPlots::Images), s->pointsGraph(ScalingPlots::Images)).contains("test error"));

        // No run files: the table still shows every variant, and activating one opens nothing.
        QCOMPARE(panel.results()->rowCount(), 5);
        QCOMPARE(panel.results()->item(3, ResultsTable::TestColumn)->text(), QString("70.0%"));
        QSignalSpy open(&panel, &ExperimentsPanel::openRunRequested);
        emit panel.results()->cellDoubleClicked(0, 0);
        QVERIFY(open.isEmpty());
    }

    void aRunningExperimentUpdatesTheQueue() {
        ExperimentsPanel panel;
        panel.resize(1400, 500);
        panel.show();
        panel.setInputsSource([this] { return expDockInputs(data_, tmp_.filePath("live"), 2); });
        panel.setup()->setKind(ExperimentSetup::Stabilizers);
        panel.setup()->depthBox()->setValue(2);
        panel.setup()->blockWidthBox()->setValue(4);
        // What the queue showed whenever a batch reached it: (variant, status, bar, overall text).
        struct Seen {
            int index;
            QString status;
            int bar;
            QString overall;
        };
        std::vector<Seen> seen;
        connect(panel.queue(), &ExperimentQueue::variantProgress, &panel, [&](int i, const BatchEvent&) {
            seen.push_back({i, panel.queueTable()->statusText(i), panel.queueTable()->rowBar(i)->value(),
                            panel.queueTable()->overallLabel()->text()});
        });
        bool ended = false, stopped = true;
        connect(&panel, &ExperimentsPanel::finished, &panel, [&](bool s, const QString& error) {
            ended = true;
            stopped = s;
            QVERIFY2(error.isEmpty(), qPrintable(error));
        });
        QString error;
        QVERIFY2(panel.startExperiment(&error), qPrintable(error));
        QVERIFY(!panel.startButton()->isEnabled());
        QVERIFY(panel.stopButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(panel.queueTable()->table()->rowCount() == 4, kLoadWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(ended, kExperimentWaitMs);
        QVERIFY(!stopped);

        // Live: each variant was seen running with its bar moving, and the time left estimated.
        for (int i = 0; i < 4; ++i)
            QVERIFY2(std::any_of(seen.begin(), seen.end(),
                                 [i](const Seen& s) { return s.index == i && s.status == "running" && s.bar > 0; }),
                     qPrintable(QString("variant %1 never seen running with progress").arg(i)));
        QVERIFY(std::any_of(seen.begin(), seen.end(), [](const Seen& s) { return s.overall.contains("about"); }));
        // The end: all done, the curves hold both epochs, the heat maps every variant.
        for (int r = 0; r < 4; ++r) QCOMPARE(panel.queueTable()->statusText(r), QString("done"));
        QCOMPARE(panel.queueTable()->overallBar()->value(), QueueTable::kProgressSteps);
        QCOMPARE(panel.curves()->lossPlot()->graph(0)->data()->size(), 2);
        QCOMPARE(panel.gradients()->filledCount(), 4);
        QVERIFY(panel.startButton()->isEnabled());
        QVERIFY(!panel.stopButton()->isEnabled());
        QVERIFY(panel.folder().startsWith(QFileInfo(tmp_.filePath("live")).absoluteFilePath() + "/stack-stabilizers-"));
    }

    void stopLeavesItResumableAndResumeCompletesIt() {
        constexpr int kEpochs = 3;
        ExperimentsPanel panel;
        panel.resize(1400, 500);
        panel.show();
        panel.setInputsSource([this] { return expDockInputs(data_, tmp_.filePath("stopped"), kEpochs); });
        panel.setup()->depthBox()->setValue(2);
        panel.setup()->blockWidthBox()->setValue(4);
        bool asked = false, stopped = false;
        int runs = 0;
        // Stopped inside the first variant, after its first epoch: it resumes from its run file.
        connect(panel.queue(), &ExperimentQueue::epochDone, &panel, [&](int index, const EpochRecord&) {
            if (index == 0 && !asked) panel.stopExperiment(), asked = true;
        });
        connect(&panel, &ExperimentsPanel::finished, &panel, [&](bool s, const QString&) {
            ++runs;
            stopped = s;
        });
        QVERIFY(panel.startExperiment());
        QTRY_VERIFY_WITH_TIMEOUT(runs == 1, kExperimentWaitMs);
        QVERIFY(stopped);
        const QString dir = panel.folder();
        Experiment onDisk = readExperimentFile(experimentFileIn(dir.toStdString()));
        const auto done = [](const Experiment& e) {
            return std::count_if(e.variants.begin(), e.variants.end(), [](const ExperimentVariant& v) { return v.status == "done"; });
        };
        QStringList statuses;
        for (const ExperimentVariant& v : onDisk.variants) statuses << QString::fromStdString(v.name + ": " + v.status);
        qInfo("stopped at %s", qPrintable(statuses.join(", ")));
        QVERIFY(done(onDisk) < 4);
        QVERIFY(panel.resumeButton()->isEnabled());
        QVERIFY(!panel.stopButton()->isEnabled());
        QVERIFY(panel.queueTable()->overallLabel()->text().contains("Resume"));
        QVERIFY(panel.queueTable()->overallBar()->value() < QueueTable::kProgressSteps);
        QVERIFY(panel.queueTable()->statusText(3) == "pending" || panel.queueTable()->statusText(3) == "stopped");

        QVERIFY(panel.resumeExperiment());
        QTRY_VERIFY_WITH_TIMEOUT(runs == 2, kExperimentWaitMs);
        QVERIFY(!stopped);
        onDisk = readExperimentFile(experimentFileIn(dir.toStdString()));
        QCOMPARE(done(onDisk), 4L);
        for (int r = 0; r < 4; ++r) QCOMPARE(panel.queueTable()->statusText(r), QString("done"));
        // Every variant has all its epochs, the interrupted one too (resumed, not restarted).
        for (int v = 0; v < 4; ++v) QCOMPARE(panel.curves()->lossPlot()->graph(2 * v)->data()->size(), kEpochs);
        QVERIFY(!panel.resumeButton()->isEnabled());
    }

    void refusesWithoutInputsOrWhileRunning() {
        ExperimentsPanel panel;
        QString error;
        QVERIFY(!panel.startExperiment(&error));  // no inputs source
        panel.setInputsSource([] {
            ExperimentInputs in;
            in.problem = "Choose a training image folder in the Dataset panel first.";
            return in;
        });
        QVERIFY(!panel.startExperiment(&error));
        QCOMPARE(error, QString("Choose a training image folder in the Dataset panel first."));
        panel.setInputsSource([this] { return expDockInputs(data_, tmp_.filePath("bad"), 1); });
        panel.setup()->setKind(ExperimentSetup::Scaling);
        panel.setup()->widthsEdit()->setText("0.5, wide");
        QVERIFY(!panel.startExperiment(&error));
        QVERIFY2(error.contains("wide"), qPrintable(error));
        panel.setup()->setKind(ExperimentSetup::Transfer);
        QVERIFY(!panel.startExperiment(&error));  // no source run
        QVERIFY(!panel.resumeExperiment(&error));  // nothing open
        QVERIFY(!QFileInfo::exists(tmp_.filePath("bad")));
    }

    void isADockOfTheStudio() {
        QVERIFY(studioPanelNamed("experiments") == StudioPanel::Experiments);
        MainWindow w;
        w.setAutomation(true);
        QDockWidget* dock = w.dock(StudioPanel::Experiments);
        QVERIFY(dock);
        QCOMPARE(dock->objectName(), QString("experimentsDock"));
        QCOMPARE(dock->widget(), static_cast<QWidget*>(w.experimentsPanel()));
        QVERIFY(w.showPanel(StudioPanel::Experiments));
        // Start takes the studio's data folder: without one it says where to choose it.
        w.setDataFolder(QString());
        QString error;
        QVERIFY(!w.experimentsPanel()->startExperiment(&error));
        QVERIFY2(error.contains("Dataset panel"), qPrintable(error));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(ExperimentsDockTest)
#include "test_experiments_dock.moc"
