// Augmentations (parsing, each one's effect on an image, determinism), class-imbalance helpers
// (inverse-frequency weights, the balanced sampler) and the learning-rate finder's ramp and
// rule on synthetic loss curves. All torch-free.
#include <QtTest>

#include <cmath>
#include <map>

#include "data/AugmentPreview.h"
#include "train/ClassBalance.h"
#include "train/LrFinder.h"
#include "train/TrainConfig.h"

using namespace strata;

namespace {

const ImageSpec kSpec{1, 16, 16};

// A gradient with a bright dot off centre: flips, rotations and jitter all change it.
std::vector<uint8_t> testImage() {
    std::vector<uint8_t> image(256);
    for (int y = 0; y < 16; ++y)
        for (int x = 0; x < 16; ++x) image[size_t(y * 16 + x)] = uint8_t(40 + 8 * x + y);
    image[3 * 16 + 2] = 255;
    return image;
}

std::vector<std::vector<uint8_t>> preview(const char* augment, uint64_t seed = 1, int count = 16) {
    return augmentPreview(testImage(), kSpec, parseAugment(augment), seed, count, {7});
}

int fillCount(const std::vector<uint8_t>& image) { return int(std::count(image.begin(), image.end(), uint8_t(7))); }

}  // namespace

class AugmentBalanceTest : public QObject {
    Q_OBJECT
private slots:
    void parsesAnyOrderCanonically() {
        QCOMPARE(augmentName(parseAugment("none")), std::string("none"));
        QCOMPARE(augmentName(parseAugment("crop+flip")), std::string("flip+crop"));
        QCOMPARE(augmentName(parseAugment("erase+jitter+rotate+crop+flip")), std::string("flip+crop+rotate+jitter+erase"));
        const Augment a = parseAugment("rotate+erase");
        QVERIFY(a.rotate && a.erase && !a.flip && !a.crop && !a.jitter);
    }

    void rejectsUnknownAndRepeatedNames() {
        for (const char* bad : {"flip+spin", "flip+flip", "", "flip+", "none+flip"}) {
            try {
                parseAugment(bad);
                QFAIL(bad);
            } catch (const std::invalid_argument& e) {
                const std::string what = e.what();
                QVERIFY2(what.find("--augment") != std::string::npos, e.what());
            }
        }
        try {
            parseAugment("crop+spin");
        } catch (const std::invalid_argument& e) {
            QVERIFY(std::string(e.what()).find("\"spin\"") != std::string::npos);
        }
        TrainConfig c;
        c.data = "x";
        c.augment = "flip+rotate+erase";
        c.validate();
        c.augment = "flip+blur";
        QVERIFY_EXCEPTION_THROWN(c.validate(), std::invalid_argument);
    }

    void noneLeavesTheImage() {
        for (const auto& image : preview("none")) QCOMPARE(image, testImage());
    }

    void flipMirrorsSomeImages() {
        const auto images = preview("flip");
        int flipped = 0;
        for (const auto& image : images) {
            if (image == testImage()) continue;
            ++flipped;
            QCOMPARE(image[size_t(3 * 16 + 13)], uint8_t(255));  // the dot, mirrored
        }
        QVERIFY(flipped > 2 && flipped < 14);
    }

    void rotateTurnsByASmallAngle() {
        int changed = 0;
        for (const auto& image : preview("rotate")) {
            if (image != testImage()) ++changed;
            QCOMPARE(image[size_t(8 * 16 + 8)], testImage()[size_t(8 * 16 + 8)]);  // the centre stays
            QVERIFY(fillCount(image) < 30);  // 10 degrees fill only the corners
        }
        QVERIFY(changed >= 8);  // under about 3 degrees nearest pixels may not move
    }

    void jitterChangesBrightnessAndContrast() {
        std::vector<double> means;
        for (const auto& image : preview("jitter")) {
            QCOMPARE(fillCount(image), 0);  // no geometry
            double sum = 0;
            for (uint8_t v : image) sum += v;
            means.push_back(sum / 256);
        }
        const auto [lo, hi] = std::minmax_element(means.begin(), means.end());
        QVERIFY2(*hi - *lo > 5, qPrintable(QString::number(*hi - *lo)));
    }

    void eraseBlanksARectangleHalfTheTime() {
        int erased = 0;
        for (const auto& image : preview("erase", 3, 64)) {
            const int filled = fillCount(image);
            if (filled == 0) continue;
            ++erased;
            QVERIFY(filled >= 2 && filled <= int(0.33 * 256) + 16);  // 2-33 % of the area
        }
        QVERIFY2(erased > 16 && erased < 48, qPrintable(QString::number(erased)));
    }

