// The dataset, runs and predict panels without the main window: folder scans in the
// background (classes, counts, thumbnails, warnings, errors naming the path), run listing and
// curve overlays over real run files trained in-process, and classification with a run.
// Real widgets, offscreen; each panel is also rendered once to /tmp/*-panel.png for review.
#include <QtTest/QtTest>

#include <QFile>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>

#include "support/StrataProcess.h"
#include "support/TestData.h"
#include "data/DatasetPanel.h"
#include "design/Design.h"
#include "runs/PredictPanel.h"
#include "runs/RunFile.h"
#include "runs/RunsPanel.h"
#include "train/Trainer.h"

using namespace strata;

namespace {
constexpr int kScanTimeoutMs = 20000;
constexpr int kPredictTimeoutMs = 60000;

// Trains the tiny CNN on `data` into `run` (a few hundred milliseconds).
void train(const QString& data, const QString& run, int epochs, double valSplit) {
    TrainConfig config;
    config.data = data.toStdString();
    config.epochs = epochs;
    config.batchSize = 16;
    config.threads = 1;
    config.valSplit = valSplit;
    config.run = run.toStdString();
    Trainer trainer(parseDesign(test::tinyCnnDesign(16).toStdString(), "<tiny>"), config);
    const TrainResult result = trainer.run();
    QVERIFY2(result.status == TrainResult::Status::Finished, result.error.c_str());
}

bool scanOnce(DatasetPanel& panel, const std::function<void()>& change) {
    QSignalSpy spy(&panel, &DatasetPanel::scanned);
    change();
    return spy.wait(kScanTimeoutMs);
}

QTreeWidgetItem* itemFor(QTreeWidget* tree, const QString& fileName) {
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        if (tree->topLevelItem(i)->toolTip(0).endsWith("/" + fileName) || tree->topLevelItem(i)->text(0) + ".h5" == fileName)
            return tree->topLevelItem(i);
    return nullptr;
}

void render(QWidget& widget, const QString& path, QSize size) {
    widget.resize(size);
    widget.show();
    QCoreApplication::processEvents();
    QTest::qWait(50);  // queued replots and layouts
    QVERIFY(widget.grab().save(path));
}
}  // namespace

