// The studio's Experiments dock (docs/ARCHITECTURE.md §4, experiments §3): a finished
// stabilizers experiment trained for real (2 classes of 8x8 images, a depth-2 stack, 1 epoch:
// a few seconds) and opened from its folder shows its queue, its results table, the variants'
// curves and their gradient heat maps on one colour scale; a scaling experiment written
// without training shows its log-log points, the recorded fit line and b, R² in the legend; a
// running experiment updates the queue's status and progress live; Stop leaves it resumable
// and Resume completes it; the variants of the open design make one variant per combination of
// the widths and settings given, train into a folder beside the design file (stabilizers, with
// no design file, under $XDG_DATA_HOME/strata) and open again with the fields as they were.
// The dock is registered for `strata --show experiments`. Offscreen, with the settings in
// Qt's test location and XDG_DATA_HOME in the temporary folder.
#include <QtTest/QtTest>

#include <QCheckBox>
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
#include "experiments/VariantsPage.h"
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

// What the studio hands the dock: the design saved at `designPath` as the open one (none
// when "": an unsaved design), the tiny experiment's settings on `data`.
ExperimentInputs expDockInputs(const QString& data, const QString& designPath, int epochs) {
    ExperimentInputs in;
    if (!designPath.isEmpty()) in.design = loadDesign(designPath.toStdString());
    in.designPath = designPath;
    in.config = expDockConfig(data, epochs);
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
    QString xdg_;       // XDG_DATA_HOME: where experiments without a design file go

    // The tiny CNN saved as `folder`/tiny.strata.json.
    QString saveDesign(const QString& folder) { return test::writeText(tmp_.filePath(folder + "/tiny.strata.json"), test::tinyCnnDesign(8)); }

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
        xdg_ = tmp_.filePath("xdg");
        qputenv("XDG_DATA_HOME", xdg_.toUtf8());
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
        const QString design = saveDesign("live");
        panel.setInputsSource([this, design] { return expDockInputs(data_, design, 2); });
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
        // The stack is no design file: the folder is where the command line puts it, not beside
        // the open design.
        QVERIFY2(panel.folder().startsWith(xdg_ + "/strata/experiments/stabilizers-"), qPrintable(panel.folder()));
        QVERIFY(!QFileInfo::exists(tmp_.filePath("live/experiments")));
    }

    void stopLeavesItResumableAndResumeCompletesIt() {
        constexpr int kEpochs = 3;
        ExperimentsPanel panel;
        panel.resize(1400, 500);
        panel.show();
        panel.setInputsSource([this] { return expDockInputs(data_, QString(), kEpochs); });
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

    // The variants of the open design: one per combination of the values given (the last list
    // turning fastest), the rest of the training settings shared, each from the open design.
    void variantsOfTheOpenDesignMakeTheirPlan() {
        ExperimentSetup setup;
        setup.setKind(ExperimentSetup::Variants);
        QCOMPARE(setup.kindName(), QString("variants"));
        VariantsPage* page = setup.variantsPage();
        page->widthsEdit()->setText("0.5, 1");
        page->lrsEdit()->setText("0.01 0.001");
        page->optimizerBox("sgd")->setChecked(true);
        page->batchSizesEdit()->setText("8");
        QVERIFY2(page->countLabel()->text() == "4 variants, one per combination", qPrintable(page->countLabel()->text()));
        const QString design = saveDesign("plan");
        ExperimentInputs in = expDockInputs(data_, design, 2);
        QString problem;
        const ExperimentQueue::PlanMaker maker = setup.planMaker(in, &problem);
        QVERIFY2(maker, qPrintable(problem));
        const ExperimentPlan plan = maker();
        QCOMPARE(QString::fromStdString(plan.kind), QString("variants"));
        QStringList names;
        for (const PlannedVariant& v : plan.variants) names << QString::fromStdString(v.record.name);
        // Only the lists with several values name the variants.
        QCOMPARE(names, QStringList({"w0.5-lr0.01", "w0.5-lr0.001", "w1-lr0.01", "w1-lr0.001"}));
        for (size_t i = 0; i < plan.variants.size(); ++i) {
            const PlannedVariant& v = plan.variants[i];
            const double width = i < 2 ? 0.5 : 1.0, lr = i % 2 ? 0.001 : 0.01;
            QCOMPARE(v.config.lr, lr);
            QCOMPARE(QString::fromStdString(v.config.optimizer), QString("sgd"));
            QCOMPARE(v.config.batchSize, 8);
            // The rest as the studio's settings say, the same for every variant.
            QCOMPARE(v.config.epochs, 2);
            QCOMPARE(v.config.seed, in.config.seed);
            QCOMPARE(v.config.data, in.config.data);
            QCOMPARE(v.config.dataFraction, 1.0);
            // What sets it apart (the Results table's "Differs by"): the lists with several values.
            QCOMPARE(v.record.details, nlohmann::json({{"width", width}, {"lr", lr}}));
            QCOMPARE(v.design.findNode("conv1")->params.at("out_channels").get<int>(), width == 0.5 ? 4 : 8);
        }
        QCOMPARE(plan.spec.at("widths"), nlohmann::json({0.5, 1.0}));
        QCOMPARE(plan.spec.at("settings").at("lr"), nlohmann::json({0.01, 0.001}));

        // The folder: beside the design file, as its runs; without one, under XDG_DATA_HOME;
        // stabilizers (whose stack is no file) there too.
        const QRegularExpression stamped("/experiments/variants-\\d{8}-\\d{6}$");
        const QString beside = setup.newFolder(in);
        QVERIFY2(beside.startsWith(QFileInfo(tmp_.filePath("plan")).canonicalFilePath() + "/experiments/variants-") &&
                     stamped.match(beside).hasMatch(),
                 qPrintable(beside));
        in.designPath.clear();
        QVERIFY2(setup.newFolder(in).startsWith(xdg_ + "/strata/experiments/variants-"), qPrintable(setup.newFolder(in)));
        in.designPath = design;
        setup.setKind(ExperimentSetup::Stabilizers);
        QVERIFY2(setup.newFolder(in).startsWith(xdg_ + "/strata/experiments/stabilizers-"), qPrintable(setup.newFolder(in)));
    }

    // Started from the dock, the variants train into a folder beside the design, as a normal
    // experiment; opened again, the dock shows its kind and values, so Start repeats it.
    void variantsTrainBesideTheDesignAndOpenAgain() {
        const QString design = saveDesign("variants");
        QString dir;
        {
            ExperimentsPanel panel;
            panel.resize(1400, 500);
            panel.show();
            panel.setInputsSource([this, design] { return expDockInputs(data_, design, 1); });
            panel.setup()->setKind(ExperimentSetup::Variants);
            VariantsPage* page = panel.setup()->variantsPage();
            page->widthsEdit()->setText("0.5");
            page->optimizerBox("sgd")->setChecked(true);
            page->optimizerBox("adam")->setChecked(true);
            bool ended = false;
            connect(&panel, &ExperimentsPanel::finished, &panel, [&](bool stopped, const QString& error) {
                ended = true;
                QVERIFY(!stopped);
                QVERIFY2(error.isEmpty(), qPrintable(error));
            });
            QString error;
            QVERIFY2(panel.startExperiment(&error), qPrintable(error));
            QTRY_VERIFY_WITH_TIMEOUT(ended, kExperimentWaitMs);
            dir = panel.folder();
        }
        QVERIFY2(dir.startsWith(QFileInfo(tmp_.filePath("variants")).canonicalFilePath() + "/experiments/variants-"), qPrintable(dir));
        const Experiment e = readExperimentFile(experimentFileIn(dir.toStdString()));
        QCOMPARE(QString::fromStdString(e.kind), QString("variants"));
        QCOMPARE(e.variants.size(), size_t(2));
        const QStringList names{"sgd", "adam"};
        for (size_t i = 0; i < 2; ++i) {
            const ExperimentVariant& v = e.variants[i];
            QCOMPARE(QString::fromStdString(v.name), names[int(i)]);
            QCOMPARE(QString::fromStdString(v.status), QString("done"));
            QCOMPARE(QString::fromStdString(v.config.at("optimizer").get<std::string>()), names[int(i)]);
            QVERIFY(QFileInfo::exists(QDir(dir).filePath(QString::fromStdString(v.run))));
        }

        ExperimentsPanel reopened;
        reopened.resize(1400, 500);
        reopened.show();
        QVERIFY(openAndWait(reopened, dir));
        QCOMPARE(reopened.setup()->kind(), ExperimentSetup::Variants);
        VariantsPage* page = reopened.setup()->variantsPage();
        QCOMPARE(page->widthsEdit()->text(), QString("0.5"));
        QVERIFY(page->lrsEdit()->text().isEmpty());
        QVERIFY(page->optimizerBox("sgd")->isChecked() && page->optimizerBox("adam")->isChecked());
        QVERIFY(!page->optimizerBox("adamw")->isChecked());
        QCOMPARE(reopened.tabs()->currentIndex(), int(ExperimentsPanel::CurvesTab));
        QCOMPARE(reopened.results()->rowCount(), 2);
        QCOMPARE(reopened.results()->item(1, ResultsTable::DiffersColumn)->text(), QString("optimizer adam"));
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
        const QString design = saveDesign("bad");
        panel.setInputsSource([this, design] { return expDockInputs(data_, design, 1); });
        panel.setup()->setKind(ExperimentSetup::Scaling);
        panel.setup()->widthsEdit()->setText("0.5, wide");
        QVERIFY(!panel.startExperiment(&error));
        QVERIFY2(error.contains("wide"), qPrintable(error));
        panel.setup()->setKind(ExperimentSetup::Transfer);
        QVERIFY(!panel.startExperiment(&error));  // no source run
        QVERIFY(!panel.resumeExperiment(&error));  // nothing open
        panel.setup()->setKind(ExperimentSetup::Variants);
        panel.setup()->variantsPage()->widthsEdit()->clear();
        QVERIFY(!panel.startExperiment(&error));  // nothing to vary
        QVERIFY2(error.contains("at least one"), qPrintable(error));
        panel.setup()->variantsPage()->fractionsEdit()->setText("0.5, 2");
        QVERIFY(!panel.startExperiment(&error));  // refused before anything starts
        QVERIFY2(error.contains("--data-fraction"), qPrintable(error));
        panel.setup()->variantsPage()->fractionsEdit()->setText("0.5");
        panel.setup()->variantsPage()->batchSizesEdit()->setText("8.5");
        QVERIFY(!panel.startExperiment(&error));
        QVERIFY2(error.contains("8.5"), qPrintable(error));
        QVERIFY(!QFileInfo::exists(tmp_.filePath("bad/experiments")));
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