    void sameSeedSameImages() {
        const char* all = "flip+crop+rotate+jitter+erase";
        QCOMPARE(preview(all, 5), preview(all, 5));
        QVERIFY(preview(all, 5) != preview(all, 6));
        // Flip and crop draw as before the new augmentations existed.
        std::mt19937_64 a(9), b(9);
        const AugmentDraw d = drawAugment(parseAugment("flip+crop"), 16, 16, a);
        const uint64_t dy = b() % 5, dx = b() % 5;
        const bool flip = b() & 1;
        QCOMPARE(uint64_t(d.dy), dy);
        QCOMPARE(uint64_t(d.dx), dx);
        QCOMPARE(d.flip, flip);
    }

    void inverseFrequencyWeightsAverageOne() {
        const std::vector<double> w = inverseFrequencyWeights({100, 100, 5, 0});
        QCOMPARE(w.size(), size_t(4));
        QCOMPARE(w[3], 0.0);                               // an absent class
        QVERIFY(std::abs((w[0] + w[1] + w[2]) / 3 - 1) < 1e-12);
        QVERIFY(std::abs(w[2] / w[0] - 20) < 1e-9);        // inverse frequency
        QCOMPARE(classCounts({0, 2, 2, 1, 2}, 3), (std::vector<int64_t>{1, 1, 3}));
    }

    void balancedSamplerDrawsClassesEqually() {
        std::vector<int64_t> labels;
        for (int i = 0; i < 3000; ++i) labels.push_back(i < 2900 ? i % 2 : 2);  // class 2: 100 of 3000
        const std::vector<int64_t> order = balancedOrder(labels, 3, 42);
        QCOMPARE(order.size(), labels.size());  // the same epoch length
        std::map<int64_t, int> perClass;
        for (int64_t position : order) ++perClass[labels[size_t(position)]];
        for (int c = 0; c < 3; ++c) QVERIFY2(std::abs(perClass[c] - 1000) < 100, qPrintable(QString::number(perClass[c])));
        QCOMPARE(balancedOrder(labels, 3, 42), order);  // seeded
        QVERIFY(balancedOrder(labels, 3, 43) != order);
    }

    void classBalanceSettingsValidateAndRoundTrip() {
        TrainConfig c;
        c.data = "x";
        c.classWeights = "auto";
        c.sampler = "balanced";
        c.validate();
        const TrainConfig back = TrainConfig::fromJson(c.toJson());
        QCOMPARE(back.classWeights, std::string("auto"));
        QCOMPARE(back.sampler, std::string("balanced"));
        c.classWeights = "inverse";
        QVERIFY_EXCEPTION_THROWN(c.validate(), std::invalid_argument);
        c.classWeights = "none";
        c.sampler = "random";
        QVERIFY_EXCEPTION_THROWN(c.validate(), std::invalid_argument);
    }

    void rampIsExponential() {
        const std::vector<double> lrs = rampLearningRates(LrRamp());
        QCOMPARE(lrs.size(), size_t(100));
        QVERIFY(std::abs(lrs.front() - 1e-7) < 1e-20);
        QVERIFY(std::abs(lrs.back() - 10) < 1e-9);
        for (size_t i = 2; i < lrs.size(); ++i) QVERIFY(std::abs(lrs[i] / lrs[i - 1] - lrs[1] / lrs[0]) < 1e-9);
    }

    // A synthetic curve: flat, falling fastest at 1e-3 (a sigmoid in log lr), then blowing up past 1e-1.
    void ruleIsTheSteepestDescent() {
        const std::vector<double> lrs = rampLearningRates(LrRamp());
        std::vector<double> losses;
        for (double lr : lrs) {
            const double x = std::log10(lr);
            losses.push_back(x < -1 ? 2.3 - 2 / (1 + std::exp(-3 * (x + 3))) : 0.3 + 20 * (x + 1) * (x + 1));
        }
        const double suggestion = suggestLearningRate(lrs, losses);
        // The smoothing lags a few steps behind the raw curve: the suggestion is a little high.
        QVERIFY2(suggestion > 1e-3 && suggestion < 3e-3, qPrintable(QString::number(suggestion)));
        // The smoothing lags by a few steps, no more.
        const std::vector<double> smoothed = smoothLosses(losses, LrRamp().smoothing);
        QCOMPARE(smoothed.front(), losses.front());  // bias-corrected
        QVERIFY(lossDiverged(smoothed, 4));
        QVERIFY(!lossDiverged(std::vector<double>(smoothed.begin(), smoothed.begin() + 70), 4));
        QCOMPARE(suggestLearningRate({1e-3, 1e-2}, {1, 2}), 0.0);  // too short
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_APPLESS_MAIN(AugmentBalanceTest)
#include "test_augment_balance.moc"
