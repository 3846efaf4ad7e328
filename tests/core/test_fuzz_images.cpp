// Fuzzing of image decoding (issue "Bad input never crashes"): images of every supported format
// and depth, crafted headers that claim huge sizes, a CMYK JPEG, and seeded mutants of them
// (truncated, zero-byte, flipped bytes, wrong extensions) go through decodeImage at two specs.
// Each must decode to exactly C*H*W bytes or fail with a reason; never throw, never balloon
// memory. A folder of mixed good and bad files checks that loadImageFolder skips and counts.
#include "data/ImageFolder.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <sys/resource.h>

#include <fstream>
#include <random>

using namespace strata;

namespace {

constexpr unsigned kSeed = 4242;
constexpr int kMaxMutants = 20000;
constexpr qint64 kBudgetMs = 25000;

using Bytes = std::vector<uint8_t>;

long maxRssKb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

void writeBytes(const std::string& path, const Bytes& b) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}

Bytes encode(const cv::Mat& m, const std::string& ext, const std::vector<int>& params = {}) {
    Bytes out;
    cv::imencode(ext, m, out, params);
    return out;
}

// Noisy content, so that compressed bodies are not trivially uniform.
cv::Mat noise(int rows, int cols, int type, std::mt19937& rng) {
    cv::Mat m(rows, cols, type);
    cv::randu(m, cv::Scalar::all(0), cv::Scalar::all(CV_MAT_DEPTH(type) == CV_16U ? 65535 : 255));
    (void)rng;
    return m;
}

uint32_t crc32(const uint8_t* p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; ++i) {
        c ^= p[i];
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

void putBe32(uint8_t* p, uint32_t v) {
    p[0] = uint8_t(v >> 24), p[1] = uint8_t(v >> 16), p[2] = uint8_t(v >> 8), p[3] = uint8_t(v);
}

// A valid PNG whose IHDR (with a correct CRC) claims width x height: no pixels behind it.
Bytes hugePng(uint32_t width, uint32_t height) {
    Bytes png = encode(cv::Mat(1, 1, CV_8UC1, cv::Scalar(7)), ".png");
    putBe32(png.data() + 16, width);
    putBe32(png.data() + 20, height);
    putBe32(png.data() + 29, crc32(png.data() + 12, 17));  // over "IHDR" + 13 data bytes
    return png;
}

// A JPEG whose frame header claims width x height (the scan data stays that of 8 x 8).
Bytes bigJpeg(uint16_t width, uint16_t height) {
    Bytes jpg = encode(cv::Mat(8, 8, CV_8UC1, cv::Scalar(100)), ".jpg");
    for (size_t i = 2; i + 9 < jpg.size(); ++i)
        if (jpg[i] == 0xFF && jpg[i + 1] == 0xC0) {
            jpg[i + 5] = uint8_t(height >> 8), jpg[i + 6] = uint8_t(height);
            jpg[i + 7] = uint8_t(width >> 8), jpg[i + 8] = uint8_t(width);
            break;
        }
    return jpg;
}

// A BMP header claiming a huge (or negative, top-down) size.
Bytes hugeBmp(int32_t width, int32_t height) {
    Bytes bmp = encode(cv::Mat(2, 2, CV_8UC3, cv::Scalar(1, 2, 3)), ".bmp");
    std::memcpy(bmp.data() + 18, &width, 4);
    std::memcpy(bmp.data() + 22, &height, 4);
    return bmp;
}

// A baseline CMYK JPEG (4 components, Adobe marker, transform 0) crafted by hand, since OpenCV
// and Qt 6.4 cannot write one: one-symbol Huffman tables make every block "DC 0, EOB", i.e. the
// two bits 00, so the scan of a 16 x 16 image is 4 MCUs x 4 blocks x 2 bits = 4 zero bytes.
Bytes cmykJpeg() {
    Bytes j = {0xFF, 0xD8};
    auto add = [&](std::initializer_list<int> b) {
        for (int v : b) j.push_back(uint8_t(v));
    };
    add({0xFF, 0xEE, 0x00, 0x0E, 'A', 'd', 'o', 'b', 'e', 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00});  // APP14
    add({0xFF, 0xDB, 0x00, 0x43, 0x00});  // DQT, table 0, all ones
    for (int i = 0; i < 64; ++i) j.push_back(1);
    add({0xFF, 0xC0, 0x00, 0x14, 8, 0x00, 16, 0x00, 16, 4});  // SOF0: 16 x 16, 4 components
    for (int c = 1; c <= 4; ++c) add({c, 0x11, 0x00});
    for (int cls : {0x00, 0x10}) {  // DC then AC table 0: one code of length 1 for symbol 0
        add({0xFF, 0xC4, 0x00, 0x14, cls, 1});
        for (int i = 1; i < 16; ++i) j.push_back(0);
        j.push_back(0);
    }
    add({0xFF, 0xDA, 0x00, 0x0E, 4});  // SOS
    for (int c = 1; c <= 4; ++c) add({c, 0x00});
    add({0x00, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xD9});
    return j;
}

struct Sample {
    std::string name, ext;  // ext is the file's real format
    Bytes bytes;
};

std::vector<Sample> samples() {
    std::mt19937 rng(kSeed);
    std::vector<Sample> s;
    const cv::Mat gray = noise(20, 24, CV_8UC1, rng), rgb = noise(20, 24, CV_8UC3, rng),
                  rgba = noise(20, 24, CV_8UC4, rng), gray16 = noise(20, 24, CV_16UC1, rng),
                  rgb16 = noise(20, 24, CV_16UC3, rng), one = noise(1, 1, CV_8UC3, rng);
    s.push_back({"gray", ".png", encode(gray, ".png")});
    s.push_back({"rgb", ".png", encode(rgb, ".png")});
    s.push_back({"rgba", ".png", encode(rgba, ".png")});
    s.push_back({"gray16", ".png", encode(gray16, ".png")});
    s.push_back({"rgb16", ".png", encode(rgb16, ".png")});
    s.push_back({"one", ".png", encode(one, ".png")});
    s.push_back({"gray", ".jpg", encode(gray, ".jpg")});
    s.push_back({"rgb", ".jpg", encode(rgb, ".jpg")});
    s.push_back({"progressive", ".jpg", encode(rgb, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1})});
    s.push_back({"one", ".jpg", encode(one, ".jpg")});
    s.push_back({"gray", ".bmp", encode(gray, ".bmp")});
    s.push_back({"rgb", ".bmp", encode(rgb, ".bmp")});
    s.push_back({"one", ".bmp", encode(one, ".bmp")});
    s.push_back({"gray", ".tiff", encode(gray, ".tiff")});
    s.push_back({"rgba", ".tiff", encode(rgba, ".tiff")});
    s.push_back({"gray16", ".tiff", encode(gray16, ".tiff")});
    s.push_back({"rgb16", ".tif", encode(rgb16, ".tif")});
    cv::Mat f32;
    rgb.convertTo(f32, CV_32FC3, 1.0 / 255);
    s.push_back({"float", ".tiff", encode(f32, ".tiff")});
    s.push_back({"cmyk", ".jpg", cmykJpeg()});
    return s;
}

}  // namespace

class FuzzImagesTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    int tried_ = 0, decoded_ = 0, refused_ = 0;
    QString failure_;  // what the last failed check found

    // decodeImage at both specs; false after reporting a violation.
    bool check(const std::string& path, const QString& label, bool mustDecode = false, bool mustFail = false) {
        for (const ImageSpec& spec : {ImageSpec{1, 28, 28}, ImageSpec{3, 32, 32}}) {
            ++tried_;
            std::vector<uint8_t> out;
            std::string why;
            bool ok = false;
            try {
                ok = decodeImage(path, spec, out, &why);
            } catch (const std::exception& e) {
                failure_ = (QString("decodeImage threw on %1: %2").arg(label, e.what()));
                return false;
            }
            if (ok && out.size() != size_t(spec.pixelsPerImage())) {
                failure_ = (QString("%1: %2 bytes for %3x%4x%5")
                                            .arg(label).arg(out.size()).arg(spec.channels).arg(spec.height).arg(spec.width));
                return false;
            }
            if (!ok && why.empty()) {
                failure_ = label + ": refused without a reason";
                return false;
            }
            if (mustDecode && !ok) {
                failure_ = (label + ": valid image refused: " + QString::fromStdString(why));
                return false;
            }
            if (mustFail && ok) {
                failure_ = (label + ": bad image accepted");
                return false;
            }
            ok ? ++decoded_ : ++refused_;
        }
        return true;
    }

    std::string file(const QString& name, const Bytes& b) {
        const std::string path = tmp_.filePath(name).toStdString();
        writeBytes(path, b);
        return path;
    }

