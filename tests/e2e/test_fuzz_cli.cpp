// Fuzzing of the command line (issue "Bad input never crashes"): seeded mutants of design files
// go through `strata check`, and a few through `strata train` on a small folder that holds
// corrupt images. Every run must end with exit 0 or 2 (2 with a one-line "error: " on stderr):
// never a signal, never a hang. Bounded in count and in time.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <random>

#include "support/StrataProcess.h"
#include "support/TestData.h"

using namespace strata::test;
using nlohmann::json;

namespace {

constexpr unsigned kSeed = 777;
constexpr int kCheckMutants = 200;
// The budget bounds the time on a fast machine; on a loaded one the first kCheckMinimum
// mutants still run, so the coverage asserted below never depends on the machine's load.
constexpr int kCheckMinimum = 50;
constexpr qint64 kCheckBudgetMs = 30000;
constexpr int kTrainMutants = 20;
constexpr qint64 kTrainBudgetMs = 30000;

struct Result : StrataRun {  // code: -1 crashed (signal), -2 timed out
    qint64 ms = 0;
};

// runStrata with the time it took (the fuzz budget is in milliseconds).
Result runTimed(const QStringList& args, int timeoutMs = 10000) {
    QElapsedTimer t;
    t.start();
    Result r;
    static_cast<StrataRun&>(r) = runStrata(args, timeoutMs);
    r.ms = t.elapsed();
    return r;
}

// Edits that keep the file mostly well-formed, so that the mutants reach the analysis and
// (some of them) training; plus occasional byte damage for the parser.
std::string mutate(const std::string& seed, std::mt19937& rng, bool mild) {
    json root = json::parse(seed);
    json& nodes = root["nodes"];
    const int edits = 1 + int(rng() % 3);
    for (int k = 0; k < edits; ++k) {
        json& n = nodes[rng() % nodes.size()];
        const json values[] = {1, 2, 3, 0, -1, 1e18, 100000000, "classes", "7", nullptr, true, json::array(), 0.5};
        const char* keys[] = {"channels", "height", "width", "out_channels", "kernel_size", "stride", "padding",
                              "out_features", "p", "output_size", "bias", "bogus"};
        switch (rng() % (mild ? 3 : 8)) {
            case 0: n["params"][keys[rng() % 7]] = int(1 + rng() % 4); break;  // small sizes: often valid
            case 1: {  // insert a harmless layer in the chain (no "edges" in the seed)
                const char* types[] = {"ReLU", "GELU", "Tanh", "Sigmoid", "Dropout", "BatchNorm2d", "Dropout2d"};
                nodes.insert(nodes.begin() + 1 + long(rng() % (nodes.size() - 1)),
                             json{{"id", "x" + std::to_string(rng() % 100000)}, {"type", types[rng() % 7]}});
                break;
            }
            case 2: n["params"]["out_features"] = int(2 + rng() % 5); break;
            case 3: n["params"][keys[rng() % std::size(keys)]] = values[rng() % std::size(values)]; break;
            case 4: n["type"] = (rng() % 2) ? "Add" : "Linear"; break;
            case 5: root["edges"] = json::array({{{"from", "in"}, {"to", n.value("id", "in")}}}); break;
            case 6: n.erase("id"); break;
            default: n["id"] = nodes[0].value("id", "x"); break;
        }
    }
    std::string text = root.dump(1);
    if (!mild && rng() % 5 == 0) {
        if (rng() % 2) text.resize(rng() % text.size());
        else text[rng() % text.size()] = char(rng() % 256);
    }
    return text;
}

}  // namespace

class FuzzCliTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString data_;

    QString path(const QString& name) const { return tmp_.filePath(name); }

    // Exit 0 or 2, and a 2 explains itself on stderr; empty when fine, else what went wrong.
    static QString verdict(const Result& r, const QString& file) {
        if (r.code == 0) return {};
        if (r.code == 2) {
            if (!r.err.startsWith("error: ") && !r.err.contains("\nerror: "))
                return file + ": exit 2 without an \"error: \" line: " + r.err.left(300);
            return {};
        }
        return file + QString(": exit %1 (-1 crash, -2 timeout) after %2 ms; stderr: ").arg(r.code).arg(r.ms) +
               r.err.right(500);
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        data_ = path("data");
        makeImageFolder(data_, {"a", "b", "c"}, 6, 16, 3);
        // Corrupt files among the good ones: skipped and reported, never fatal.
        writeText(data_ + "/a/zero.png", "");
        writeText(data_ + "/b/text.jpg", "this is not a jpeg");
        QFile png(data_ + "/a/000.png");
        QVERIFY(png.open(QIODevice::ReadOnly));
        writeText(data_ + "/c/cut.png", png.readAll().left(40));
    }

    void checkMutants() {
        std::mt19937 rng(kSeed);
        std::vector<std::string> seeds = {tinyCnnDesign(16).toStdString(), tinyResidualDesign(16).toStdString()};
        QElapsedTimer budget;
        budget.start();
        int tried = 0, ok = 0, bad = 0;
        for (; tried < kCheckMutants && (tried < kCheckMinimum || budget.elapsed() < kCheckBudgetMs); ++tried) {
            const std::string text = mutate(seeds[size_t(tried) % seeds.size()], rng, false);
            const QString file = path(QString("check-%1.strata.json").arg(tried));
            writeText(file, QByteArray::fromStdString(text));
            QStringList args = {"check", file};
            if (rng() % 4 == 0) args << "--classes" << QString::number(int(rng() % 5));
            const Result r = runTimed(args);
            const QString why = verdict(r, file + QString(" (seed %1)").arg(kSeed));
            QVERIFY2(why.isEmpty(), qPrintable(why));
            r.code == 0 ? ++ok : ++bad;
            QFile::remove(file);
        }
        qInfo("fuzzed strata check with %d designs in %lld ms: %d valid, %d rejected (exit 2)", tried,
              static_cast<long long>(budget.elapsed()), ok, bad);
        QVERIFY(tried >= kCheckMinimum);
        QVERIFY(bad > 0);
    }

    void trainMutants() {
        std::mt19937 rng(kSeed + 1);
        const std::string seed = tinyCnnDesign(16).toStdString();
        QElapsedTimer budget;
        budget.start();
        int tried = 0, trained = 0, refused = 0;
        for (; tried < kTrainMutants && budget.elapsed() < kTrainBudgetMs; ++tried) {
            const std::string text = mutate(seed, rng, tried % 2 == 0);  // half mild: most of those train
            const QString file = path(QString("train-%1.strata.json").arg(tried));
            writeText(file, QByteArray::fromStdString(text));
            const Result r = runTimed({"train", file, "--data", data_, "--epochs", "1", "--batch-size", "8", "--threads",
                                        "1", "--run", path(QString("run-%1.h5").arg(tried))},
                                       30000);
            const QString why = verdict(r, file + QString(" (seed %1)").arg(kSeed + 1));
            QVERIFY2(why.isEmpty(), qPrintable(why));
            if (r.code == 0) {
                ++trained;
                // The corrupt images are reported, not fatal.
                QVERIFY2(r.err.contains("skipped") && r.err.contains("3"), qPrintable(r.err.left(500)));
            } else {
                ++refused;
            }
        }
        qInfo("fuzzed strata train with %d designs in %lld ms: %d trained, %d rejected (exit 2)", tried,
              static_cast<long long>(budget.elapsed()), trained, refused);
        QVERIFY(tried >= 5);
        QVERIFY(trained > 0);
    }

    // Absurd sizes are refused by the analysis, before anything is allocated.
    void absurdLinear() {
        QByteArray text = tinyCnnDesign(16);
        text.replace("\"classes\"", "100000000");
        QVERIFY(text.contains("100000000"));
        const QString file = writeText(path("huge.strata.json"), text);
        for (const QStringList& args : {QStringList{"check", file},
                                        QStringList{"train", file, "--data", data_, "--epochs", "1", "--run",
                                                    path("huge.h5")}}) {
            const Result r = runTimed(args);
            QCOMPARE(r.code, 2);
            QVERIFY2(r.ms < 5000, qPrintable(QString("took %1 ms").arg(r.ms)));
            QVERIFY2(r.err.startsWith("error: ") && r.err.contains("fc") &&
                         (r.err.contains("GB") || r.err.contains("parameters")),
                     qPrintable(r.err));
        }
        QVERIFY(!QFile::exists(path("huge.h5")));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(FuzzCliTest)
#include "test_fuzz_cli.moc"
