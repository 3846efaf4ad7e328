// The per-example record and the dataset map: quantization, the statistics against values
// computed by hand, the regions, the rankings, and the record's round trip through a run file
// (and its absence in runs written without one). Moving images between class folders: logged
// outside the folder, refused onto an existing file, undone exactly, and the decode cache
// rebuilt (never reused stale) after a move and after its undo.
#include "data/FileMoves.h"
#include "data/ImageFolder.h"
#include "insight/DatasetMap.h"
#include "runs/RunFile.h"
#include "support/TestData.h"

#include <algorithm>
#include <filesystem>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>

using namespace strata;

namespace {

// Four images over three epochs, classes 0..2.
ExampleSet sampleSet() {
    ExampleSet s;
    s.paths = {"a/0.png", "a/1.png", "b/2.png", "c/3.png"};
    s.labels = {0, 0, 1, 2};
    s.appendEpoch({0.9f, 0.1f, 0.2f, 0.05f}, {0, 1, 0, 1});
    s.appendEpoch({0.9f, 0.9f, 0.3f, 0.05f}, {0, 0, 1, 1});
    s.appendEpoch({0.9f, 0.1f, 0.4f, 0.05f}, {0, 1, 1, 1});
    return s;
}

const MapPoint& pointOf(const std::vector<MapPoint>& points, int64_t image) {
    for (const MapPoint& p : points)
        if (p.image == image) return p;
    throw std::runtime_error("no point");
}

}  // namespace

