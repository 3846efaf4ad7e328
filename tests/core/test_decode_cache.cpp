// The decoded-data cache: a second load of an unchanged folder reads the cache, any change to
// the folder (touched, rewritten, added, removed file) rebuilds it, cached images equal a
// direct decode byte for byte, and a damaged cache file is ignored and replaced. The cache
// lives in a temporary XDG_CACHE_HOME, never in the real ~/.cache.
#include "data/DecodeCache.h"
#include "data/ImageFolder.h"
#include "data/LoadingEta.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>

#include "support/TestData.h"

namespace fs = std::filesystem;
using namespace strata;

namespace {

void compareImages(const DecodedImages& a, const DecodedImages& b) {
    QCOMPARE(a.spec.channels, b.spec.channels);
    QCOMPARE(a.spec.height, b.spec.height);
    QCOMPARE(a.spec.width, b.spec.width);
    QVERIFY(a.pixels == b.pixels);
    QVERIFY(a.labels == b.labels);
    QVERIFY(a.classes == b.classes);
    QVERIFY(a.paths == b.paths);
    QVERIFY(a.skippedPaths == b.skippedPaths);
    QVERIFY(a.skippedReasons == b.skippedReasons);
}

DecodedImages load(const std::string& dir, FolderLoadInfo& info, const ImageSpec& spec = {1, 16, 16}) {
    return loadImageFolder(dir, spec, 2, {}, &info);
}

}  // namespace

