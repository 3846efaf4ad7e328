// Training batches under the new augmentations (rotate, jitter, erase): seeded, equal to the
// preview's pixels after normalization, and fast enough to run per batch on the prefetch thread.
#include <torch/torch.h>

#include <QElapsedTimer>
#include <QtTest>

#include <numeric>

#include "data/AugmentPreview.h"
#include "train/BatchAssembler.h"
#include "train/Batches.h"
#include "support/TrainFixtures.h"

using namespace strata;

class AugmentBatchesTest : public QObject {
    Q_OBJECT
private slots:
    void seededAndAsThePreview() {
        const ImageSpec spec{3, 12, 10};
        const DecodedImages images = test::randomDecodedImages(20, spec, 5);
        const BatchSource source(images, {0.5, 0.4, 0.3}, {0.25, 0.2, 0.3});
        const BatchAssembler assembler(source);
        const Augment all = parseAugment("flip+crop+rotate+jitter+erase");
        std::mt19937_64 a(17), b(17);
        const Batch first = assembler.make({4, 7, 7}, all, &a), again = assembler.make({4, 7, 7}, all, &b);
        QVERIFY(torch::equal(first.images, again.images));
        QVERIFY(!torch::equal(first.images, assembler.make({4, 7, 7}).images));
        QVERIFY(torch::equal(source.images({4, 7, 7}, all, &(a = std::mt19937_64(17))), first.images.contiguous()));

        // The preview draws the same way: its bytes, normalized, are the batch (fill: the mean).
        const int64_t per = spec.pixelsPerImage();
        const std::vector<uint8_t> image(images.pixels.begin() + 4 * per, images.pixels.begin() + 5 * per);
        const auto previews = augmentPreview(image, spec, all, 17, 1, {128, 102, 77});
        std::mt19937_64 c(17);
        const torch::Tensor one = assembler.make({4}, all, &c).images.contiguous();
        const torch::Tensor fromPreview = source.single(previews[0]);
        QVERIFY(torch::allclose(one, fromPreview, 1e-5, 0.01));  // fill bytes round the mean
    }

    void fastEnoughPerBatch() {
        const ImageSpec spec{1, 28, 28};
        const DecodedImages images = test::randomDecodedImages(512, spec, 9);
        const BatchSource source(images, {0.3}, {0.35});
        const BatchAssembler assembler(source);
        std::vector<int64_t> batch(256);
        std::iota(batch.begin(), batch.end(), 0);
        std::mt19937_64 rng(1);
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 4; ++i) assembler.make(batch, parseAugment("flip+crop+rotate+jitter+erase"), &rng);
        const double perImageUs = double(timer.nsecsElapsed()) / 1e3 / (4 * 256);
        qInfo("all five augmentations: %.1f us per 28x28 image", perImageUs);
        QVERIFY2(perImageUs < 200, qPrintable(QString::number(perImageUs)));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_APPLESS_MAIN(AugmentBatchesTest)
#include "test_augment_batches.moc"
