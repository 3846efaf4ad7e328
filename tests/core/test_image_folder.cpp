// Image folder scanning, decoding by the preprocessing contract, skipping of bad files and
// channel statistics. All data is generated with OpenCV in a temporary folder.
#include "data/ImageFolder.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace strata;

namespace {

std::string write(const fs::path& p, const cv::Mat& img) {
    fs::create_directories(p.parent_path());
    if (!cv::imwrite(p.string(), img)) throw std::runtime_error("cannot write " + p.string());
    return p.string();
}

std::string writeBytes(const fs::path& p, const std::string& bytes) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
}

std::string readBytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

cv::Mat gray(int h, int w, int v) { return cv::Mat(h, w, CV_8UC1, cv::Scalar(v)); }

// A gradient, so that a wrong row/column order or plane layout shows.
cv::Mat gradient(int h, int w) {
    cv::Mat m(h, w, CV_8UC1);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) m.at<uint8_t>(y, x) = uint8_t(y * 16 + x * 3);
    return m;
}

template <class F>
QString errorOf(F&& f) {
    try {
        f();
    } catch (const DataError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

}  // namespace

class TestImageFolder : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    fs::path root() const { return fs::path(tmp_.path().toStdString()); }

private slots:
    void scanSortsClassesAndFiles() {
        const fs::path d = root() / "scan";
        write(d / "b" / "2.png", gray(4, 4, 1));
        write(d / "b" / "1.PNG", gray(4, 4, 1));
        write(d / "a" / "z.JPeG", gray(4, 4, 1));
        write(d / "a" / "y.jpg", gray(4, 4, 1));
        write(d / "a" / "x.bmp", gray(4, 4, 1));
        write(d / "c" / "t.tif", gray(4, 4, 1));
        write(d / "c" / "u.TIFF", gray(4, 4, 1));
        write(d / "a" / ".hidden.png", gray(4, 4, 1));       // hidden file
        write(d / ".cache" / "h.png", gray(4, 4, 1));        // hidden class folder
        write(d / "a" / ".thumbs" / "n.png", gray(4, 4, 1));  // nested folder: not an image
        writeBytes(d / "a" / "notes.txt", "hello");
        writeBytes(d / "b" / "anim.gif", "GIF89a");
        write(d / "stray.png", gray(4, 4, 1));  // a file beside the class folders

        const FolderIndex idx = scanImageFolder(d.string());
        QCOMPARE(idx.classes, (std::vector<std::string>{"a", "b", "c"}));
        QCOMPARE(idx.countPerClass, (std::vector<int64_t>{3, 2, 2}));
        QCOMPARE(idx.entries.size(), size_t(7));
        std::vector<std::string> names;
        std::vector<int64_t> labels;
        for (const auto& e : idx.entries) {
            names.push_back(fs::path(e.path).filename().string());
            labels.push_back(e.label);
        }
        QCOMPARE(names, (std::vector<std::string>{"x.bmp", "y.jpg", "z.JPeG", "1.PNG", "2.png", "t.tif", "u.TIFF"}));
        QCOMPARE(labels, (std::vector<int64_t>{0, 0, 0, 1, 1, 2, 2}));
    }

    void scanErrorsNameThePath() {
        const fs::path missing = root() / "nowhere";
        QVERIFY(errorOf([&] { scanImageFolder(missing.string()); }).contains(QString::fromStdString(missing.string())));

        const std::string file = writeBytes(root() / "plain.txt", "x");
        QVERIFY(errorOf([&] { scanImageFolder(file); }).contains("not a folder"));

        const fs::path noClasses = root() / "noclasses";
        write(noClasses / "loose.png", gray(2, 2, 0));
        write(noClasses / ".hidden" / "a.png", gray(2, 2, 0));
        const QString e1 = errorOf([&] { scanImageFolder(noClasses.string()); });
        QVERIFY2(e1.contains(QString::fromStdString(noClasses.string())) && e1.contains("no class folders"), qPrintable(e1));

        const fs::path emptyClass = root() / "emptyclass";
        write(emptyClass / "Bag" / "1.png", gray(2, 2, 0));
        writeBytes(emptyClass / "Coat" / "readme.txt", "x");
        write(emptyClass / "Coat" / ".hidden.png", gray(2, 2, 0));
        const QString e2 = errorOf([&] { scanImageFolder(emptyClass.string()); });
        QCOMPARE(e2, QString::fromStdString((emptyClass / "Coat").string() + ": class folder has no images"));
    }

    void decodesEveryFormat() {
        const cv::Mat g = gradient(6, 5);
        const ImageSpec spec{1, 6, 5};
        for (const char* ext : {"png", "bmp", "tif", "tiff"}) {
            std::vector<uint8_t> out;
            std::string why;
            QVERIFY2(decodeImage(write(root() / "fmt" / (std::string("g.") + ext), g), spec, out, &why), why.c_str());
            QCOMPARE(out, std::vector<uint8_t>(g.datastart, g.dataend));
        }
        // JPEG is lossy: a flat image survives within a step or two.
        std::vector<uint8_t> out;
        QVERIFY(decodeImage(write(root() / "fmt" / "flat.jpg", gray(8, 8, 120)), {1, 8, 8}, out));
        for (uint8_t v : out) QVERIFY(std::abs(int(v) - 120) <= 2);
        // The content decides, not the name: a PNG called .jpg still decodes.
        const fs::path misnamed = root() / "fmt" / "really-png.jpg";
        fs::copy_file(root() / "fmt" / "g.png", misnamed);
        QVERIFY(decodeImage(misnamed.string(), spec, out));
        QCOMPARE(out, std::vector<uint8_t>(g.datastart, g.dataend));
    }

    void convertsChannelsInRgbOrder() {
        // OpenCV stores BGR: (0, 0, 255) is pure red.
        const std::string red = write(root() / "ch" / "red.png", cv::Mat(2, 3, CV_8UC3, cv::Scalar(0, 0, 255)));
        std::vector<uint8_t> out;
        QVERIFY(decodeImage(red, {3, 2, 3}, out));
        QCOMPARE(out.size(), size_t(18));
        for (int i = 0; i < 6; ++i) {
            QCOMPARE(int(out[size_t(i)]), 255);  // R plane first
            QCOMPARE(int(out[size_t(6 + i)]), 0);
            QCOMPARE(int(out[size_t(12 + i)]), 0);
        }
        QVERIFY(decodeImage(red, {1, 2, 3}, out));
        QCOMPARE(out.size(), size_t(6));
        QCOMPARE(int(out[0]), 76);  // 0.299 * 255

        const std::string g = write(root() / "ch" / "gray.png", gray(2, 2, 77));
        QVERIFY(decodeImage(g, {3, 2, 2}, out));
        QCOMPARE(out, std::vector<uint8_t>(12, 77));
    }

    void handles16BitAndAlpha() {
        cv::Mat deep(2, 2, CV_16UC1);
        deep.at<uint16_t>(0, 0) = 65535;
        deep.at<uint16_t>(0, 1) = 257 * 100;
        deep.at<uint16_t>(1, 0) = 0;
        deep.at<uint16_t>(1, 1) = 257 * 7;
        std::vector<uint8_t> out;
        std::string why;
        QVERIFY2(decodeImage(write(root() / "deep" / "d16.png", deep), {1, 2, 2}, out, &why), why.c_str());
        QCOMPARE(out, (std::vector<uint8_t>{255, 100, 0, 7}));

        // BGRA blue with half alpha: alpha is dropped, colour kept as stored.
        const std::string rgba = write(root() / "deep" / "rgba.png", cv::Mat(2, 2, CV_8UC4, cv::Scalar(200, 10, 20, 128)));
        QVERIFY(decodeImage(rgba, {3, 2, 2}, out));
        QCOMPARE(out, (std::vector<uint8_t>{20, 20, 20, 20, 10, 10, 10, 10, 200, 200, 200, 200}));
    }

    void resizesBilinear() {
        // One row [0, 100] to width 4, half-pixel centres: 0, 25, 75, 100.
        cv::Mat row(1, 2, CV_8UC1);
        row.at<uint8_t>(0, 0) = 0;
        row.at<uint8_t>(0, 1) = 100;
        std::vector<uint8_t> out;
        QVERIFY(decodeImage(write(root() / "rs" / "row.png", row), {1, 1, 4}, out));
        QCOMPARE(out, (std::vector<uint8_t>{0, 25, 75, 100}));

        // 2x2 to 4x4: pixel (1, 1) samples source (0.25, 0.25).
        cv::Mat sq(2, 2, CV_8UC1);
        sq.at<uint8_t>(0, 0) = 0;
        sq.at<uint8_t>(0, 1) = 160;
        sq.at<uint8_t>(1, 0) = 80;
        sq.at<uint8_t>(1, 1) = 240;
        QVERIFY(decodeImage(write(root() / "rs" / "sq.png", sq), {1, 4, 4}, out));
        // 0.75*0.75*0 + 0.75*0.25*160 + 0.25*0.75*80 + 0.25*0.25*240 = 60
        QCOMPARE(int(out[1 * 4 + 1]), 60);
    }

    void badFilesFailWithReasons() {
        const fs::path d = root() / "bad";
        const std::string good = write(d / "good.png", gradient(16, 16));
        const std::string pngBytes = readBytes(good);
        const std::vector<std::string> bad = {
            writeBytes(d / "empty.png", ""),
            writeBytes(d / "truncated.png", pngBytes.substr(0, pngBytes.size() / 2)),
            writeBytes(d / "text.png", "this is not an image\n"),
            writeBytes(d / "garbage.jpg", std::string("\xff\xd8\xff\xe0garbage", 12)),
        };
        for (const std::string& p : bad) {
            std::vector<uint8_t> out;
            std::string why;
            QVERIFY2(!decodeImage(p, {1, 16, 16}, out, &why), p.c_str());
            QVERIFY2(!why.empty(), p.c_str());
        }
        std::string why;
        std::vector<uint8_t> out;
        QVERIFY(!decodeImage(writeBytes(d / "empty2.png", ""), {1, 4, 4}, out, &why));
        QCOMPARE(QString::fromStdString(why), QString("empty file"));
        QVERIFY(!decodeImage(bad[1], {1, 16, 16}, out, &why));
        QCOMPARE(QString::fromStdString(why), QString("truncated PNG"));
        QVERIFY(!decodeImage((d / "absent.png").string(), {1, 4, 4}, out, &why));
        QVERIFY(!decodeImage(good, {2, 4, 4}, out, &why));  // no such channel count

        // A header asking for 40000 x 40000 pixels is refused before decoding.
        std::string huge = pngBytes.substr(0, 33);
        const uint32_t side = 40000;
        for (int k = 0; k < 2; ++k)
            for (int b = 0; b < 4; ++b) huge[size_t(16 + 4 * k + b)] = char((side >> (24 - 8 * b)) & 0xff);
        QVERIFY(!decodeImage(writeBytes(d / "huge.png", huge), {1, 4, 4}, out, &why));
        QVERIFY2(QString::fromStdString(why).contains("too large"), why.c_str());
    }

    void loadSkipsAndReports() {
        const fs::path d = root() / "load";
        write(d / "cat" / "a.png", gray(4, 4, 10));
        write(d / "cat" / "b.png", gray(8, 8, 20));
        writeBytes(d / "cat" / "c.png", "");
        write(d / "dog" / "a.bmp", gray(4, 4, 30));
        writeBytes(d / "dog" / "b.jpg", "not a jpeg");
        writeBytes(d / "dog" / "c.tif", "II*\0junk");
        std::vector<std::pair<int64_t, int64_t>> calls;
        const DecodedImages img = loadImageFolder(d.string(), {1, 4, 4}, 1,
                                                  [&](int64_t done, int64_t total) { calls.push_back({done, total}); });
        QCOMPARE(img.count(), int64_t(3));
        QCOMPARE(img.labels, (std::vector<int64_t>{0, 0, 1}));
        QCOMPARE(img.classes, (std::vector<std::string>{"cat", "dog"}));
        QCOMPARE(img.pixels.size(), size_t(3 * 16));
        QCOMPARE(int(img.pixels[0]), 10);
        QCOMPARE(int(img.pixels[16]), 20);
        QCOMPARE(int(img.pixels[32]), 30);
        QCOMPARE(img.skippedPaths,
                 (std::vector<std::string>{(d / "cat" / "c.png").string(), (d / "dog" / "b.jpg").string(),
                                           (d / "dog" / "c.tif").string()}));
        QCOMPARE(img.skippedReasons.size(), size_t(3));
        QCOMPARE(QString::fromStdString(img.skippedReasons[0]), QString("empty file"));
        QVERIFY(!calls.empty());
        QCOMPARE(calls.back(), (std::pair<int64_t, int64_t>{6, 6}));

        const QString report = QString::fromStdString(skipReport(img));
        QVERIFY2(report.startsWith("skipped 3 unreadable files: " + QString::fromStdString((d / "cat" / "c.png").string()) +
                                   " (empty file), "),
                 qPrintable(report));
        QVERIFY(!report.contains("more"));
        const QString shorter = QString::fromStdString(skipReport(img, 1));
        QVERIFY2(shorter.endsWith(", and 2 more"), qPrintable(shorter));
        QVERIFY(!shorter.contains("b.jpg"));

        const DecodedImages clean = loadImageFolder((root() / "scan").string(), {1, 4, 4});
        QCOMPARE(skipReport(clean), std::string());
    }

    void classWithOnlyBadFilesIsAnError() {
        const fs::path d = root() / "allbad";
        write(d / "ok" / "a.png", gray(4, 4, 1));
        writeBytes(d / "broken" / "a.png", "nope");
        writeBytes(d / "broken" / "b.png", "");
        const QString e = errorOf([&] { loadImageFolder(d.string(), {1, 4, 4}, 2); });
        QVERIFY2(e.contains(QString::fromStdString((d / "broken").string())) && e.contains("unreadable"), qPrintable(e));
    }

    void sameResultWithAnyThreadCount() {
        const fs::path d = root() / "threads";
        for (int c = 0; c < 3; ++c)
            for (int i = 0; i < 70; ++i) {
                cv::Mat m(5 + i % 4, 6, CV_8UC3, cv::Scalar(i, c * 40, 255 - i));
                write(d / ("class" + std::to_string(c)) / ("img" + std::to_string(i) + ".png"), m);
            }
        writeBytes(d / "class1" / "img5.png", "corrupt");
        const ImageSpec spec{3, 7, 7};
        const DecodedImages one = loadImageFolder(d.string(), spec, 1);
        for (int threads : {2, 5}) {
            int64_t last = 0;
            const DecodedImages many = loadImageFolder(d.string(), spec, threads,
                                                       [&](int64_t done, int64_t) { last = done; });
            QCOMPARE(last, int64_t(210));
            QCOMPARE(many.count(), int64_t(209));
            QVERIFY(many.pixels == one.pixels);
            QVERIFY(many.labels == one.labels);
            QVERIFY(many.paths == one.paths);
            QVERIFY(many.skippedPaths == one.skippedPaths);
        }
    }

    void meanAndStd() {
        const fs::path d = root() / "stats";
        write(d / "a" / "black.png", cv::Mat(3, 3, CV_8UC3, cv::Scalar(0, 51, 0)));
        write(d / "b" / "white.png", cv::Mat(3, 3, CV_8UC3, cv::Scalar(0, 51, 255)));
        const DecodedImages img = loadImageFolder(d.string(), {3, 3, 3});
        std::vector<double> mean, sd;
        channelMeanStd(img, mean, sd);
        QCOMPARE(mean.size(), size_t(3));
        // R: half 0, half 1 -> mean 0.5, population std 0.5.
        QVERIFY(std::abs(mean[0] - 0.5) < 1e-12);
        QVERIFY(std::abs(sd[0] - 0.5) < 1e-12);
        // G: constant 0.2 -> std 0 is reported as 1 so normalization never divides by zero.
        QVERIFY(std::abs(mean[1] - 0.2) < 1e-12);
        QCOMPARE(sd[1], 1.0);
        QCOMPARE(mean[2], 0.0);
        QCOMPARE(sd[2], 1.0);

        DecodedImages none;
        none.spec = {1, 2, 2};
        channelMeanStd(none, mean, sd);
        QCOMPARE(mean, std::vector<double>{0.0});
        QCOMPARE(sd, std::vector<double>{1.0});
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(TestImageFolder)
#include "test_image_folder.moc"