private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void validImages() {
        for (const Sample& s : samples()) {
            if (s.name == "cmyk") continue;  // below: decoding CMYK is a bonus, refusing it is fine
            QVERIFY2(!s.bytes.empty(), (s.name + s.ext).c_str());
            QVERIFY2(check(file(QString::fromStdString("valid-" + s.name + s.ext), s.bytes),
                          QString::fromStdString(s.name + s.ext), true), qPrintable(failure_));
        }
        std::vector<uint8_t> out;
        std::string why;
        const bool cmyk = decodeImage(file("cmyk.jpg", cmykJpeg()), {3, 32, 32}, out, &why);
        qInfo("crafted CMYK JPEG: %s", cmyk ? "decoded" : ("refused: " + why).c_str());
        QVERIFY2(check(tmp_.filePath("cmyk.jpg").toStdString(), "cmyk.jpg"), qPrintable(failure_));
    }

    // Headers that claim huge images must be refused (or decoded) without allocating gigabytes.
    void hugeHeaders() {
        const long before = maxRssKb();
        QElapsedTimer t;
        t.start();
        QVERIFY2(check(file("huge1.png", hugePng(100000, 100000)), "png 100000x100000", false, true), qPrintable(failure_));
        QVERIFY2(check(file("huge2.png", hugePng(0xFFFFFFFFu, 0xFFFFFFFFu)), "png 2^32-1 square", false, true), qPrintable(failure_));
        QVERIFY2(check(file("huge3.png", hugePng(10001, 10000)), "png 10001x10000", false, true), qPrintable(failure_));
        QVERIFY2(check(file("zero.png", hugePng(0, 5)), "png 0x5", false, true), qPrintable(failure_));
        QVERIFY2(check(file("huge.jpg", bigJpeg(65535, 65535)), "jpeg 65535x65535", false, true), qPrintable(failure_));
        QVERIFY2(check(file("big.jpg", bigJpeg(10000, 10000)), "jpeg 10000x10000 with 8x8 data"), qPrintable(failure_));
        QVERIFY2(check(file("huge.bmp", hugeBmp(100000, -100000)), "bmp 100000x-100000", false, true), qPrintable(failure_));
        QVERIFY2(check(file("min.bmp", hugeBmp(INT32_MIN, 2)), "bmp INT32_MIN wide", false, true), qPrintable(failure_));
        // A real 10000 x 10000 image (at the pixel limit): decodes or is refused, in bounded memory.
        QVERIFY2(check(file("real-10000.png", encode(cv::Mat(10000, 10000, CV_8UC1, cv::Scalar(9)), ".png")),
                      "real png 10000x10000"), qPrintable(failure_));
        const long grownMb = (maxRssKb() - before) / 1024;
        qInfo("huge headers: %lld ms, peak memory grew by %ld MB", static_cast<long long>(t.elapsed()), grownMb);
        QVERIFY2(grownMb < 1024, qPrintable(QString("peak memory grew by %1 MB").arg(grownMb)));
    }

    void mutants() {
        const std::vector<Sample> base = samples();
        const char* exts[] = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".PNG"};
        std::mt19937 rng(kSeed);
        const long before = maxRssKb();
        QElapsedTimer budget;
        budget.start();
        QVERIFY2(check(file("empty.png", {}), "zero-byte", false, true), qPrintable(failure_));
        int i = 0;
        for (; i < kMaxMutants && budget.elapsed() < kBudgetMs; ++i) {
            const Sample& s = base[size_t(i) % base.size()];
            Bytes b = s.bytes;
            std::string kind;
            switch (rng() % 6) {
                case 0:  // truncated anywhere
                    b.resize(rng() % b.size());
                    kind = "cut";
                    break;
                case 1: {  // header bytes flipped
                    const int flips = 1 + int(rng() % 4);
                    for (int k = 0; k < flips; ++k) b[rng() % std::min<size_t>(b.size(), 64)] = uint8_t(rng());
                    kind = "head";
                    break;
                }
                case 2: {  // body bytes flipped
                    const int flips = 1 + int(rng() % 16);
                    for (int k = 0; k < flips; ++k) b[rng() % b.size()] = uint8_t(rng());
                    kind = "body";
                    break;
                }
                case 3: {  // header flipped and cut
                    b[rng() % std::min<size_t>(b.size(), 32)] ^= uint8_t(1u << (rng() % 8));
                    b.resize(b.size() / 2 + rng() % (b.size() / 2 + 1));
                    kind = "headcut";
                    break;
                }
                case 4: {  // random bytes behind a real magic number
                    const size_t keep = std::min<size_t>(b.size(), 4 + rng() % 16);
                    b.resize(keep + rng() % 512);
                    for (size_t k = keep; k < b.size(); ++k) b[k] = uint8_t(rng());
                    kind = "garbage";
                    break;
                }
                default:  // intact, under a wrong extension
                    kind = "ext";
                    break;
            }
            const std::string ext = exts[rng() % std::size(exts)];
            const QString name = QString("m%1-%2-%3%4").arg(i).arg(QString::fromStdString(s.name), QString::fromStdString(kind),
                                                              QString::fromStdString(ext));
            const std::string path = file(name, b);
            QVERIFY2(check(path, name + QString(" (seed %1)").arg(kSeed)), qPrintable(failure_));
            QFile::remove(QString::fromStdString(path));
        }
        const long grownMb = (maxRssKb() - before) / 1024;
        qInfo("fuzzed %d image decodes (%d mutants + fixed cases in %lld ms, seed %u): %d decoded, %d refused; "
              "peak memory grew by %ld MB",
              tried_, i, static_cast<long long>(budget.elapsed()), kSeed, decoded_, refused_, grownMb);
        QCOMPARE(decoded_ + refused_, tried_);
        QVERIFY(i >= 200);
        QVERIFY(refused_ > 0 && decoded_ > 0);
        QVERIFY2(grownMb < 1024, qPrintable(QString("peak memory grew by %1 MB").arg(grownMb)));
    }

    // A folder of good and bad files: the bad ones are skipped and listed, the good ones kept.
    void mixedFolder() {
        const QString root = tmp_.filePath("folder");
        std::vector<Sample> good = samples();
        good.erase(std::remove_if(good.begin(), good.end(), [](const Sample& s) { return s.name == "cmyk"; }), good.end());
        std::vector<std::pair<std::string, Bytes>> bad = {
            {"zero.png", {}},
            {"text.png", Bytes{'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'}},
            {"huge.png", hugePng(100000, 100000)},
            {"huge.jpg", bigJpeg(65535, 65535)},
        };
        const Bytes png = encode(cv::Mat(8, 8, CV_8UC1, cv::Scalar(3)), ".png");
        bad.push_back({"cut.png", Bytes(png.begin(), png.begin() + long(png.size() / 2))});
        const Bytes jpg = encode(cv::Mat(8, 8, CV_8UC1, cv::Scalar(3)), ".jpg");
        bad.push_back({"cut.jpeg", Bytes(jpg.begin(), jpg.begin() + 20)});
        int goodCount = 0, badCount = 0;
        for (const char* cls : {"a", "b"}) {
            QDir().mkpath(root + "/" + cls);
            for (const Sample& s : good)
                writeBytes((root + "/" + cls + "/" + QString::fromStdString(s.name + s.ext)).toStdString(), s.bytes), ++goodCount;
            for (const auto& [name, bytes] : bad)
                writeBytes((root + "/" + cls + "/" + QString::fromStdString(name)).toStdString(), bytes), ++badCount;
        }
        QDir().mkpath(root + "/c");  // a class of nothing but bad files: an error, not a silent drop
        for (const auto& [name, bytes] : bad) writeBytes((root + "/c/" + QString::fromStdString(name)).toStdString(), bytes);
        try {
            loadImageFolder(root.toStdString(), {1, 28, 28}, 2);
            QFAIL("a class of unreadable files must be refused");
        } catch (const DataError& e) {
            QVERIFY2(std::string(e.what()).find("unreadable") != std::string::npos, e.what());
        }
        QDir(root + "/c").removeRecursively();
        for (int threads : {1, 2}) {
            const DecodedImages d = loadImageFolder(root.toStdString(), {3, 32, 32}, threads);
            QCOMPARE(int(d.count()), goodCount);
            QCOMPARE(int(d.skippedPaths.size()), badCount);
            QCOMPARE(d.pixels.size(), size_t(goodCount) * 3 * 32 * 32);
            const std::string report = skipReport(d);
            QVERIFY2(report.find("skipped") != std::string::npos &&
                         report.find(std::to_string(badCount)) != std::string::npos,
                     report.c_str());
        }
        qInfo("mixed folder: %d good and %d bad files, all bad ones skipped and reported", goodCount, badCount);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_APPLESS_MAIN(FuzzImagesTest)
#include "test_fuzz_images.moc"
