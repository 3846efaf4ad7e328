// Folders larger than the data memory (issue 20): the decode cache read a batch at a time.
// Streamed batches equal in-memory ones bit for bit (so a streamed training has the very
// weights of an in-memory one), every image is read once per epoch and no read holds more
// than a batch, the epoch order is a seeded shuffle, and the first pass over a new folder
// leaves no partial cache file when the disk fills (injected) or refuses a disk too full for it.
// The cache lives in a temporary XDG_CACHE_HOME, never in the real ~/.cache.
// moc needs only the test class: skipping torch and the engine headers saves it seconds a file.
#ifndef Q_MOC_RUN
#include <torch/torch.h>
#endif

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <set>

#ifndef Q_MOC_RUN
#include "data/BoundedFolder.h"
#include "data/ByteSize.h"
#include "data/DecodeCache.h"
#include "runs/RunFile.h"
#include "support/TestData.h"
#include "support/TrainFixtures.h"
#include "train/BatchAssembler.h"
#include "train/BatchPrefetcher.h"
#include "train/Batches.h"
#include "train/Trainer.h"
#include "train/TrainingData.h"
#include "train/TrainingExtension.h"
#endif

namespace fs = std::filesystem;
using namespace strata;

namespace {

// Keeps the streamed pixels of a training and notes what they had read at each epoch end.
class ReadCounter : public TrainingExtension {
public:
    std::shared_ptr<const CachedPixels> pixels;
    std::vector<CachedPixels::Stats> atEpochEnd;
    std::vector<std::unique_ptr<TrainingObserver>> observers(const TrainingSetup& setup) override {
        pixels = setup.data.train->streamed();
        std::vector<std::unique_ptr<TrainingObserver>> made;
        made.push_back(std::make_unique<Observer>(*this));
        return made;
    }

private:
    struct Observer : TrainingObserver {
        explicit Observer(ReadCounter& c) : counter(c) {}
        void epochEnd(GraphModuleImpl&, int, RunData&) override {
            if (counter.pixels) counter.atEpochEnd.push_back(counter.pixels->stats());
        }
        ReadCounter& counter;
    };
};

std::vector<std::string> cacheFiles(const std::string& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        names.push_back(it->path().filename().string());
    return names;
}

bool sameCheckpoint(const RunData& a, const RunData& b) {
    if (a.checkpoint.size() != b.checkpoint.size()) return false;
    for (const auto& x : a.checkpoint) {
        const NamedArray* y = findArray(b.checkpoint, x.name);
        if (!y || y->shape != x.shape || y->f32 != x.f32 || y->i64 != x.i64) return false;
    }
    return true;
}

}  // namespace

class StreamingTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString gray_, rgb_;
    std::string cacheDir_;

    QString folder(const QString& name, int perClass, bool rgb = false) {
        const QString dir = tmp_.filePath(name);
        test::makeImageFolder(dir, {"a", "b", "c"}, perClass, 16, 5, rgb);
        return dir;
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        qputenv("XDG_CACHE_HOME", tmp_.filePath("cache-home").toUtf8());
        qunsetenv("STRATA_NO_CACHE");
        cacheDir_ = decode_cache::directory();
        gray_ = folder("gray", 30);
        rgb_ = folder("rgb", 20, true);
    }

    void sizesParseInPowersOf1024() {
        QCOMPARE(parseByteSize("1000", "x"), int64_t(1000));
        QCOMPARE(parseByteSize("2K", "x"), int64_t(2048));
        QCOMPARE(parseByteSize("512M", "x"), int64_t(512) << 20);
        QCOMPARE(parseByteSize("2G", "x"), int64_t(2) << 30);
        QCOMPARE(parseByteSize("1.5g", "x"), int64_t(3) << 29);
        QCOMPARE(parseByteSize("64MiB", "x"), int64_t(64) << 20);
        for (const char* bad : {"", "G", "-1G", "2X", "lots", "1e400"}) {
            try {
                parseByteSize(bad, "--data-memory");
                QFAIL(qPrintable(QString("accepted \"%1\"").arg(bad)));
            } catch (const std::invalid_argument& e) {
                QVERIFY2(QString(e.what()).startsWith("--data-memory: "), e.what());
            }
        }
        QVERIFY(defaultDataMemory() > 0);  // Linux: half of MemAvailable
        QCOMPARE(resolveDataMemory("3M"), int64_t(3) << 20);
        TrainConfig bad = test::tinyTrainConfig(gray_, "", 1);
        bad.dataMemory = "3 apples";
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, bad.validate());
    }

    // The streamed folder lists the same images as the in-memory one, with the same statistics
    // and the same bytes, and an epoch of streamed batches (augmented, through the prefetch
    // thread) equals the in-memory epoch bit for bit.
    void streamedEpochEqualsInMemory() {
        const ImageSpec spec{3, 100, 120};  // 36,000 bytes: 29 images per 1 MiB chunk, 3 chunks
        test::writeText(rgb_ + "/b/broken.png", "not an image");  // skipped in both modes
        // The first pass writes the cache as it decodes; a direct decode is the reference.
        BoundedFolder streamed = loadBoundedFolder(rgb_.toStdString(), spec, 2, 0);
        DecodedImages direct = loadImageFolder(rgb_.toStdString(), spec, 1, {}, nullptr, /*useCache=*/false);
        QVERIFY(!streamed.info.fromCache);
        QVERIFY(streamed.isStreamed());
        QVERIFY(streamed.images.pixels.empty());
        QVERIFY(streamed.images.labels == direct.labels);
        QVERIFY(streamed.images.paths == direct.paths);
        QVERIFY(streamed.images.skippedPaths == direct.skippedPaths);
        QCOMPARE(direct.skippedPaths.size(), size_t(1));
        std::vector<double> m1, s1, m2, s2;
        channelMeanStd(direct, m1, s1);
        streamed.meanStd(m2, s2);
        QVERIFY(m1 == m2 && s1 == s2);  // exact: integer sums
        // Read back whole (a folder within the budget) it is the same folder.
        const BoundedFolder inMemory = loadBoundedFolder(rgb_.toStdString(), spec, 2, -1);
        QVERIFY(inMemory.info.fromCache && !inMemory.isStreamed());
        QVERIFY(inMemory.images.pixels == direct.pixels);

        DecodedImages copy = direct;
        const BatchSource memory = BatchSource::takingPixels(copy, m1, s1);
        const BatchSource stream = BatchSource::streaming(streamed.images, streamed.streamed, m1, s1);
        const std::vector<int64_t> some = {59, 0, 7, 7, 31, 1, 58};
        QVERIFY(torch::equal(memory.gather(some), stream.gather(some)));

        const int64_t n = memory.size(), batch = 8, batches = (n + batch - 1) / batch;
        const std::vector<int64_t> order = shuffledIndices(n, 42);
        const Augment augment = parseAugment("flip+crop+jitter");
        std::mt19937_64 rngA(5), rngB(5);
        const BatchAssembler a(memory), b(stream);
        auto assemble = [&](const BatchAssembler& assembler, std::mt19937_64& rng) {
            return [&, batch, n](int64_t k) {
                std::vector<int64_t> idx(order.begin() + k * batch, order.begin() + std::min(n, (k + 1) * batch));
                return assembler.make(idx, augment, &rng);
            };
        };
        const CachedPixels::Stats before = streamed.streamed->stats();
        BatchPrefetcher pa(batches, assemble(a, rngA)), pb(batches, assemble(b, rngB));
        for (int64_t k = 0; k < batches; ++k) {
            const Batch x = pa.next(), y = pb.next();
            QVERIFY(torch::equal(x.images, y.images));
            QVERIFY(torch::equal(x.labels, y.labels));
        }
        // Every image read once, never more than a batch at a time.
        const CachedPixels::Stats after = streamed.streamed->stats();
        QCOMPARE(after.images - before.images, n);
        QCOMPARE(after.reads - before.reads, batches);
        QVERIFY(after.largestRead <= std::max<int64_t>(batch, int64_t(some.size())));
    }

    void epochOrderIsASeededShuffle() {
        const int64_t n = 1000;
        const std::vector<int64_t> a = shuffledIndices(n, 1), again = shuffledIndices(n, 1);
        std::vector<int64_t> sorted = a;
        std::sort(sorted.begin(), sorted.end());
        for (int64_t i = 0; i < n; ++i) QCOMPARE(sorted[size_t(i)], i);  // every image exactly once
        QVERIFY(a == again);                                              // the seed decides
        QVERIFY(a != shuffledIndices(n, 2));                              // other epoch or seed: other order
        int inPlace = 0;
        for (int64_t i = 0; i < n; ++i) inPlace += a[size_t(i)] == i;
        QVERIFY(inPlace < 20);  // a whole-epoch shuffle, not chunks kept in order
    }

    // --data-memory below the folder's size streams, with the weights of the in-memory run
    // (same order, same bytes), every image read once per epoch, a batch at a time.
    void streamedTrainingHasTheInMemoryWeights() {
        const Design design = parseDesign(test::tinyCnnDesign().toStdString());
        TrainConfig memory = test::tinyTrainConfig(gray_, tmp_.filePath("memory.h5"), 2);
        memory.augment = "flip+crop";
        TrainConfig streamed = memory;
        streamed.run = tmp_.filePath("streamed.h5").toStdString();
        streamed.dataMemory = "10K";  // 90 images of 16x16: 22.5 KiB
        Trainer b(design, streamed);  // first: its first pass writes the cache the other reads whole
        auto counter = std::make_shared<ReadCounter>();
        b.addExtension(counter);
        QVERIFY(b.run().status == TrainResult::Status::Finished);
        Trainer a(design, memory);
        QVERIFY(a.run().status == TrainResult::Status::Finished);
        const RunData ra = readRunFile(memory.run), rb = readRunFile(streamed.run);
        QVERIFY(sameCheckpoint(ra, rb));
        QVERIFY(ra.stepLoss == rb.stepLoss);
        QCOMPARE(ra.config.at("data_streamed").get<bool>(), false);
        QCOMPARE(rb.config.at("data_streamed").get<bool>(), true);
        QCOMPARE(rb.config.at("data_memory_bytes").get<int64_t>(), int64_t(10240));
        QCOMPARE(rb.config.at("data_memory").get<std::string>(), std::string("10K"));
        QVERIFY(counter->pixels);
        QCOMPARE(counter->atEpochEnd.size(), size_t(2));
        // Per epoch: each image once for its batch, and once more for the per-example record's
        // evaluation pass (augmented training: ExampleRecorder.h).
        QCOMPARE(counter->atEpochEnd[0].images, int64_t(2 * 90));
        QCOMPARE(counter->atEpochEnd[1].images, int64_t(4 * 90));
        QCOMPARE(counter->atEpochEnd[1].reads, int64_t(2 * (6 + 1)));  // 6 batches of 16 and 1 evaluation batch
        QVERIFY(counter->atEpochEnd[1].largestRead <= 90);
    }

    // With a validation split, a validation folder and a test folder, all streamed.
    void streamedValidationAndTestEqualInMemory() {
        const Design design = parseDesign(test::tinyCnnDesign().toStdString());
        const QString val = folder("val", 6), testFolder = folder("test", 5);
        TrainConfig memory = test::tinyTrainConfig(gray_, tmp_.filePath("vm.h5"), 1);
        memory.val = val.toStdString();
        memory.test = testFolder.toStdString();
        TrainConfig streamed = memory;
        streamed.run = tmp_.filePath("vs.h5").toStdString();
        streamed.dataMemory = "0";
        const TrainResult a = Trainer(design, memory).run(), b = Trainer(design, streamed).run();
        QVERIFY(a.status == TrainResult::Status::Finished && b.status == TrainResult::Status::Finished);
        QCOMPARE(a.metrics.epochs.back().valLoss, b.metrics.epochs.back().valLoss);
        QCOMPARE(a.metrics.test.loss, b.metrics.test.loss);
        QVERIFY(sameCheckpoint(readRunFile(memory.run), readRunFile(streamed.run)));
    }

    // A write failure in the first pass (a full disk, injected) leaves neither the cache file
    // nor its temp file, and the error names the folder; the next try writes the cache.
    void failedFirstPassLeavesNoPartialFile() {
        const QString dir = folder("fails", 12);
        const size_t filesBefore = cacheFiles(cacheDir_).size();
        qputenv("STRATA_TEST_CACHE_FAIL_AFTER", "20");
        try {
            loadBoundedFolder(dir.toStdString(), {1, 16, 16}, 2, 0);
            QFAIL("a failed cache write did not stop the load");
        } catch (const DataError& e) {
            const QString text = e.what();
            QVERIFY2(text.startsWith(dir) && text.contains("No space left on device"), e.what());
        }
        qunsetenv("STRATA_TEST_CACHE_FAIL_AFTER");
        QCOMPARE(cacheFiles(cacheDir_).size(), filesBefore);  // no .h5, no .tmp-
        const BoundedFolder ok = loadBoundedFolder(dir.toStdString(), {1, 16, 16}, 2, 0);
        QVERIFY(ok.isStreamed());
        QCOMPARE(ok.images.count(), int64_t(36));
        QCOMPARE(cacheFiles(cacheDir_).size(), filesBefore + 1);
    }

    void tooFullADiskIsRefusedBeforeWriting() {
        const QString dir = folder("full", 4);
        qputenv("STRATA_TEST_CACHE_FREE_BYTES", "1000");
        try {
            loadBoundedFolder(dir.toStdString(), {1, 16, 16}, 1, 0);
            QFAIL("a disk without room for the cache was not refused");
        } catch (const DataError& e) {
            const QString text = e.what();
            QVERIFY2(text.startsWith(dir) && text.contains("1000 B free") && text.contains(QString::fromStdString(cacheDir_)),
                     e.what());
        }
        // In memory the folder needs no cache: the load goes on without one.
        FolderLoadInfo info;
        const DecodedImages images = loadImageFolder(dir.toStdString(), {1, 16, 16}, 1, {}, &info);
        QCOMPARE(images.count(), int64_t(12));
        QVERIFY2(QString::fromStdString(info.cacheNote).startsWith("not written"), info.cacheNote.c_str());
        qunsetenv("STRATA_TEST_CACHE_FREE_BYTES");
    }

    void streamingNeedsTheCache() {
        qputenv("STRATA_NO_CACHE", "1");
        try {
            loadBoundedFolder(gray_.toStdString(), {1, 16, 16}, 1, 100);
            QFAIL("streamed without a cache");
        } catch (const DataError& e) {
            QVERIFY2(QString(e.what()).contains("--data-memory") && QString(e.what()).contains("STRATA_NO_CACHE"), e.what());
        }
        qunsetenv("STRATA_NO_CACHE");
    }

    // STRATA_CACHE_FILES bounds the cache folder; the least recently used file goes first.
    void cacheBudgetEvictsLeastRecentlyUsed() {
        const QString home = tmp_.filePath("lru-home");
        qputenv("XDG_CACHE_HOME", home.toUtf8());
        qputenv("STRATA_CACHE_FILES", "2");
        const std::string dir = decode_cache::directory();
        const ImageSpec spec{1, 8, 8};
        std::vector<std::string> files;
        for (int i = 0; i < 3; ++i) {
            const std::string f = folder(QString("lru%1").arg(i), 2).toStdString();
            if (i == 2) {  // folder 0 read again: now the most recently used
                FolderLoadInfo hit;
                loadImageFolder(files[0], spec, 1, {}, &hit);
                QVERIFY(hit.fromCache);
            }
            FolderLoadInfo info;
            loadImageFolder(f, spec, 1, {}, &info);
            files.push_back(f);
        }
        const std::vector<std::string> left = cacheFiles(dir);
        QCOMPARE(left.size(), size_t(2));
        FolderLoadInfo info;
        loadImageFolder(files[1], spec, 1, {}, &info);
        QVERIFY(!info.fromCache);  // folder 1 was evicted
        loadImageFolder(files[0], spec, 1, {}, &info);
        QVERIFY(!info.fromCache);  // ... and now folder 0, behind 2 and 1
        qunsetenv("STRATA_CACHE_FILES");
        QCOMPARE(decode_cache::budget().maxFiles, 16);
        qputenv("STRATA_CACHE_SIZE", "20G");
        QCOMPARE(decode_cache::budget().maxBytes, int64_t(20) << 30);
        qunsetenv("STRATA_CACHE_SIZE");
        qputenv("XDG_CACHE_HOME", tmp_.filePath("cache-home").toUtf8());
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(StreamingTest)
#include "test_streaming.moc"
