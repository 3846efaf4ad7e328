// The studio's Data dock (issue 19) through real widget events, offscreen: the dataset map of a
// run trained in-process (every image a dot, the region counts of core's map), the hover card
// (image, folder label, preferred class, numbers), a click and a lasso selecting dots and the
// table listing them, the ranked grid's Move to <preferred> and Undo Moves restoring the data
// folder byte for byte (and a refused move changing nothing), Open Folder through the injected
// opener, a run without a per-example record showing core's message, and 60,000 dots staying
// responsive (draw time and hover lookup reported). The hover card and the panel with a lasso
// selection are rendered to $TMPDIR/data-dock-card.png and data-dock-panel.png for review.
#include <QtTest/QtTest>

#include <QComboBox>
#include <QDirIterator>
#include <QDockWidget>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>

#include <random>

#include "MainWindow.h"
#include "StudioPanel.h"
#include "TrainingFlow.h"
#include "examples/DataMapPanel.h"
#include "examples/DataMapPlot.h"
#include "examples/ExampleCard.h"
#include "examples/MislabeledGrid.h"
#include "insight/DatasetMap.h"
#include "runs/RunFile.h"
#include "runs/RunReader.h"
#include "support/RunFixtures.h"
#include "support/TestData.h"
#include "train/Trainer.h"

using namespace strata;

namespace {
constexpr int kLoadTimeoutMs = 60000;
constexpr int kLargeImages = 60000;

// Every file under `dir` (relative path -> bytes): the folder as a move and its undo must leave it.
QMap<QString, QByteArray> folderContents(const QString& dir) {
    QMap<QString, QByteArray> files;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (f.open(QIODevice::ReadOnly)) files.insert(QDir(dir).relativeFilePath(path), f.readAll());
    }
    return files;
}

bool load(DataMapPanel& panel, const QString& run) {
    QSignalSpy loaded(&panel, &DataMapPanel::loaded);
    panel.setRun(run);
    return loaded.wait(kLoadTimeoutMs);
}

// A run whose record holds `images` training images over `epochs` epochs of seeded random
// probabilities and predictions, without training (the 60,000-dot check).
QString writeLargeRun(const QString& path, int images, int epochs) {
    RunData run = test::validRunData(test::tinyCnnDesign(16));
    ExampleSet& set = run.examples.train;
    std::mt19937 rng(19);
    std::uniform_real_distribution<float> uniform(0.f, 1.f);
    for (int i = 0; i < images; ++i) {
        set.paths.push_back(QString("/nonexistent/%1/%2.png").arg(QChar('a' + i % 3)).arg(i).toStdString());
        set.labels.push_back(i % 3);
    }
    for (int e = 0; e < epochs; ++e) {
        std::vector<float> p(static_cast<size_t>(images));
        std::vector<int> predicted(static_cast<size_t>(images));
        for (int i = 0; i < images; ++i) {
            const float base = float(i % 97) / 97.f;  // spread over the map, noisy per epoch
            p[size_t(i)] = std::clamp(base + 0.3f * (uniform(rng) - 0.5f), 0.f, 1.f);
            predicted[size_t(i)] = p[size_t(i)] > 0.5f ? i % 3 : (i + 1) % 3;
        }
        set.appendEpoch(p, predicted);
    }
    writeRunFile(path.toStdString(), run);
    return path;
}

// Press, drag through `corners` (pixels) and release, with the left button: the lasso.
void dragLasso(QWidget* plot, const QList<QPoint>& corners) {
    QTest::mousePress(plot, Qt::LeftButton, {}, corners.front());
    for (int i = 1; i < corners.size(); ++i) {
        const QPoint from = corners[i - 1], to = corners[i];
        for (int s = 1; s <= 8; ++s) QTest::mouseMove(plot, from + (to - from) * s / 8);
    }
    QTest::mouseRelease(plot, Qt::LeftButton, {}, corners.back());
}
}  // namespace

class DataDockTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    QString data_, run_, noRecord_, large_;

    // The panel shown at a size where the map is readable, with the run loaded.
    void showPanel(DataMapPanel& panel, const QString& run) {
        panel.resize(1200, 520);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(load(panel, run));
        QCoreApplication::processEvents();
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        qputenv("XDG_DATA_HOME", (tmp_.path() + "/xdg").toUtf8());  // move logs stay in the test's folder
        data_ = tmp_.path() + "/data";
        test::makeImageFolder(data_, {"a", "b", "c"}, 16, 16, 7);
        // Three images put in a wrong class folder (new names: the grid's move back must not collide).
        for (const char* name : {"003", "007", "011"})
            QVERIFY(QFile::rename(data_ + "/a/" + name + ".png", data_ + "/b/x" + name + ".png"));
        TrainConfig config;
        config.data = data_.toStdString();
        config.epochs = 4;
        config.batchSize = 8;
        config.threads = 1;
        config.valSplit = 0.25;
        config.run = (tmp_.path() + "/run.h5").toStdString();
        Trainer trainer(parseDesign(test::tinyCnnDesign(16).toStdString(), "<tiny>"), config);
        const TrainResult result = trainer.run();
        QVERIFY2(result.status == TrainResult::Status::Finished, result.error.c_str());
        run_ = QString::fromStdString(config.run);
        noRecord_ = test::writeValidRun(tmp_.path() + "/old.h5");
        large_ = writeLargeRun(tmp_.path() + "/large.h5", kLargeImages, 5);
    }

    void mapHasEveryImageAndTheRegionCounts() {
        const ValidRun run = readValidRun(run_.toStdString());
        const std::vector<MapPoint> map = datasetMap(run.data.examples.train);
        DataMapPanel panel;
        showPanel(panel, run_);
        QCOMPARE(panel.stack()->currentWidget(), static_cast<QWidget*>(panel.tabs()));
        QCOMPARE(panel.plot()->pointCount(), int(run.data.examples.train.images()));
        for (MapRegion r : {MapRegion::Easy, MapRegion::Ambiguous, MapRegion::Hard})
            QCOMPARE(panel.plot()->regionCount(r),
                     int(std::count_if(map.begin(), map.end(), [r](const MapPoint& p) { return p.region == r; })));
        // The run held a quarter out: the selector offers its validation images too.
        QCOMPARE(panel.setBox()->count(), 2);
        QVERIFY(!panel.setBox()->isHidden());
        panel.setBox()->setCurrentIndex(1);
        QCOMPARE(panel.plot()->pointCount(), int(run.data.examples.val.images()));
        QVERIFY(panel.showsValidation());
    }

    void hoverShowsTheImageItsLabelsAndNumbers() {
        DataMapPanel panel;
        showPanel(panel, run_);
        DataMapPlot* plot = panel.plot();
        const int target = plot->pointCount() / 2;
        QTest::mouseMove(plot, plot->pixelOf(target).toPoint());
        QTRY_VERIFY(plot->hoveredPoint() >= 0);
        // Dots may overlap: the one found is at most as far from the cursor as the one aimed at.
        const QPointF cursor = plot->pixelOf(target).toPoint();
        QVERIFY(QLineF(plot->pixelOf(plot->hoveredPoint()), cursor).length() <=
                QLineF(plot->pixelOf(target), cursor).length() + 1e-9);
        const MapPoint& p = plot->point(plot->hoveredPoint());
        const QStringList classes = panel.examples().classes;
        QVERIFY(plot->card()->isVisible());
        QVERIFY(plot->card()->hasImage());
        const QString text = plot->card()->text();
        QVERIFY2(text.contains(QFileInfo(QString::fromStdString(p.path)).fileName()), qPrintable(text));
        QVERIFY2(text.contains("label: " + classes[p.label]), qPrintable(text));
        QVERIFY2(text.contains("preferred: " + classes[p.preferred]), qPrintable(text));
        QVERIFY2(text.contains(QString("mean p %1").arg(p.meanProbability, 0, 'f', 3)), qPrintable(text));
        QVERIFY2(text.contains(QString("variability %1").arg(p.variability, 0, 'f', 3)), qPrintable(text));
        QVERIFY(plot->card()->grab().save(QDir::tempPath() + "/data-dock-card.png"));  // for review
        // Far from every dot (the top right corner is beyond any variability), the card goes.
        QTest::mouseMove(plot, QPoint(int(plot->xAxis->coordToPixel(0.5)) - 2, int(plot->yAxis->coordToPixel(1.0)) + 2));
        QTRY_VERIFY(!plot->card()->isVisible());
        QCOMPARE(plot->hoveredPoint(), -1);
    }

    void clickAndLassoSelectAndListTheImages() {
        DataMapPanel panel;
        showPanel(panel, run_);
        DataMapPlot* plot = panel.plot();
        const int target = 0;
        QTest::mouseClick(plot, Qt::LeftButton, {}, plot->pixelOf(target).toPoint());
        QCOMPARE(int(plot->selection().size()), 1);
        QCOMPARE(panel.selectionTable()->rowCount(), 1);
        const MapPoint& clicked = plot->point(plot->selection()[0]);
        QCOMPARE(panel.selectionTable()->item(0, 0)->text(), QFileInfo(QString::fromStdString(clicked.path)).fileName());

        // A lasso around the left half of the plot (variability below 0.2): a free-form
        // polygon of four corners.
        const QPoint tl(int(plot->xAxis->coordToPixel(-0.005)), int(plot->yAxis->coordToPixel(1.015)));
        const QPoint br(int(plot->xAxis->coordToPixel(0.2)), int(plot->yAxis->coordToPixel(-0.015)));
        dragLasso(plot, {tl, QPoint(br.x(), tl.y()), br, QPoint(tl.x(), br.y()), tl});
        const QRectF inside = QRectF(tl, br).adjusted(2, 2, -2, -2), outside = QRectF(tl, br).adjusted(-2, -2, 2, 2);
        const std::vector<int>& chosen = plot->selection();
        int expected = 0;
        for (int i = 0; i < plot->pointCount(); ++i) {
            const bool selected = std::binary_search(chosen.begin(), chosen.end(), i);
            if (inside.contains(plot->pixelOf(i))) QVERIFY2(selected, qPrintable(QString("dot %1 inside").arg(i)));
            if (!outside.contains(plot->pixelOf(i))) QVERIFY2(!selected, qPrintable(QString("dot %1 outside").arg(i)));
            expected += plot->point(i).variability < 0.19;
        }
        QVERIFY(int(chosen.size()) >= expected && expected > 0);
        QCOMPARE(panel.selectionTable()->rowCount(), std::min(int(chosen.size()), DataMapPanel::kMostListed));
        QVERIFY(panel.grab().save(QDir::tempPath() + "/data-dock-panel.png"));  // for review
        for (int r = 0; r < panel.selectionTable()->rowCount(); ++r) {
            const MapPoint& p = plot->point(chosen[size_t(r)]);
            QCOMPARE(panel.selectionTable()->item(r, 0)->text(), QFileInfo(QString::fromStdString(p.path)).fileName());
            QCOMPARE(panel.selectionTable()->item(r, 1)->text(), panel.examples().classes[p.label]);
            QCOMPARE(panel.selectionTable()->item(r, 2)->text(), panel.examples().classes[p.preferred]);
        }
    }

    void moveToPreferredAndUndoRestoreTheFolder() {
        const QMap<QString, QByteArray> before = folderContents(data_);
        DataMapPanel panel;
        showPanel(panel, run_);
        QVERIFY(panel.tabs()->widget(1) == panel.grid());
        panel.tabs()->setCurrentIndex(1);
        MislabeledGrid* grid = panel.grid();
        QListWidget* list = grid->list();
        QVERIFY(grid->shownCount() > 0);
        QString opened;
        grid->setFolderOpener([&opened](const QString& folder) { opened = folder; });
        // The first candidate the network places in another class whose target is free.
        int row = -1;
        for (int r = 0; r < grid->shownCount() && row < 0; ++r) {
            QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(list->item(r)).center());
            const MapPoint& c = grid->candidate(r);
            const QString target = data_ + "/" + panel.examples().classes[c.preferred] + "/" +
                                   QFileInfo(QString::fromStdString(c.path)).fileName();
            if (grid->moveButton()->isEnabled() && !QFileInfo::exists(target)) row = r;
        }
        QVERIFY2(row >= 0, "no candidate to move");
        QCOMPARE(list->currentRow(), row);
        const MapPoint c = grid->candidate(row);
        const QString from = QString::fromStdString(c.path);
        const QString preferred = panel.examples().classes[c.preferred];
        QCOMPARE(grid->moveButton()->text(), "Move to " + preferred);

        QTest::mouseClick(grid->openButton(), Qt::LeftButton);
        QCOMPARE(opened, QFileInfo(from).absolutePath());

        QTest::mouseClick(grid->moveButton(), Qt::LeftButton);
        const QString to = data_ + "/" + preferred + "/" + QFileInfo(from).fileName();
        QVERIFY(!QFileInfo::exists(from));
        QVERIFY(QFileInfo::exists(to));
        QVERIFY(list->item(row)->data(Qt::UserRole).toBool());
        QVERIFY2(list->item(row)->text().contains("moved to " + preferred), qPrintable(list->item(row)->text()));
        QVERIFY(grid->moves().log().startsWith(tmp_.path() + "/xdg/strata/moves/"));
        QVERIFY(grid->undoButton()->isEnabled());

        // A move onto a file that exists is refused with core's reason, and changes nothing.
        const QMap<QString, QByteArray> moved = folderContents(data_);
        int blocked = -1;
        for (int r = 0; r < grid->shownCount() && blocked < 0; ++r) {
            const QString path = QString::fromStdString(grid->candidate(r).path);
            for (const QString& cls : panel.examples().classes)
                if (r != row && QFileInfo::exists(path) && QFileInfo(path).dir().dirName() != cls &&
                    QFileInfo::exists(data_ + "/" + cls + "/" + QFileInfo(path).fileName())) {
                    blocked = r;
                    list->setCurrentRow(r);
                    grid->moveCurrent(cls);  // as the Move to Class menu's entry does
                    break;
                }
        }
        QVERIFY2(blocked >= 0, "no candidate whose move would collide");
        QVERIFY2(grid->statusLabel()->text().contains("exists"), qPrintable(grid->statusLabel()->text()));
        QCOMPARE(folderContents(data_), moved);

        QTest::mouseClick(grid->undoButton(), Qt::LeftButton);
        QCOMPARE(folderContents(data_), before);
        QVERIFY(!list->item(row)->data(Qt::UserRole).toBool());
        QVERIFY(!grid->undoButton()->isEnabled());
    }

    void moreShowsTheNextPageAndRankingsSwitch() {
        DataMapPanel panel;
        showPanel(panel, large_);
        MislabeledGrid* grid = panel.grid();
        QCOMPARE(grid->shownCount(), MislabeledGrid::kPageSize);
        QTest::mouseClick(grid->moreButton(), Qt::LeftButton);
        QCOMPARE(grid->shownCount(), 2 * MislabeledGrid::kPageSize);
        // The grid's order is core's ranking.
        const std::vector<MapPoint> hardest = rankMap(*panel.examples().train, MapRanking::Hardest, 3);
        grid->setRanking(MapRanking::Hardest);
        QCOMPARE(grid->shownCount(), MislabeledGrid::kPageSize);
        for (int r = 0; r < 3; ++r) QCOMPARE(grid->candidate(r).image, hardest[size_t(r)].image);
    }

    void runWithoutRecordSaysHowToGetOne() {
        DataMapPanel panel;
        showPanel(panel, noRecord_);
        QCOMPARE(panel.stack()->currentWidget(), static_cast<QWidget*>(panel.messageLabel()));
        const QString text = panel.messageLabel()->text();
        QVERIFY2(text.contains("no per-example record") && text.contains("train it again"), qPrintable(text));
        QCOMPARE(panel.plot()->pointCount(), 0);
    }

    void sixtyThousandDotsStayResponsive() {
        DataMapPanel panel;
        QElapsedTimer loading;
        loading.start();
        showPanel(panel, large_);
        const qint64 loadMs = loading.elapsed();
        DataMapPlot* plot = panel.plot();
        QCOMPARE(plot->pointCount(), kLargeImages);
        QElapsedTimer drawing;
        double drawMs = 1e9;
        for (int i = 0; i < 3; ++i) {
            drawing.start();
            plot->replot(QCustomPlot::rpImmediateRefresh);
            drawMs = std::min(drawMs, drawing.nsecsElapsed() / 1e6);
        }
        // Hover across the dots: the lookup alone, and the whole mouse move (lookup, card, overlay).
        double lookupSum = 0, lookupMax = 0;
        QElapsedTimer moving;
        moving.start();
        const int moves = 200;
        const QRect area = plot->axisRect()->rect();
        for (int i = 0; i < moves; ++i) {
            QTest::mouseMove(plot, QPoint(area.left() + area.width() * (i % 40) / 40, area.top() + area.height() * (i % 23) / 23));
            lookupSum += plot->lastHoverMicroseconds();
            lookupMax = std::max(lookupMax, plot->lastHoverMicroseconds());
        }
        const double moveMs = moving.nsecsElapsed() / 1e6 / moves;
        qInfo("60,000 dots: read and mapped in %lld ms, drawn in %.1f ms; hover lookup %.1f us mean, %.1f us max; "
              "a mouse move %.2f ms",
              loadMs, drawMs, lookupSum / moves, lookupMax, moveMs);
        QVERIFY2(drawMs < 1000, qPrintable(QString::number(drawMs)));
        QVERIFY2(lookupMax < 5000, qPrintable(QString::number(lookupMax)));
        // A lasso around every dot lists the first kMostListed.
        dragLasso(plot, {area.topLeft() + QPoint(1, 1), area.topRight() + QPoint(-1, 1), area.bottomRight() - QPoint(1, 1),
                         area.bottomLeft() + QPoint(1, -1), area.topLeft() + QPoint(1, 1)});
        QCOMPARE(int(plot->selection().size()), kLargeImages);
        QCOMPARE(panel.selectionTable()->rowCount(), DataMapPanel::kMostListed);
    }

    void isADockOfTheStudio() {
        QVERIFY(studioPanelNamed("data") == StudioPanel::Data);
        QCOMPARE(studioPanelName(StudioPanel::Data), QString("data"));
        MainWindow w;
        w.setAutomation(true);
        QDockWidget* dock = w.dock(StudioPanel::Data);
        QVERIFY(dock);
        QCOMPARE(dock->objectName(), QString("dataDock"));
        QCOMPARE(dock->widget(), static_cast<QWidget*>(w.dataPanel()));
        QVERIFY(w.showPanel(StudioPanel::Data, "mislabeled"));
        QCOMPARE(w.dataPanel()->tabs()->currentWidget(), static_cast<QWidget*>(w.dataPanel()->grid()));
        // Opening a run (as the Runs panel does) shows its map.
        QSignalSpy loaded(w.dataPanel(), &DataMapPanel::loaded);
        QVERIFY(w.training()->openRun(run_));
        QVERIFY(loaded.wait(kLoadTimeoutMs));
        QCOMPARE(w.dataPanel()->run(), run_);
        QVERIFY(w.dataPanel()->plot()->pointCount() > 0);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(DataDockTest)
#include "test_data_dock.moc"
