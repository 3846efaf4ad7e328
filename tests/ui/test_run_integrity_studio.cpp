// Damaged run files in the studio (docs/ARCHITECTURE.md §4, §8): opened or resumed from the
// Runs panel, a run whose checkpoint no longer matches its digest is refused with the reader's
// message in the status bar (and the training panel), with no dialog; the open design, the
// predict panel and the lock are as they were, and a valid run opens afterwards. A run whose
// summary parts are damaged is listed as unreadable with the reason and cannot be opened. The
// predict panel given a run with a damaged checkpoint shows the error for the image and in its
// header, takes no more images, and predicts with a valid run set afterwards; a run file
// rewritten under the same path (a resumed training) is loaded again. The runs are the
// torch-free fixtures (support/RunFixtures.h: the tiny CNN, classes a, b, c), damaged with
// support/RunDamage.h. Offscreen, with the settings in Qt's test location.
#include <QtTest/QtTest>

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTreeWidget>

#include "MainWindow.h"
#include "StudioPanel.h"
#include "TrainingFlow.h"
#include "design/Design.h"
#include "design/Templates.h"
#include "model/DesignDocument.h"
#include "runs/PredictPanel.h"
#include "runs/RunsPanel.h"
#include "support/RunDamage.h"
#include "support/RunFixtures.h"
#include "support/TestData.h"
#include "training/TrainingPanel.h"

using namespace strata;

namespace {

constexpr int kIntegrityPredictTimeoutMs = 60000;

QString integrityStudioDigestMismatch(const QString& path, const QString& part) {
    return path + ": /" + part +
           " does not match the digest written with it: the file is damaged (--no-verify reads it anyway)";
}

// The Runs panel's row for `fileName`.
QTreeWidgetItem* integrityStudioRow(RunsPanel* panel, const QString& fileName) {
    auto* tree = panel->findChild<QTreeWidget*>("runsTree");
    for (int i = 0; tree && i < tree->topLevelItemCount(); ++i)
        if (tree->topLevelItem(i)->text(0) + ".h5" == fileName) return tree->topLevelItem(i);
    return nullptr;
}

// Double-clicks the Runs panel's row for `fileName`, as a user opens a run.
bool integrityStudioDoubleClick(RunsPanel* panel, const QString& fileName) {
    auto* tree = panel->findChild<QTreeWidget*>("runsTree");
    QTreeWidgetItem* item = integrityStudioRow(panel, fileName);
    if (!item) return false;
    tree->scrollToItem(item);
    // The row's first column, inside the viewport: the row may be wider than a narrow dock.
    const QRect row = tree->visualItemRect(item);
    const QPoint at(row.left() + std::min(20, row.width() / 2), row.center().y());
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(tree->viewport(), Qt::LeftButton, {}, at);
    return true;
}

// Closes any modal dialog that comes up while it lives, and counts them: a refusal must never
// wait on a dialog (the test would hang on it instead of failing).
class IntegrityStudioModalWatch {
public:
    IntegrityStudioModalWatch() {
        QObject::connect(&timer_, &QTimer::timeout, [this] {
            if (QWidget* modal = QApplication::activeModalWidget()) {
                seen_ << modal->windowTitle();
                modal->close();
            }
        });
        timer_.start(20);
    }
    QStringList seen() const { return seen_; }

private:
    QTimer timer_;
    QStringList seen_;
};

QString integrityStudioHeader(const PredictPanel& panel) {
    auto* label = panel.findChild<QLabel*>("predictRunHeader");
    return label ? label->text() : QString("<no header>");
}

}  // namespace

class RunIntegrityStudioTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString runs_, images_, good_, flipped_, mean5_;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // QSettings under ~/.qttest, not the user's
        QCoreApplication::setOrganizationName("StrataTest");
        QCoreApplication::setApplicationName("strata-ui-test");
        if (qEnvironmentVariableIsEmpty("STRATA_TEMPLATES"))
            qputenv("STRATA_TEMPLATES", STRATA_SOURCE_DIR "/resources/templates");
        QVERIFY(tmp_.isValid());
        runs_ = tmp_.filePath("runs");
        images_ = tmp_.filePath("images");
        test::makeImageFolder(images_, {"a", "b", "c"}, 2, 16, 3);
        QVERIFY(QDir().mkpath(runs_));
        good_ = test::writeValidRun(runs_ + "/good.h5");
        flipped_ = test::writeValidRun(runs_ + "/flipped.h5");
        test::flipStoredBytes(flipped_, "checkpoint/fc.weight", 200);
        // As rewritten by a tool that drops the whole-file checksum: the summary parts still
        // verify, and the checkpoint digest refuses the weights when the network loads.
        test::clearFileChecksum(flipped_.toStdString());
        mean5_ = test::writeValidRun(runs_ + "/mean5.h5");
        test::editRunFile(mean5_, [](H5::H5File& f) {
            H5::Group config = f.openGroup("config");
            test::setDoublesAttr(config, "mean", {0.1, 0.2, 0.3, 0.4, 0.5});
        });
    }

    void init() { QSettings().clear(); }

    void openingADamagedRunKeepsTheStudio() {
        IntegrityStudioModalWatch modals;
        MainWindow w;  // not in automation: what a user gets
        QVERIFY(w.openDesign(QString::fromStdString(templatePath("lenet"))));
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.showPanel(StudioPanel::Runs);
        RunsPanel* runs = w.runsPanel();
        runs->setFolder(runs_);
        QCoreApplication::processEvents();
        const std::string design = designToString(w.document()->design());
        const QString designPath = w.designPath(), title = w.windowTitle();

        // The damaged checkpoint: its summary is intact, so it is listed and can be opened.
        QSignalSpy opened(w.training(), &TrainingFlow::runOpened);
        QSignalSpy problems(w.training(), &TrainingFlow::problem);
        QVERIFY(integrityStudioDoubleClick(runs, "flipped.h5"));
        QCOMPARE(problems.count(), 1);
        const QString refusal = integrityStudioDigestMismatch(flipped_, "checkpoint");
        QCOMPARE(problems.first().at(0).toString(), refusal);
        QCOMPARE(w.statusBar()->currentMessage(), refusal);
        QCOMPARE(w.trainingPanel()->lastError(), refusal);
        QCOMPARE(opened.count(), 0);
        QCOMPARE(designToString(w.document()->design()), design);
        QCOMPARE(w.designPath(), designPath);
        QCOMPARE(w.windowTitle(), title);
        QVERIFY(!w.document()->isLocked());
        QVERIFY(w.predictPanel()->run().isEmpty());

        // Resume refuses it the same way, and nothing trains.
        emit runs->resumeRequested(flipped_);
        QCOMPARE(problems.count(), 2);
        QCOMPARE(w.statusBar()->currentMessage(), refusal);
        QVERIFY(!w.training()->isTraining());
        QVERIFY(!w.document()->isLocked());
        QCOMPARE(designToString(w.document()->design()), design);

        // A damaged /config: listed as unreadable with the reason; a double click opens nothing.
        QTreeWidgetItem* unreadable = integrityStudioRow(runs, "mean5.h5");
        QVERIFY(unreadable);
        QCOMPARE(unreadable->text(1), QString("unreadable"));
        QCOMPARE(unreadable->toolTip(0), integrityStudioDigestMismatch(mean5_, "config"));
        QSignalSpy openRequests(runs, &RunsPanel::openRequested);
        QVERIFY(integrityStudioDoubleClick(runs, "mean5.h5"));
        QCOMPARE(openRequests.count(), 0);
        QCOMPARE(designToString(w.document()->design()), design);

        // The studio is as usable as before: the design edits, and a valid run opens.
        QVERIFY(w.document()->setParam("conv1", "out_channels", 8));
        QVERIFY(integrityStudioDoubleClick(runs, "good.h5"));
        QCOMPARE(opened.count(), 1);
        QCOMPARE(w.document()->design().name, std::string("tiny-cnn"));
        QCOMPARE(w.statusBar()->currentMessage(), "Opened run " + good_);
        QCOMPARE(w.predictPanel()->run(), good_);
        QCOMPARE(modals.seen(), QStringList());
    }

    void predictPanelShowsADamagedCheckpoint() {
        PredictPanel panel;
        auto* add = panel.findChild<QPushButton*>("addImages");
        QVERIFY(add);
        panel.setRun(flipped_);
        QVERIFY(add->isEnabled());  // the summary is intact: the damage shows when the network loads
        QCOMPARE(integrityStudioHeader(panel), "<b>flipped.h5</b> — 3 classes: a, b, c");

        QSignalSpy ready(&panel, &PredictPanel::predictionsReady);
        panel.classify({images_ + "/a/000.png"});
        QVERIFY(ready.wait(kIntegrityPredictTimeoutMs));
        const QString refusal = integrityStudioDigestMismatch(flipped_, "checkpoint");
        QCOMPARE(panel.results().size(), 1);
        QCOMPARE(QString::fromStdString(panel.results()[0].error), refusal);
        QVERIFY(panel.results()[0].top.empty());
        QCOMPARE(integrityStudioHeader(panel), refusal);
        QVERIFY(!add->isEnabled());

        // A valid run afterwards predicts.
        panel.setRun(good_);
        QVERIFY(panel.results().isEmpty());
        QVERIFY(add->isEnabled());
        panel.classify({images_ + "/b/000.png", images_ + "/c/001.png"});
        QVERIFY(ready.wait(kIntegrityPredictTimeoutMs));
        QCOMPARE(panel.results().size(), 2);
        for (const Prediction& p : panel.results()) {
            QVERIFY2(p.error.empty(), p.error.c_str());
            QCOMPARE(int(p.top.size()), 3);
        }
        QCOMPARE(integrityStudioHeader(panel), "<b>good.h5</b> — 3 classes: a, b, c");
    }

    void predictPanelRefusesADamagedSummary() {
        PredictPanel panel;
        panel.setRun(mean5_);
        QCOMPARE(integrityStudioHeader(panel), integrityStudioDigestMismatch(mean5_, "config"));
        QVERIFY(!panel.findChild<QPushButton*>("addImages")->isEnabled());
    }

    // A resumed training rewrites its run file under the same path; the panel is told the run
    // again and must not keep predicting with the network it loaded before.
    void predictPanelLoadsARewrittenRunAgain() {
        const QString run = test::writeValidRun(tmp_.filePath("rewritten.h5"));
        PredictPanel panel;
        panel.setRun(run);
        QSignalSpy ready(&panel, &PredictPanel::predictionsReady);
        panel.classify({images_ + "/a/000.png"});
        QVERIFY(ready.wait(kIntegrityPredictTimeoutMs));
        QList<Prediction> results = panel.results();
        QCOMPARE(results.size(), 1);
        QStringList before;
        for (const auto& [cls, probability] : results[0].top) before << QString::fromStdString(cls);
        before.sort();
        QCOMPARE(before, QStringList({"a", "b", "c"}));

        writeRunFile(run.toStdString(), test::validRunData(test::tinyCnnDesign(), {"x", "y", "z"}));
        panel.setRun(run);
        panel.classify({images_ + "/a/001.png"});
        QVERIFY(ready.wait(kIntegrityPredictTimeoutMs));
        results = panel.results();
        QCOMPARE(results.size(), 2);
        QStringList classes;
        for (const auto& [cls, probability] : results[1].top) classes << QString::fromStdString(cls);
        classes.sort();
        QCOMPARE(classes, QStringList({"x", "y", "z"}));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(RunIntegrityStudioTest)
#include "test_run_integrity_studio.moc"