class TestDecodeCache : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::string cacheHome_;

    // A fresh folder per test, so tests do not see each other's cache files.
    std::string makeFolder(const QString& name, int perClass = 6) {
        const QString dir = tmp_.filePath(name);
        test::makeImageFolder(dir, {"a", "b"}, perClass, 16, 3);
        return dir.toStdString();
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        cacheHome_ = tmp_.filePath("cache-home").toStdString();
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(cacheHome_));
        qunsetenv("STRATA_NO_CACHE");
        QCOMPARE(decode_cache::directory(), (fs::path(cacheHome_) / "strata" / "decoded").string());
    }

    void secondLoadHitsTheCache() {
        const std::string dir = makeFolder("hit");
        FolderLoadInfo first, second;
        const DecodedImages a = load(dir, first);
        QVERIFY(!first.fromCache);
        QVERIFY(first.cacheNote.empty() || first.cacheNote == "no cache file");
        QVERIFY(fs::is_regular_file(first.cacheFile));
        // Under the cache home, never inside the user's folder.
        QVERIFY(first.cacheFile.rfind(cacheHome_, 0) == 0);
        for (const auto& e : fs::recursive_directory_iterator(dir)) QVERIFY(e.path().extension() != ".h5");

        const DecodedImages b = load(dir, second);
        QVERIFY2(second.fromCache, second.cacheNote.c_str());
        QCOMPARE(second.cacheFile, first.cacheFile);
        compareImages(a, b);
        QCOMPARE(b.count(), int64_t(12));
    }

    void cachedEqualsDirectDecode() {
        const std::string dir = makeFolder("equal");
        // RGB at another size too: resize and the planar layout go through the cache as well.
        for (const ImageSpec spec : {ImageSpec{1, 16, 16}, ImageSpec{3, 12, 10}}) {
            FolderLoadInfo info;
            const DecodedImages direct = loadImageFolder(dir, spec, 1, {}, &info, /*useCache=*/false);
            QVERIFY(!info.fromCache);
            QVERIFY(info.cacheFile.empty());
            load(dir, info, spec);  // fills the cache
            QVERIFY(!info.fromCache);
            const DecodedImages cached = load(dir, info, spec);
            QVERIFY(info.fromCache);
            compareImages(direct, cached);
        }
    }

    void touchedFileInvalidates() {
        const std::string dir = makeFolder("touch");
        FolderLoadInfo info;
        load(dir, info);
        const fs::path file = fs::path(dir) / "a" / "000.png";
        QVERIFY(fs::exists(file));
        fs::last_write_time(file, fs::last_write_time(file) + std::chrono::seconds(5));
        load(dir, info);
        QVERIFY(!info.fromCache);
        QCOMPARE(info.cacheNote, std::string("stale"));
        load(dir, info);
        QVERIFY(info.fromCache);  // rebuilt
    }

    void changedFileInvalidatesAndDecodesTheNewPixels() {
        const std::string dir = makeFolder("change");
        FolderLoadInfo info;
        load(dir, info);
        // Another image under the same name (from a different seed's folder).
        const QString other = tmp_.filePath("change-src");
        test::makeImageFolder(other, {"a", "b"}, 6, 16, 99);
        fs::copy_file((fs::path(other.toStdString()) / "b" / "001.png"), fs::path(dir) / "b" / "001.png",
                      fs::copy_options::overwrite_existing);
        const DecodedImages fresh = load(dir, info);
        QVERIFY(!info.fromCache);
        compareImages(fresh, loadImageFolder(dir, {1, 16, 16}, 1, {}, nullptr, false));
    }

    void addedOrRemovedFileInvalidates() {
        const std::string dir = makeFolder("add");
        FolderLoadInfo info;
        QCOMPARE(load(dir, info).count(), int64_t(12));
        fs::copy_file(fs::path(dir) / "a" / "000.png", fs::path(dir) / "a" / "extra.png");
        DecodedImages added = load(dir, info);
        QVERIFY(!info.fromCache);
        QCOMPARE(added.count(), int64_t(13));
        QCOMPARE(load(dir, info).count(), int64_t(13));
        QVERIFY(info.fromCache);

        fs::remove(fs::path(dir) / "b" / "002.png");
        DecodedImages removed = load(dir, info);
        QVERIFY(!info.fromCache);
        QCOMPARE(removed.count(), int64_t(12));
        compareImages(removed, loadImageFolder(dir, {1, 16, 16}, 1, {}, nullptr, false));
    }

    void skippedFilesComeBackFromTheCache() {
        const std::string dir = makeFolder("skips");
        std::ofstream(fs::path(dir) / "a" / "broken.png", std::ios::binary) << "not a png";
        FolderLoadInfo info;
        const DecodedImages first = load(dir, info);
        QCOMPARE(first.skippedPaths.size(), size_t(1));
        const DecodedImages second = load(dir, info);
        QVERIFY(info.fromCache);
        compareImages(first, second);
        QVERIFY(skipReport(second).find("skipped 1") != std::string::npos);
    }

    void corruptCacheIsIgnoredAndRebuilt() {
        const std::string dir = makeFolder("corrupt");
        FolderLoadInfo info;
        const DecodedImages reference = load(dir, info);
        const std::string file = info.cacheFile;
        const auto size = fs::file_size(file);

        // Garbage, a truncated file and an empty file: each is a miss, then rebuilt.
        for (int damage = 0; damage < 3; ++damage) {
            if (damage == 0) std::ofstream(file, std::ios::binary | std::ios::trunc) << std::string(4096, 'x');
            if (damage == 1) fs::resize_file(file, size / 2);
            if (damage == 2) std::ofstream(file, std::ios::binary | std::ios::trunc);
            const DecodedImages again = load(dir, info);
            QVERIFY(!info.fromCache);
            QVERIFY2(info.cacheNote.rfind("corrupt", 0) == 0, info.cacheNote.c_str());
            compareImages(reference, again);
            load(dir, info);
            QVERIFY2(info.fromCache, info.cacheNote.c_str());
            QCOMPARE(fs::file_size(file), size);
        }
    }

    void envSwitchesTheCacheOff() {
        const std::string dir = makeFolder("off");
        qputenv("STRATA_NO_CACHE", "1");
        FolderLoadInfo info;
        load(dir, info);
        load(dir, info);
        qunsetenv("STRATA_NO_CACHE");
        QVERIFY(!info.fromCache);
        QVERIFY(info.cacheFile.empty());
        load(dir, info);
        QVERIFY(!info.fromCache);  // nothing was written while off
    }

    // The first decoding pass's time left, as the command line and the Training panel show it.
    void loadingEtaFollowsTheRateSoFar() {
        using namespace std::chrono_literals;
        const auto t0 = std::chrono::steady_clock::time_point(1000s);
        LoadingEta eta;
        QCOMPARE(eta.update(0, 1000, t0), -1.0);           // nothing done: too early
        QCOMPARE(eta.update(100, 1000, t0 + 500ms), -1.0);  // under a second in
        QCOMPARE(eta.update(250, 1000, t0 + 10s), 30.0);   // 25 per second, 750 left
        QCOMPARE(eta.update(1000, 1000, t0 + 40s), -1.0);  // done
        QCOMPARE(eta.update(0, 500, t0 + 100s), -1.0);     // a new pass restarts the clock
        QCOMPARE(eta.update(100, 500, t0 + 104s), 16.0);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(TestDecodeCache)
#include "test_decode_cache.moc"