class TestDataRunsPanels : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    QString balanced_, imbalanced_, large_, emptyClass_, unreadable_, runs_;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // QSettings under ~/.qttest, not the user's
        QCoreApplication::setOrganizationName("StrataTest");
        QCoreApplication::setApplicationName("strata-data-runs-test");
        QSettings().clear();
        QVERIFY(tmp_.isValid());
        const QString root = tmp_.path();
        balanced_ = root + "/balanced";
        test::makeImageFolder(balanced_, {"coat", "dress", "shirt"}, 20, 16, 1);
        imbalanced_ = root + "/imbalanced";
        test::makeImageFolder(imbalanced_, {"many"}, 30, 16, 2);
        test::makeImageFolder(imbalanced_, {"few"}, 10, 16, 3);
        large_ = root + "/large";
        test::makeImageFolder(large_, {"x", "y"}, 8, 32, 4);
        emptyClass_ = root + "/empty-class";
        test::makeImageFolder(emptyClass_, {"a"}, 4, 16, 5);
        QVERIFY(QDir().mkpath(emptyClass_ + "/b"));
        unreadable_ = root + "/unreadable";
        test::makeImageFolder(unreadable_, {"p", "q"}, 3, 16, 6);
        test::writeText(unreadable_ + "/p/zz-broken.png", "not an image");

        runs_ = root + "/runs";
        train(balanced_, runs_ + "/a.h5", 2, 0.2);
        QTest::qWait(1100);  // "created" has one-second resolution: b is newer
        train(balanced_, runs_ + "/b.h5", 3, 0.0);
        test::writeText(runs_ + "/junk.h5", "this is not HDF5");
    }

    void init() { QSettings().clear(); }

    // ---- dataset panel ----

    void scansClassesCountsAndThumbnails() {
        DatasetPanel panel;
        panel.setInputSpec({1, 16, 16});
        QVERIFY(scanOnce(panel, [&] { panel.setTrainFolder(balanced_); }));
        QVERIFY2(panel.isValid(), qPrintable(panel.lastError()));
        QCOMPARE(panel.classNames(), QStringList({"coat", "dress", "shirt"}));
        QCOMPARE(panel.thumbnailCount(), 18);
        QVERIFY2(panel.warnings().isEmpty(), qPrintable(panel.warnings().join("\n")));
        auto* table = panel.findChild<QTableWidget*>("datasetClasses");
        QVERIFY(table);
        QCOMPARE(table->rowCount(), 3);
        for (int row = 0; row < 3; ++row) QCOMPARE(table->item(row, 1)->text(), QString("20"));
        QCOMPARE(panel.trainFolder(), balanced_);
    }

    void warnsAboutImbalance() {
        DatasetPanel panel;
        panel.setInputSpec({1, 16, 16});
        QVERIFY(scanOnce(panel, [&] { panel.setTrainFolder(imbalanced_); }));
        QVERIFY(panel.isValid());
        QCOMPARE(panel.warnings().size(), 1);
        QVERIFY2(panel.warnings().first().contains("imbalanced") && panel.warnings().first().contains("3.0"),
                 qPrintable(panel.warnings().first()));
        // The warning offers its fix, and a click asks for it.
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(panel.balanceButton()->isVisible());
        QSignalSpy fix(&panel, &DatasetPanel::classWeightsRequested);
        QTest::mouseClick(panel.balanceButton(), Qt::LeftButton);
        QCOMPARE(fix.count(), 1);
        QVERIFY(scanOnce(panel, [&] { panel.setTrainFolder(balanced_); }));
        QVERIFY(!panel.balanceButton()->isVisible());
    }

    void warnsAboutResizing() {
        DatasetPanel panel;
        panel.setInputSpec({1, 16, 16});
        QVERIFY(scanOnce(panel, [&] { panel.setTrainFolder(large_); }));
        QVERIFY(panel.isValid());
        QCOMPARE(panel.warnings().size(), 1);
        QVERIFY2(panel.warnings().first().contains("32×32") && panel.warnings().first().contains("16×16"),
                 qPrintable(panel.warnings().first()));
        // A new Input size rescans.
        QVERIFY(scanOnce(panel, [&] { panel.setInputSpec({1, 32, 32}); }));
        QVERIFY(panel.warnings().isEmpty());
    }

    void warnsAboutUnreadableSamples() {
        DatasetPanel panel;
        panel.setInputSpec({1, 16, 16});
        QVERIFY(scanOnce(panel, [&] { panel.setTrainFolder(unreadable_); }));
        QVERIFY(panel.isValid());
        QCOMPARE(panel.thumbnailCount(), 6);
        QCOMPARE(panel.warnings().size(), 1);
        QVERIFY2(panel.warnings().first().contains("unreadable") && panel.warnings().first().contains("zz-broken.png"),
                 qPrintable(panel.warnings().first()));
    }

    void errorsNameTheFolder() {
        DatasetPanel panel;
        QVERIFY(scanOnce(panel, [&] { panel.setTrainFolder(emptyClass_); }));
        QVERIFY(!panel.isValid());
        QVERIFY2(panel.lastError().contains(emptyClass_ + "/b"), qPrintable(panel.lastError()));
        QVERIFY(panel.classNames().isEmpty());

        const QString missing = tmp_.path() + "/no-such-folder";
        QVERIFY(scanOnce(panel, [&] { panel.setTrainFolder(missing); }));
        QVERIFY(!panel.isValid());
        QVERIFY2(panel.lastError().contains(missing), qPrintable(panel.lastError()));
        render(panel, "/tmp/dataset-panel-error.png", {520, 240});

        // A validation folder with other classes is an error too; a fitting one is fine.
        QVERIFY(scanOnce(panel, [&] {
            panel.setTrainFolder(balanced_);
            panel.setValFolder(large_);
        }));
        QVERIFY(!panel.isValid());
        QVERIFY2(panel.lastError().contains(large_), qPrintable(panel.lastError()));
        QVERIFY(scanOnce(panel, [&] { panel.setValFolder(balanced_); }));
        QVERIFY(panel.isValid());
    }

    void validationChoiceAndSettings() {
        QSettings().clear();
        {
            DatasetPanel panel;
            QCOMPARE(panel.valSplit(), 0.0);
            panel.setValSplit(0.2);
            QCOMPARE(panel.valSplit(), 0.2);
            QCOMPARE(panel.valFolder(), QString());
            panel.setValFolder(large_);
            QCOMPARE(panel.valSplit(), 0.0);
            QCOMPARE(panel.valFolder(), large_);
            panel.setTestFolder(balanced_);
            QSignalSpy changed(&panel, &DatasetPanel::foldersChanged);
            QVERIFY(scanOnce(panel, [&] { panel.setTrainFolder(balanced_); }));
            QCOMPARE(changed.count(), 1);
        }
        DatasetPanel restored;  // remembers the folders and scans them
        QCOMPARE(restored.trainFolder(), balanced_);
        QCOMPARE(restored.valFolder(), large_);
        QCOMPARE(restored.testFolder(), balanced_);
        QSignalSpy spy(&restored, &DatasetPanel::scanned);
        QVERIFY(spy.wait(kScanTimeoutMs));
        QSettings().clear();
    }

    void defaultTrainFolderIsFashionMnistOrNothing() {
        const QString dir = DatasetPanel::defaultTrainFolder();
        if (!dir.isEmpty()) {
            QVERIFY(QFileInfo(dir).isDir());
            QVERIFY2(dir.endsWith("datasets/fashion-mnist/train"), qPrintable(dir));
        }
    }

    // Deleting the panel during a scan returns within a bound (the scan is asked to stop and
    // waited for) and its result never arrives: no scanned(), no call into the freed panel.
    void destroyedWhileScanning() {
        auto* panel = new DatasetPanel;
        QObject receiver;
        int scans = 0;
        connect(panel, &DatasetPanel::scanned, &receiver, [&scans] { ++scans; });
        panel->setTrainFolder(balanced_);
        for (int i = 0; i < 50 && !panel->isScanning(); ++i) QCoreApplication::processEvents();  // the scan starts
        QVERIFY(panel->isScanning());
        QCOMPARE(scans, 0);
        QElapsedTimer timer;
        timer.start();
        delete panel;
        QVERIFY2(timer.elapsed() < kScanTimeoutMs, qPrintable(QString::number(timer.elapsed())));
        QTest::qWait(50);  // a result queued before the delete would be delivered here
        QCOMPARE(scans, 0);
    }

    void renderDatasetPanel() {
        DatasetPanel panel;
        panel.setInputSpec({1, 28, 28});
        QVERIFY(scanOnce(panel, [&] {
            panel.setTrainFolder(imbalanced_);
            panel.setValSplit(0.1);
        }));
        render(panel, "/tmp/dataset-panel.png", {520, 420});

        // The setup's Fashion-MNIST folder, when present: 60,000 files scanned in the background.
        const QString fashion = DatasetPanel::defaultTrainFolder();
        if (!fashion.isEmpty()) {
            QElapsedTimer timer;
            timer.start();
            QVERIFY(scanOnce(panel, [&] { panel.setTrainFolder(fashion); }));
            qInfo("Fashion-MNIST scanned in %lld ms", timer.elapsed());
            QCOMPARE(panel.classNames().size(), 10);
            render(panel, "/tmp/dataset-panel-fashion.png", {520, 720});
        }
        QSettings().clear();
    }

    // ---- runs panel ----

    void listsRuns() {
        RunsPanel panel;
        panel.setFolder(runs_);
        QCOMPARE(panel.runCount(), 3);
        auto* tree = panel.findChild<QTreeWidget*>("runsTree");
        QVERIFY(tree);
        QTreeWidgetItem* a = itemFor(tree, "a.h5");
        QTreeWidgetItem* b = itemFor(tree, "b.h5");
        QTreeWidgetItem* junk = itemFor(tree, "junk.h5");
        QVERIFY(a && b && junk);
        QVERIFY(tree->indexOfTopLevelItem(b) < tree->indexOfTopLevelItem(a));  // newest first

        QCOMPARE(a->text(1), QString("tiny-cnn"));
        QCOMPARE(a->text(3), QString("2"));
        QCOMPARE(b->text(3), QString("3"));
        const RunData runA = readRunSummary((runs_ + "/a.h5").toStdString());
        const auto& val = runA.epochMetrics.at("val_accuracy");
        const double bestA = *std::max_element(val.begin(), val.end());
        QCOMPARE(a->text(4), QString("%1 % (val)").arg(100 * bestA, 0, 'f', 1));
        // No validation, no test: the last epoch's training accuracy, marked.
        const RunData runB = readRunSummary((runs_ + "/b.h5").toStdString());
        const double finalTrainB = runB.epochMetrics.at("train_accuracy").back();
        QCOMPARE(b->text(4), QString("%1 % (train)").arg(100 * finalTrainB, 0, 'f', 1));
        QVERIFY(!a->text(5).isEmpty());

        // The unreadable file: listed, greyed, not selectable, the reason as tooltip.
        QCOMPARE(junk->text(1), QString("unreadable"));
        QVERIFY(!(junk->flags() & Qt::ItemIsSelectable));
        QVERIFY(junk->toolTip(0).contains("junk.h5"));
    }

    void overlaysSelectedRuns() {
        RunsPanel panel;
        panel.setFolder(runs_);
        QCOMPARE(panel.overlayGraphCount(), 0);
        QSignalSpy selection(&panel, &RunsPanel::selectionChanged);
        const QString a = runs_ + "/a.h5", b = runs_ + "/b.h5";
        panel.selectRuns({a, b, runs_ + "/junk.h5"});
        QCOMPARE(selection.count(), 1);
        QCOMPARE(selection.last().at(0).toStringList().size(), 2);
        QCOMPARE(panel.overlayGraphCount(), 2 + 1);  // a: val + train; b: train only
        panel.selectRuns({a});
        QCOMPARE(panel.overlayGraphCount(), 2);

        // Refresh keeps the selection.
        panel.refresh();
        QCOMPARE(panel.selectedRuns(), QStringList({a}));
        render(panel, "/tmp/runs-panel-one.png", {640, 480});
        panel.selectRuns({a, b});
        render(panel, "/tmp/runs-panel.png", {640, 480});
        render(panel, "/tmp/runs-panel-wide.png", {1100, 300});  // as in a bottom dock
    }

    void openAndResume() {
        RunsPanel panel;
        panel.setFolder(runs_);
        panel.resize(640, 480);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* tree = panel.findChild<QTreeWidget*>("runsTree");
        QTreeWidgetItem* a = itemFor(tree, "a.h5");
        QSignalSpy open(&panel, &RunsPanel::openRequested);
        const QPoint at = tree->visualItemRect(a).center();
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, at);
        QTest::mouseDClick(tree->viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(open.count(), 1);
        QCOMPARE(open.first().at(0).toString(), runs_ + "/a.h5");

        QPushButton* resume = nullptr;
        for (auto* button : panel.findChildren<QPushButton*>())
            if (button->text() == "Resume") resume = button;
        QVERIFY(resume);
        QSignalSpy resumed(&panel, &RunsPanel::resumeRequested);
        panel.selectRuns({runs_ + "/b.h5"});
        QVERIFY(resume->isEnabled());
        resume->click();
        QCOMPARE(resumed.count(), 1);
        QCOMPARE(resumed.first().at(0).toString(), runs_ + "/b.h5");
        panel.selectRuns({runs_ + "/a.h5", runs_ + "/b.h5"});
        QVERIFY(!resume->isEnabled());
    }

    // `strata runs DIR` and the runs panel list the same runs in the same order with the same
    // best accuracy and the same label (val, test or train): one definition, core/runs/RunSummary.
    void commandLineAndPanelAgree() {
        const QString dir = tmp_.path() + "/agree";
        QVERIFY(QDir().mkpath(dir));
        for (const char* name : {"a.h5", "b.h5", "junk.h5"})  // a: validation; b: neither
            QVERIFY(QFile::copy(runs_ + "/" + name, dir + "/" + name));
        RunData withTest = readRunFile((runs_ + "/b.h5").toStdString());  // no validation, a test
        withTest.created = "2000-01-01T00:00:00Z";
        withTest.hasTest = true;
        withTest.testLoss = 0.5;
        withTest.testAccuracy = 0.625;
        writeRunFile((dir + "/c.h5").toStdString(), withTest);

        const test::StrataRun cli = test::runStrata({"runs", dir});
        QVERIFY2(cli.code == 0, qPrintable(cli.err));
        QVERIFY2(cli.err.contains("junk.h5"), qPrintable(cli.err));
        QList<QStringList> cliRows;  // run, design, epochs done, label; then the best in percent
        QList<double> cliBest;
        static const QRegularExpression line(R"(^(\S+)\s+(\S+)\s+\S+\s+(\d+)(?:/\d+)?\s+([0-9.]+) \((val|test|train)\))");
        for (const QString& text : cli.out.split('\n', Qt::SkipEmptyParts).mid(1)) {  // after the header
            const QRegularExpressionMatch m = line.match(text);
            QVERIFY2(m.hasMatch(), qPrintable(text));
            cliRows << QStringList{m.captured(1), m.captured(2), m.captured(3), m.captured(5)};
            cliBest << 100 * m.captured(4).toDouble();
        }

        RunsPanel panel;
        panel.setFolder(dir);
        auto* tree = panel.findChild<QTreeWidget*>("runsTree");
        QList<QStringList> panelRows;
        QList<double> panelBest;
        static const QRegularExpression best(R"(^([0-9.]+) % \((val|test|train)\)$)");
        for (int i = 0; i < tree->topLevelItemCount(); ++i) {
            const QTreeWidgetItem* item = tree->topLevelItem(i);
            if (item->text(1) == "unreadable") continue;  // the command line skips it with a warning
            const QRegularExpressionMatch m = best.match(item->text(4));
            QVERIFY2(m.hasMatch(), qPrintable(item->text(4)));
            panelRows << QStringList{item->text(0) + ".h5", item->text(1), item->text(3), m.captured(2)};
            panelBest << m.captured(1).toDouble();
        }
        QCOMPARE(panelRows, cliRows);
        QCOMPARE(panelRows.size(), 3);
        QCOMPARE(QStringList({panelRows[0][3], panelRows[1][3], panelRows[2][3]}), QStringList({"train", "val", "test"}));
        for (int i = 0; i < cliBest.size(); ++i)  // 4 decimals of a fraction vs 1 of a percentage
            QVERIFY2(std::abs(panelBest[i] - cliBest[i]) <= 0.051, qPrintable(QString("%1 vs %2").arg(panelBest[i]).arg(cliBest[i])));
        QCOMPARE(panelBest[2], 62.5);
    }

    void emptyOrMissingFolder() {
        RunsPanel panel;
        panel.setFolder(tmp_.path() + "/no-runs-here");
        QCOMPARE(panel.runCount(), 0);
        panel.refresh();
        QCOMPARE(panel.overlayGraphCount(), 0);
    }

    void defaultRunsFolderRules() {
        const QByteArray saved = qgetenv("XDG_DATA_HOME");
        qputenv("XDG_DATA_HOME", "/tmp/strata-xdg");
        QCOMPARE(RunsPanel::defaultRunsFolder(QString()), QString("/tmp/strata-xdg/strata/runs"));
        qunsetenv("XDG_DATA_HOME");
        const QString home = QDir::homePath() + "/.local/share/strata/runs";
        QCOMPARE(RunsPanel::defaultRunsFolder(QString()), home);

        // A design in a writable folder: runs beside it.
        const QString design = test::writeText(tmp_.path() + "/designs/net.strata.json", test::tinyCnnDesign());
        QCOMPARE(RunsPanel::defaultRunsFolder(design), QDir(tmp_.path()).canonicalPath() + "/designs/runs");
        // Installed templates (and the source tree's): the data folder.
        const QString installed =
            test::writeText(tmp_.path() + "/usr/share/strata/templates/lenet.strata.json", test::tinyCnnDesign());
        QCOMPARE(RunsPanel::defaultRunsFolder(installed), home);
        QCOMPARE(RunsPanel::defaultRunsFolder(QString(STRATA_SOURCE_DIR) + "/resources/templates/lenet.strata.json"),
                 home);
        // A folder that is not writable (skipped when running as root, who may write anywhere).
        const QString locked = tmp_.path() + "/locked";
        QVERIFY(QDir().mkpath(locked));
        QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::ExeOwner);
        if (!QFileInfo(locked).isWritable())
            QCOMPARE(RunsPanel::defaultRunsFolder(locked + "/net.strata.json"), home);
        QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        if (!saved.isEmpty()) qputenv("XDG_DATA_HOME", saved);
    }

    // ---- predict panel ----

    void classifiesImages() {
        PredictPanel panel;
        auto* add = panel.findChild<QPushButton*>("addImages");
        QVERIFY(add && !add->isEnabled());  // no run yet
        panel.setRun(runs_ + "/a.h5");
        QVERIFY(add->isEnabled());

        QSignalSpy ready(&panel, &PredictPanel::predictionsReady);
        const QString missing = tmp_.path() + "/missing.png";
        panel.classify({balanced_ + "/dress/003.png", missing});
        QVERIFY(ready.wait(kPredictTimeoutMs));
        QCOMPARE(ready.first().at(0).toInt(), 2);
        const QList<Prediction> results = panel.results();
        QCOMPARE(results.size(), 2);
        const Prediction& good = results[0];
        QVERIFY2(good.error.empty(), good.error.c_str());
        QCOMPARE(int(good.top.size()), 3);
        QStringList classes;
        for (const auto& [cls, prob] : good.top) {
            classes << QString::fromStdString(cls);
            QVERIFY(prob >= 0 && prob <= 1);
        }
        classes.sort();
        QCOMPARE(classes, QStringList({"coat", "dress", "shirt"}));
        QVERIFY(good.top[0].second >= good.top[1].second && good.top[1].second >= good.top[2].second);
        QVERIFY(results[1].top.empty());
        QVERIFY(!results[1].error.empty());

        // A second batch reuses the loaded network and appends.
        panel.classify({balanced_ + "/coat/000.png", large_ + "/x/001.png"});
        QVERIFY(ready.wait(kPredictTimeoutMs));
        QCOMPARE(panel.results().size(), 4);
        render(panel, "/tmp/predict-panel.png", {420, 420});
    }

    void badRunShowsErrors() {
        PredictPanel panel;
        panel.setRun(runs_ + "/junk.h5");
        QSignalSpy ready(&panel, &PredictPanel::predictionsReady);
        panel.classify({balanced_ + "/coat/000.png"});
        QVERIFY(ready.wait(kPredictTimeoutMs));
        QCOMPARE(panel.results().size(), 1);
        QVERIFY2(QString::fromStdString(panel.results()[0].error).contains("junk.h5"), panel.results()[0].error.c_str());
        panel.setRun(QString());
        QVERIFY(panel.results().isEmpty());
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(TestDataRunsPanels)
#include "test_data_runs_panels.moc"