class TestExamples : public QObject {
    Q_OBJECT

private slots:
    void quantizesToUint16() {
        ExampleSet s;
        s.paths = {"x", "y", "z"};
        s.labels = {0, 1, 0};
        s.appendEpoch({1.5f, -0.2f, 0.5f}, {0, 1, 2});
        QCOMPARE(s.epochs(), int64_t(1));
        QCOMPARE(s.probability[0], uint16_t(65535));  // clamped
        QCOMPARE(s.probability[1], uint16_t(0));
        QCOMPARE(s.probability[2], uint16_t(32768));  // 0.5 * 65535 = 32767.5, rounded
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, s.appendEpoch({0.1f}, {0}));
    }

    void statisticsByHand() {
        const std::vector<MapPoint> points = datasetMap(sampleSet());
        QCOMPARE(points.size(), size_t(4));
        const double tol = 2.0 / 65535;  // quantization
        // Image 1: p = 0.1, 0.9, 0.1 -> mean 1.1/3, population std sqrt(((0.1-m)^2*2 + (0.9-m)^2)/3)
        const double m1 = 1.1 / 3;
        const double s1 = std::sqrt((2 * (0.1 - m1) * (0.1 - m1) + (0.9 - m1) * (0.9 - m1)) / 3);
        const MapPoint& p1 = pointOf(points, 1);
        QVERIFY(std::abs(p1.meanProbability - m1) < tol);
        QVERIFY(std::abs(p1.variability - s1) < tol);  // 0.3771
        QCOMPARE(p1.correctFraction, 1.0 / 3);
        QCOMPARE(p1.preferred, 1);
        QCOMPARE(p1.region, MapRegion::Ambiguous);
        // Image 2: 0.2, 0.3, 0.4 -> mean 0.3, std sqrt(0.02/3) = 0.0816; right at epochs 2 and 3.
        const MapPoint& p2 = pointOf(points, 2);
        QVERIFY(std::abs(p2.meanProbability - 0.3) < tol);
        QVERIFY(std::abs(p2.variability - std::sqrt(0.02 / 3)) < tol);
        QCOMPARE(p2.correctFraction, 2.0 / 3);
        QCOMPARE(p2.region, MapRegion::Hard);
        const MapPoint& p0 = pointOf(points, 0);
        QVERIFY(p0.variability < tol);
        QCOMPARE(p0.correctFraction, 1.0);
        QCOMPARE(p0.region, MapRegion::Easy);
        QCOMPARE(pointOf(points, 3).preferred, 1);
        QCOMPARE(pointOf(points, 3).path, std::string("c/3.png"));
    }

    void rankings() {
        const std::vector<MapPoint> points = datasetMap(sampleSet());
        auto order = [&](MapRanking r, int64_t n) {
            std::vector<int64_t> ids;
            for (const MapPoint& p : rankMap(points, r, n)) ids.push_back(p.image);
            return ids;
        };
        // mean + variability: 3 (0.05), 2 (0.38), 0 (0.9), 1 (0.74)
        QCOMPARE(order(MapRanking::Mislabeled, -1), (std::vector<int64_t>{3, 2, 1, 0}));
        QCOMPARE(order(MapRanking::Mislabeled, 2), (std::vector<int64_t>{3, 2}));
        QCOMPARE(order(MapRanking::Hardest, -1), (std::vector<int64_t>{3, 1, 2, 0}));
        QCOMPARE(order(MapRanking::Ambiguous, 1), (std::vector<int64_t>{1}));
        QVERIFY(datasetMap(ExampleSet()).empty());
    }

    void roundTripThroughRunFile() {
        QTemporaryDir tmp;
        RunData run;
        run.designJson = "{}";
        run.examples.train = sampleSet();
        run.examples.val.paths = {"v/0.png"};
        run.examples.val.labels = {2};
        run.examples.val.appendEpoch({0.25f}, {2});
        const std::string path = tmp.filePath("run.h5").toStdString();
        writeRunFile(path, run);
        const RunData back = readRunFile(path);
        QCOMPARE(back.examples.train.paths, run.examples.train.paths);
        QCOMPARE(back.examples.train.labels, run.examples.train.labels);
        QCOMPARE(back.examples.train.probability, run.examples.train.probability);
        QCOMPARE(back.examples.train.predicted, run.examples.train.predicted);
        QCOMPARE(back.examples.val.probability, run.examples.val.probability);
        QCOMPARE(back.examples.epochs(), int64_t(3));
        QVERIFY(readRunSummary(path).examples.train.paths.empty());  // the summary skips it

        RunData old;
        old.designJson = "{}";
        writeRunFile(path, old);
        QVERIFY(!readRunFile(path).examples.present());
    }

    void movesUndoAndTheDecodeCache() {
        namespace fs = std::filesystem;
        QTemporaryDir tmp;
        qputenv("XDG_CACHE_HOME", tmp.filePath("cache").toUtf8());
        qputenv("XDG_DATA_HOME", tmp.filePath("share").toUtf8());
        qunsetenv("STRATA_NO_CACHE");
        const std::string data = tmp.filePath("data").toStdString();
        test::makeImageFolder(tmp.filePath("data"), {"a", "b"}, 4, 16, 3);
        fs::rename(data + "/a/000.png", data + "/a/relabel-me.png");  // the generator reuses names across classes
        const ImageSpec spec{1, 16, 16};
        auto load = [&](FolderLoadInfo& info) { return loadImageFolder(data, spec, 1, {}, &info); };
        FolderLoadInfo info;
        const DecodedImages before = load(info);
        load(info);
        QVERIFY(info.fromCache);

        const std::string moved = data + "/a/relabel-me.png";
        QVERIFY(std::find(before.paths.begin(), before.paths.end(), moved) != before.paths.end());
        const std::string log = moveToClass(moved, "b");
        QVERIFY(log.rfind(tmp.filePath("share/strata/moves").toStdString(), 0) == 0);  // never in the data folder
        const std::string target = data + "/b/" + fs::path(moved).filename().string();
        QVERIFY(!fs::exists(moved) && fs::exists(target));
        const DecodedImages after = load(info);
        QVERIFY(!info.fromCache);  // stale: rebuilt
        int64_t inB = 0;
        for (int64_t i = 0; i < after.count(); ++i) inB += after.paths[size_t(i)] == target && after.labels[size_t(i)] == 1;
        QCOMPARE(inB, int64_t(1));
        // Onto an existing file (b/001.png): refused, nothing changes.
        const std::string other = data + "/a/001.png";
        QVERIFY(fs::exists(data + "/b/001.png"));
        QVERIFY_THROWS_EXCEPTION(DataError, moveToClass(other, "b"));
        QVERIFY(fs::exists(other));
        QVERIFY_THROWS_EXCEPTION(DataError, moveToClass(other, "nosuchclass"));

        QCOMPARE(undoMoves(log), 1);
        QVERIFY(fs::exists(moved) && !fs::exists(target));
        const DecodedImages restored = load(info);
        QVERIFY(!info.fromCache);  // the cache of the moved state is not taken for the restored one
        QCOMPARE(restored.paths, before.paths);
        QCOMPARE(restored.labels, before.labels);
        QVERIFY(restored.pixels == before.pixels);
        load(info);
        QVERIFY(info.fromCache);  // and reused from then on
        QVERIFY_THROWS_EXCEPTION(DataError, undoMoves(log));  // already undone: the moved file is gone
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(TestExamples)
#include "test_examples.moc"
