// IDX import: round trips of tiny generated files (plain and gzip), header errors naming the
// file, idempotent reruns, and the real Fashion-MNIST test set when it is installed.
#include "data/IdxImport.h"
#include "data/ImageFolder.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <zlib.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace strata;

namespace {

void be32(std::string& s, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) s.push_back(char((v >> shift) & 0xff));
}

std::string idx(uint32_t magic, const std::vector<uint32_t>& dims, const std::vector<uint8_t>& data) {
    std::string s;
    be32(s, magic);
    for (uint32_t d : dims) be32(s, d);
    s.append(data.begin(), data.end());
    return s;
}

std::string save(const fs::path& p, const std::string& bytes, bool gzip = false) {
    if (gzip) {
        gzFile f = gzopen(p.string().c_str(), "wb");
        gzwrite(f, bytes.data(), unsigned(bytes.size()));
        gzclose(f);
    } else {
        std::ofstream(p, std::ios::binary) << bytes;
    }
    return p.string();
}

std::string readBytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// Seven 3x4 images; image i has pixel k = i * 20 + k.
const std::vector<uint8_t> kLabels = {0, 1, 2, 1, 0, 2, 1};
std::vector<uint8_t> pixels() {
    std::vector<uint8_t> p;
    for (int i = 0; i < 7; ++i)
        for (int k = 0; k < 12; ++k) p.push_back(uint8_t(i * 20 + k));
    return p;
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

class TestIdxImport : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    fs::path root() const { return fs::path(tmp_.path().toStdString()); }

    void checkFolder(const fs::path& out, const std::vector<std::string>& names) {
        const std::vector<uint8_t> px = pixels();
        for (size_t i = 0; i < kLabels.size(); ++i) {
            char file[32];
            std::snprintf(file, sizeof file, "%05zu.png", i);
            const fs::path p = out / names[kLabels[i]] / file;
            const cv::Mat m = cv::imread(p.string(), cv::IMREAD_UNCHANGED);
            QVERIFY2(!m.empty(), p.c_str());
            QCOMPARE(m.type(), CV_8UC1);
            QCOMPARE(m.rows, 3);
            QCOMPARE(m.cols, 4);
            QVERIFY(std::equal(m.datastart, m.dataend, px.begin() + long(i * 12)));
        }
    }

private slots:
    void roundTripPlain() {
        const fs::path d = root() / "plain";
        fs::create_directories(d);
        const std::string images = save(d / "img.idx", idx(0x803, {7, 3, 4}, pixels()));
        const std::string labels = save(d / "lbl.idx", idx(0x801, {7}, kLabels));
        std::vector<std::pair<int64_t, int64_t>> calls;
        const IdxImportResult r = importIdx(images, labels, (d / "out").string(), {"zero", "one", "two", "unused"},
                                            [&](int64_t a, int64_t b) { calls.push_back({a, b}); });
        QCOMPARE(r.images, int64_t(7));
        QCOMPARE(r.written, int64_t(7));
        QCOMPARE(r.classes, (std::vector<std::string>{"zero", "one", "two"}));
        QCOMPARE(calls.back(), (std::pair<int64_t, int64_t>{7, 7}));
        QVERIFY(!fs::exists(d / "out" / "unused"));  // an empty class folder would break loading
        checkFolder(d / "out", {"zero", "one", "two"});

        // The result is a valid image folder for the loader.
        const DecodedImages loaded = loadImageFolder((d / "out").string(), {1, 3, 4});
        QCOMPARE(loaded.count(), int64_t(7));
        QCOMPARE(loaded.classes, (std::vector<std::string>{"one", "two", "zero"}));
    }

    void roundTripGzipWithDefaultNames() {
        const fs::path d = root() / "gz";
        fs::create_directories(d);
        const std::string images = save(d / "img.idx.gz", idx(0x803, {7, 3, 4}, pixels()), true);
        const std::string labels = save(d / "lbl.gz", idx(0x801, {7}, kLabels), true);
        QCOMPARE(uint8_t(readBytes(images)[0]), uint8_t(0x1f));
        const IdxImportResult r = importIdx(images, labels, (d / "out").string());
        QCOMPARE(r.images, int64_t(7));
        QCOMPARE(r.classes, (std::vector<std::string>{"0", "1", "2"}));
        checkFolder(d / "out", {"0", "1", "2"});
    }

    void secondImportSkipsWrites() {
        const fs::path d = root() / "again";
        fs::create_directories(d);
        const std::string images = save(d / "img", idx(0x803, {7, 3, 4}, pixels()));
        const std::string labels = save(d / "lbl", idx(0x801, {7}, kLabels));
        const std::string out = (d / "out").string();
        QCOMPARE(importIdx(images, labels, out).written, int64_t(7));
        const fs::path victim = d / "out" / "1" / "00003.png";
        const auto stamp = fs::last_write_time(d / "out" / "0" / "00000.png");
        std::ofstream(victim, std::ios::trunc) << "x";  // damaged by hand

        const IdxImportResult again = importIdx(images, labels, out);
        QCOMPARE(again.images, int64_t(7));
        QCOMPARE(again.written, int64_t(1));  // only the damaged file
        QCOMPARE(fs::last_write_time(d / "out" / "0" / "00000.png"), stamp);
        checkFolder(d / "out", {"0", "1", "2"});
        QCOMPARE(importIdx(images, labels, out).written, int64_t(0));
    }

    void limitTakesTheFirstImages() {
        const fs::path d = root() / "limit";
        fs::create_directories(d);
        const std::string images = save(d / "img.gz", idx(0x803, {7, 3, 4}, pixels()), true);
        const std::string labels = save(d / "lbl.gz", idx(0x801, {7}, kLabels), true);
        const IdxImportResult r = importIdx(images, labels, (d / "out").string(), {}, {}, 3);
        QCOMPARE(r.images, int64_t(3));
        QCOMPARE(r.classes, (std::vector<std::string>{"0", "1", "2"}));
        QVERIFY(fs::exists(d / "out" / "2" / "00002.png"));
        QVERIFY(!fs::exists(d / "out" / "1" / "00003.png"));
        // The headers are still checked whole: a count mismatch fails even under a limit.
        const std::string six = save(d / "six", idx(0x801, {6}, {0, 1, 2, 1, 0, 2}));
        QVERIFY(errorOf([&] { importIdx(images, six, (d / "out").string(), {}, {}, 3); }).contains("6 labels"));
    }

    void errorsNameTheFile() {
        const fs::path d = root() / "errors";
        fs::create_directories(d);
        const std::string images = save(d / "img", idx(0x803, {7, 3, 4}, pixels()));
        const std::string labels = save(d / "lbl", idx(0x801, {7}, kLabels));
        const std::string out = (d / "out").string();
        auto expect = [&](const QString& e, const std::string& file, const char* word) {
            QVERIFY2(e.startsWith(QString::fromStdString(file) + ":") && e.contains(word), qPrintable(e));
        };

        // Swapped arguments: each file has the other's magic.
        expect(errorOf([&] { importIdx(labels, images, out); }), labels, "magic");
        const std::string bogus = save(d / "bogus", "\x12\x34\x56\x78 and more");
        expect(errorOf([&] { importIdx(bogus, labels, out); }), bogus, "magic");
        const std::string tiny = save(d / "tiny", "\x00\x00", false);
        expect(errorOf([&] { importIdx(tiny, labels, out); }), tiny, "truncated");

        std::vector<uint8_t> fewer = pixels();
        fewer.resize(fewer.size() - 5);
        const std::string cut = save(d / "cut", idx(0x803, {7, 3, 4}, fewer));
        expect(errorOf([&] { importIdx(cut, labels, out); }), cut, "truncated");
        const std::string cutHeader = save(d / "cuthead", idx(0x803, {7, 3}, {}));
        expect(errorOf([&] { importIdx(cutHeader, labels, out); }), cutHeader, "truncated");

        // A gzip stream cut short is as truncated as a plain file.
        const std::string gz = readBytes(save(d / "full.gz", idx(0x803, {7, 3, 4}, pixels()), true));
        const std::string cutGz = save(d / "cut.gz", gz.substr(0, gz.size() - 30));
        const QString eGz = errorOf([&] { importIdx(cutGz, labels, out); });
        QVERIFY2(eGz.startsWith(QString::fromStdString(cutGz) + ":"), qPrintable(eGz));

        const std::string sixLabels = save(d / "six", idx(0x801, {6}, {0, 1, 2, 1, 0, 2}));
        const QString eCount = errorOf([&] { importIdx(images, sixLabels, out); });
        QVERIFY2(eCount.contains(QString::fromStdString(images)) && eCount.contains(QString::fromStdString(sixLabels)) &&
                     eCount.contains("7 images") && eCount.contains("6 labels"),
                 qPrintable(eCount));

        expect(errorOf([&] { importIdx(images, labels, out, {"a", "b"}); }), labels, "label 2");
        QVERIFY(errorOf([&] { importIdx(images, labels, out, {"a", "a", "b"}); }).contains("duplicate"));
        QVERIFY(errorOf([&] { importIdx(images, labels, out, {"a", "x/y", "b"}); }).contains("invalid class name"));
        QVERIFY(errorOf([&] { importIdx(images, labels, out, {"a", ".b", "c"}); }).contains("invalid class name"));
        QVERIFY(!errorOf([&] { importIdx((d / "absent").string(), labels, out); }).isEmpty());
        QVERIFY(!fs::exists(out));  // nothing written by a failed import
    }

    void realFashionMnistTestSet() {
        const fs::path src = "/usr/share/datasets/fashion-mnist";
        if (!fs::exists(src / "t10k-images-idx3-ubyte.gz")) QSKIP("Fashion-MNIST is not installed");
        const std::vector<std::string> names = {"T-shirt_top", "Trouser", "Pullover", "Dress", "Coat",
                                                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle_boot"};
        const fs::path out = root() / "fashion";
        // The first 200 images only: the full set takes seconds to write.
        const IdxImportResult r = importIdx((src / "t10k-images-idx3-ubyte.gz").string(),
                                            (src / "t10k-labels-idx1-ubyte.gz").string(), out.string(), names, {}, 200);
        QCOMPARE(r.images, int64_t(200));
        QCOMPARE(r.classes, names);  // all ten classes occur in the first 200
        const FolderIndex idx = scanImageFolder(out.string());
        QCOMPARE(idx.entries.size(), size_t(200));
        // The first test image is an ankle boot; file names keep the index in the full set.
        const cv::Mat first = cv::imread((out / "Ankle_boot" / "00000.png").string(), cv::IMREAD_UNCHANGED);
        QCOMPARE(first.type(), CV_8UC1);
        QCOMPARE(first.rows, 28);
        QCOMPARE(first.cols, 28);
        QVERIFY(cv::countNonZero(first) > 100);
        QVERIFY(fs::exists(out / "Ankle_boot" / "00000.png"));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(TestIdxImport)
#include "test_idx_import.moc"
