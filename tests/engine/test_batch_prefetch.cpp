// The prefetching loader: BatchAssembler's batches equal BatchSource's bit for bit (every
// augmentation, gray and RGB, with the same generator draws), and BatchPrefetcher hands them
// over in order, passes on a failure and stops early without hanging.
// moc needs only the test class: skipping torch and the engine headers saves it seconds a file.
#ifndef Q_MOC_RUN
#include <torch/torch.h>
#endif

#include <QtTest>

#include <atomic>
#include <stdexcept>

#ifndef Q_MOC_RUN
#include "train/BatchAssembler.h"
#include "train/BatchPrefetcher.h"
#include "train/Batches.h"
#include "support/TrainFixtures.h"
#endif

using namespace strata;

class BatchPrefetchTest : public QObject {
    Q_OBJECT
private slots:
    void assemblerMatchesBatchSource_data() {
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("augment");
        for (int a = 0; a < 4; ++a) {
            const char* names[] = {"none", "flip", "crop", "flip+crop"};
            QTest::newRow(qPrintable(QString("gray 28x28 ") + names[a])) << 1 << 28 << 28 << a;
            QTest::newRow(qPrintable(QString("rgb 9x13 ") + names[a])) << 3 << 9 << 13 << a;
        }
    }

    void assemblerMatchesBatchSource() {
        QFETCH(int, channels);
        QFETCH(int, height);
        QFETCH(int, width);
        QFETCH(int, augment);
        const char* names[] = {"none", "flip", "crop", "flip+crop"};
        const ImageSpec spec{channels, height, width};
        const DecodedImages images = test::randomDecodedImages(50, spec, 7);
        std::vector<double> mean, stdev;
        channelMeanStd(images, mean, stdev);
        mean[0] += 0.013;  // odd values, so rounding differences would show
        const BatchSource source(images, mean, stdev);
        const BatchAssembler assembler(source);
        std::mt19937_64 a(11), b(11);
        for (int round = 0; round < 3; ++round) {
            const std::vector<int64_t> idx = {3, 49, 0, 17, 17, 8, 21};
            const torch::Tensor expected = source.images(idx, parseAugment(names[augment]), &a);
            const Batch got = assembler.make(idx, parseAugment(names[augment]), &b);
            QCOMPARE(got.images.sizes(), expected.sizes());
            QCOMPARE(got.images.scalar_type(), torch::kFloat32);
            QVERIFY(torch::equal(got.images, expected));  // exact, not close
            // Laid out channels-last, as the training's convolutions take it.
            QVERIFY(got.images.is_contiguous(at::MemoryFormat::ChannelsLast));
            QVERIFY(torch::equal(got.labels, source.labelsOf(idx)));
        }
        QCOMPARE(a(), b());  // the same number of draws
        QVERIFY(torch::equal(assembler.make({1, 2}).images, source.images({1, 2})));  // no generator: no augmentation
        QVERIFY_EXCEPTION_THROWN(assembler.make({50}), std::out_of_range);
    }

    // Taking the pixels over instead of copying them: the same batches, and the decoded set
    // left without its pixels (so it is never held twice); the pixels outlive the images.
    void takingPixelsMatchesCopying() {
        const ImageSpec spec{3, 6, 5};
        DecodedImages images = test::randomDecodedImages(20, spec, 3);
        const std::vector<double> mean{0.5, 0.4, 0.3}, stdev{0.2, 0.25, 0.3};
        const BatchSource copied(images, mean, stdev);
        std::unique_ptr<BatchSource> taken;
        {
            DecodedImages moved = images;
            taken = std::make_unique<BatchSource>(BatchSource::takingPixels(moved, mean, stdev));
            QVERIFY(moved.pixels.empty());
            QCOMPARE(moved.count(), int64_t(20));  // labels and paths stay
        }
        const std::vector<int64_t> idx = {19, 0, 7, 7};
        QVERIFY(torch::equal(taken->images(idx), copied.images(idx)));
        QVERIFY(torch::equal(taken->labelsOf(idx), copied.labelsOf(idx)));
        QCOMPARE(taken->size(), int64_t(20));
    }

    void prefetcherKeepsOrder() {
        std::vector<int64_t> made;
        BatchPrefetcher p(20, [&](int64_t b) {
            made.push_back(b);  // only the helper thread writes
            Batch batch;
            batch.labels = torch::full({1}, b, torch::kInt64);
            return batch;
        });
        for (int64_t b = 0; b < 20; ++b) QCOMPARE(p.next().labels.item<int64_t>(), b);
        QVERIFY_EXCEPTION_THROWN(p.next(), std::out_of_range);
        QCOMPARE(made.size(), size_t(20));
    }

    void prefetcherPassesOnFailures() {
        BatchPrefetcher p(5, [](int64_t b) {
            if (b == 2) throw std::runtime_error("batch 2 broke");
            Batch batch;
            batch.labels = torch::full({1}, b, torch::kInt64);
            return batch;
        });
        QCOMPARE(p.next().labels.item<int64_t>(), int64_t(0));
        QCOMPARE(p.next().labels.item<int64_t>(), int64_t(1));
        QVERIFY_EXCEPTION_THROWN(p.next(), std::runtime_error);
    }

    void prefetcherStopsEarlyAndStaysAhead() {
        std::atomic<int64_t> made{0};
        {
            BatchPrefetcher p(1000, [&](int64_t) {
                ++made;
                return Batch{torch::zeros({1}), torch::zeros({1}, torch::kInt64)};
            }, /*depth=*/2);
            p.next();
            // Stays at most `depth` batches ahead of the consumer (plus the one in hand).
            QTRY_VERIFY(made.load() >= 2);
            QTest::qWait(50);
            QVERIFY2(made.load() <= 4, qPrintable(QString::number(made.load())));
        }  // destroyed with batches pending: joins without hanging
        QVERIFY(made.load() < 1000);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(BatchPrefetchTest)
#include "test_batch_prefetch.moc"
