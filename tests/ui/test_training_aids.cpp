// The training settings' aids through real widget events, offscreen: the augmentation preview
// follows the augmentation and seed fields ("none" shows the image itself 16 times), takes a
// dropped image, and follows the window's data folder; the learning-rate finder runs from
// "Find…" on a tiny folder with a short ramp, plots and suggests, and its accept button sets
// the learning rate; Stop keeps the curve so far; it is refused without a data folder and for
// a design with errors, and writes no run file.
#include <QtTest/QtTest>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDirIterator>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>

#include <set>

#include "MainWindow.h"
#include "TrainingAidsController.h"
#include "data/DatasetPanel.h"
#include "model/DesignDocument.h"
#include "runs/RunsPanel.h"
#include "support/TestData.h"
#include "training/AugmentPreviewGrid.h"
#include "training/LrCurvePlot.h"
#include "training/LrFinderDialog.h"
#include "training/TrainingSettingsPanel.h"
#include "widgets/FloatSpinBox.h"

using namespace strata;

namespace {
constexpr int kSize = 16;

void typeAugment(TrainingSettingsPanel& panel, const QString& text) {
    QLineEdit* edit = panel.augmentBox()->lineEdit();
    edit->setFocus();
    edit->selectAll();
    QTest::keyClicks(edit, text);
}

int filesUnder(const QString& dir, const QString& pattern) {
    int n = 0;
    for (QDirIterator it(dir, {pattern}, QDir::Files, QDirIterator::Subdirectories); it.hasNext(); it.next()) ++n;
    return n;
}
}  // namespace

class TrainingAidsTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    QString data() const { return tmp_.filePath("data"); }

    // The tiny CNN (or `design`) saved in the temp dir, the tiny folder, one thread, batch 16.
    std::unique_ptr<MainWindow> studio(const QByteArray& design, const QString& dataDir,
                                       const QString& file = "tiny.strata.json") {
        auto w = std::make_unique<MainWindow>();
        w->setAutomation(true);
        if (!w->openDesign(test::writeText(tmp_.filePath(file), design))) return nullptr;
        w->setDataFolder(dataDir);
        TrainConfig c = w->settingsPanel()->config();
        c.batchSize = 16;
        c.threads = 1;
        c.lr = 0.01;
        w->settingsPanel()->setConfig(c);
        w->resize(1400, 900);
        w->show();
        return w;
    }

    LrFinderDialog* openFinder(MainWindow& w, int steps) {
        LrRamp ramp;
        ramp.start = 1e-4;
        ramp.end = 10;
        ramp.steps = steps;
        w.trainingAids()->setRamp(ramp);
        w.showPanel(StudioPanel::Settings);
        QTest::mouseClick(w.settingsPanel()->findLearningRateButton(), Qt::LeftButton);
        return w.trainingAids()->dialog();
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        test::makeImageFolder(data(), {"a", "b", "c"}, 30, kSize, 9);
    }
    void init() { QSettings().remove("training"); }

    void previewFollowsTheAugmentationAndSeed() {
        TrainingSettingsPanel panel;
        AugmentPreviewGrid* grid = panel.augmentPreview();
        grid->setInputSpec({1, kSize, kSize});
        grid->setFolder(data());
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_VERIFY_WITH_TIMEOUT(!grid->isLoading(), 10000);
        QCOMPARE(grid->imagePath(), data() + "/a/000.png");  // the first, as training lists them
        std::vector<uint8_t> decoded;
        QVERIFY(decodeImage(grid->imagePath().toStdString(), {1, kSize, kSize}, decoded));
        QVERIFY(grid->image() == decoded);

        // "none": the image itself, 16 times.
        QCOMPARE(panel.config().augment, std::string("none"));
        QCOMPARE(int(grid->copies().size()), AugmentPreviewGrid::kCopies);
        for (const auto& copy : grid->copies()) QVERIFY(copy == decoded);
        QVERIFY(grid->note().contains("No augmentation"));
        const QImage plain = grid->gridImage();
        QCOMPARE(plain.width(), 4 * 4 * kSize + 3 * 2);  // 16x16 cells enlarged 4x, 2 px apart

        typeAugment(panel, "flip+crop+rotate+jitter+erase");
        QCOMPARE(int(grid->copies().size()), AugmentPreviewGrid::kCopies);
        QVERIFY(grid->gridImage() != plain);
        std::set<std::vector<uint8_t>> distinct(grid->copies().begin(), grid->copies().end());
        QVERIFY2(distinct.size() >= 12, qPrintable(QString::number(distinct.size())));
        QVERIFY(!distinct.count(decoded));
        QVERIFY2(grid->note().startsWith("16 draws of 000.png"), qPrintable(grid->note()));

        // Another seed, other draws.
        const auto before = grid->copies();
        panel.seedBox()->setFocus();
        QTest::keyClick(panel.seedBox(), Qt::Key_Up);
        QVERIFY(grid->copies() != before);

        // A bad name: no copies, the note names it.
        typeAugment(panel, "flip+blur");
        QVERIFY(grid->copies().empty());
        QVERIFY2(grid->note().contains("blur"), qPrintable(grid->note()));
    }

    // Crop padding takes the data set's mean, estimated from a sample spread over the folder.
    void fillIsTheDataMean() {
        AugmentPreviewGrid grid;
        grid.setInputSpec({1, kSize, kSize});
        grid.setFolder(data());
        QTRY_VERIFY_WITH_TIMEOUT(!grid.isLoading(), 10000);
        const DecodedImages all = loadImageFolder(data().toStdString(), {1, kSize, kSize}, 1, {}, nullptr, false);
        std::vector<double> mean, stdev;
        channelMeanStd(all, mean, stdev);
        QCOMPARE(int(grid.fill().size()), 1);
        QVERIFY2(std::abs(grid.fill()[0] - mean[0] * 255) <= 4, qPrintable(QString::number(grid.fill()[0])));
    }

    void droppedImageIsPreviewed() {
        AugmentPreviewGrid grid;
        grid.setInputSpec({1, kSize, kSize});
        grid.setFolder(data());
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        QTRY_VERIFY_WITH_TIMEOUT(!grid.isLoading(), 10000);
        const QString diagonal = test::writeDiagonalImage(tmp_.filePath("diagonal.png"), kSize);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(diagonal)});
        const QPoint at = grid.rect().center();
        QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&grid, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&grid, &drop);
        QTRY_COMPARE_WITH_TIMEOUT(grid.imagePath(), diagonal, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!grid.isLoading(), 10000);
        QCOMPARE(int(grid.image()[0]), 240);  // the diagonal's first pixel
    }

    void finderSuggestsAndUseSetsTheRate() {
        auto w = studio(test::tinyCnnDesign(kSize), data());
        QVERIFY(w);
        QTRY_VERIFY_WITH_TIMEOUT(w->datasetPanel()->isValid(), 10000);
        // The window's preview follows its data folder.
        QTRY_COMPARE_WITH_TIMEOUT(w->settingsPanel()->augmentPreview()->imagePath(), data() + "/a/000.png", 10000);

        LrFinderDialog* d = openFinder(*w, 30);
        QVERIFY(d);
        QVERIFY(d->isVisible());
        QSignalSpy ended(d, &LrFinderDialog::ended);
        QTRY_VERIFY_WITH_TIMEOUT(ended.count() == 1, 30000);
        QVERIFY2(d->suggestion() > 0, qPrintable(d->statusText()));
        QVERIFY(d->suggestion() >= 1e-4 && d->suggestion() <= 10);
        QVERIFY(d->curve().lrs.size() >= 3);
        QCOMPARE(d->plot()->pointCount(), int(d->curve().lrs.size()));
        QCOMPARE(d->plot()->suggestion(), d->suggestion());
        QVERIFY2(d->statusText().startsWith("Suggested learning rate: " + learningRateText(d->suggestion())),
                 qPrintable(d->statusText()));
        QCOMPARE(d->useButton()->text(), "Use " + learningRateText(d->suggestion()));
        QVERIFY(d->useButton()->isEnabled());

        const double suggested = d->suggestion();
        QTest::mouseClick(d->useButton(), Qt::LeftButton);
        QCOMPARE(w->settingsPanel()->learningRateBox()->value(), suggested);
        QCOMPARE(w->settingsPanel()->config().lr, suggested);
        QTRY_VERIFY(!w->trainingAids()->dialog());  // released
        QCOMPARE(filesUnder(tmp_.path(), "*.h5"), 0);  // the finder writes no run
    }

    void stopKeepsTheCurveAndCancelKeepsTheRate() {
        auto w = studio(test::tinyCnnDesign(kSize), data());
        QVERIFY(w);
        QTRY_VERIFY_WITH_TIMEOUT(w->datasetPanel()->isValid(), 10000);
        LrFinderDialog* d = openFinder(*w, 100000);
        QVERIFY(d);
        QSignalSpy ended(d, &LrFinderDialog::ended);
        QTRY_VERIFY_WITH_TIMEOUT(d->plot()->pointCount() >= 5 || ended.count() > 0, 30000);
        QVERIFY(d->statusText().contains("left"));  // the time left, while running
        QTest::mouseClick(d->stopButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(ended.count() == 1, 30000);
        QVERIFY(d->curve().lrs.size() >= 5);
        QVERIFY2(d->statusText().contains("stopped after"), qPrintable(d->statusText()));
        QTest::mouseClick(d->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Cancel), Qt::LeftButton);
        QTRY_VERIFY(!w->trainingAids()->dialog());
        QCOMPARE(w->settingsPanel()->config().lr, 0.01);
    }

    // Closing while the ramp runs: the dialog goes once its step has ended; nothing is set.
    void cancelWhileRunning() {
        auto w = studio(test::tinyCnnDesign(kSize), data());
        QVERIFY(w);
        QTRY_VERIFY_WITH_TIMEOUT(w->datasetPanel()->isValid(), 10000);
        LrFinderDialog* d = openFinder(*w, 100000);
        QVERIFY(d);
        QTRY_VERIFY_WITH_TIMEOUT(d->plot()->pointCount() >= 2, 30000);
        QVERIFY(d->isRunning());
        QTest::keyClick(d, Qt::Key_Escape);
        QVERIFY(!d->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!w->trainingAids()->dialog(), 10000);
        QCOMPARE(w->settingsPanel()->config().lr, 0.01);
    }

    void learningRateSpelling() {
        QCOMPARE(strata::learningRateText(7.56e-4), QString("7.6e-4"));
        QCOMPARE(strata::learningRateText(1e-7), QString("1e-7"));
        QCOMPARE(strata::learningRateText(0.0123), QString("1.2e-2"));
        QCOMPARE(strata::learningRateText(0.3), QString("0.3"));
        QCOMPARE(strata::learningRateText(2.5), QString("2.5"));
    }

    void refusedWithoutDataOrWithDesignErrors() {
        auto w = studio(test::tinyCnnDesign(kSize), QString());
        QVERIFY(w);
        w->setDataFolder(QString());
        QVERIFY(w->dataFolder().isEmpty());
        QVERIFY(!openFinder(*w, 10));
        QVERIFY2(w->statusBar()->currentMessage().contains("training image folder"),
                 qPrintable(w->statusBar()->currentMessage()));

        QByteArray broken = test::tinyCnnDesign(kSize);
        broken.replace(R"("kernel_size": 2)", R"("kernel_size": 40)");  // pools past the image
        auto bad = studio(broken, data(), "broken.strata.json");
        QVERIFY(bad);
        QVERIFY(!bad->document()->analysis().valid());
        QVERIFY(!openFinder(*bad, 10));
        QVERIFY2(bad->statusBar()->currentMessage().contains("errors"), qPrintable(bad->statusBar()->currentMessage()));
        QCOMPARE(filesUnder(tmp_.path(), "*.h5"), 0);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(TrainingAidsTest)
#include "test_training_aids.moc"
