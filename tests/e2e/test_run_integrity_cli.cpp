// Damaged run files on the command line (docs/ARCHITECTURE.md §7-8): `strata predict`, `eval`
// and `export` refuse each damage of tests/core/test_run_reader.cpp with exit 2 and one line,
// `error: PATH: PART: what`, and write nothing; --no-verify reads a file whose checkpoint
// bytes were flipped (exit 0, with a note saying it was not verified) but still refuses what
// the content checks catch; a file written before digests loads with a note; and `strata runs`
// skips a file whose summary parts are damaged with a warning and notes an old one. The run
// files are the torch-free fixtures (support/RunFixtures.h: the tiny CNN, classes a, b, c),
// damaged with support/RunDamage.h.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <functional>

#include "support/RunDamage.h"
#include "support/RunFixtures.h"
#include "support/StrataProcess.h"
#include "support/TestData.h"

using namespace strata::test;

namespace {

// The refusal of a part whose digest no longer matches (core/runs/RunReader.cpp).
QString integrityCliDigestMismatch(const QString& part) {
    return "/" + part + " does not match the digest written with it: the file is damaged (--no-verify reads it anyway)";
}

// The refusal of a file whose bytes changed on disk (core/runs/RunFileChecksum.cpp).
const char* const kIntegrityCliChecksumMismatch =
    "its bytes do not match the checksum written with it: the file is damaged or was changed by another tool "
    "(--no-verify reads it anyway)";

QString integrityCliNotVerified(const QString& path) {
    return "note: " + path + ": not verified (--no-verify): damaged contents would go unnoticed\n";
}

}  // namespace

class RunIntegrityCliTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString data_, image_;

    QString path(const QString& name) const { return tmp_.filePath(name); }

    // A valid fixture run at runs/<name>, damaged by `damage`.
    QString damaged(const QString& name, const std::function<void(const QString&)>& damage) {
        const QString file = writeValidRun(path("runs/" + name));
        damage(file);
        return file;
    }

    // The three commands that load a run's network, with `extra` options, on `run`.
    // (The first `commands` of them.)
    QList<std::pair<QString, StrataRun>> loadEveryWay(const QString& run, const QStringList& extra = {}, int commands = 3) {
        QFile::remove(path("out.onnx"));
        QList<std::pair<QString, StrataRun>> runs;
        runs.append({"predict", runStrata(QStringList{"predict", run, image_} + extra)});
        if (commands > 1) runs.append({"eval", runStrata(QStringList{"eval", run, "--data", data_, "--threads", "1"} + extra)});
        if (commands > 2) runs.append({"export", runStrata(QStringList{"export", run, "--onnx", path("out.onnx")} + extra)});
        return runs;
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        QVERIFY(QDir().mkpath(path("runs")));
        data_ = path("data");
        makeImageFolder(data_, {"a", "b", "c"}, 3, 16, 5);
        image_ = data_ + "/b/001.png";

        // The damages of tests/core/test_run_reader.cpp.
        damaged("mean5.h5", [](const QString& f) {
            editRunFile(f, [](H5::H5File& h) {
                H5::Group config = h.openGroup("config");
                setDoublesAttr(config, "mean", {0.1, 0.2, 0.3, 0.4, 0.5});
            });
        });
        damaged("std0.h5", [](const QString& f) {
            editRunFile(f, [](H5::H5File& h) {
                H5::Group config = h.openGroup("config");
                setDoublesAttr(config, "std", {0.0});
            });
        });
        damaged("int8.h5", [](const QString& f) {
            editRunFile(f, [](H5::H5File& h) {
                const int8_t values[3] = {1, -2, 3};
                replaceDataset(h.openGroup("checkpoint"), "fc.bias", H5::PredType::STD_I8LE, {3}, values,
                               H5::PredType::NATIVE_INT8);
            });
        });
        damaged("nan.h5", [](const QString& f) { fillWithNaN(f, "checkpoint/conv1.weight"); });
        damaged("flipped.h5", [](const QString& f) { flipStoredBytes(f, "checkpoint/fc.weight", 200); });
        damaged("shape.h5", [](const QString& f) {
            editRunFile(f, [](H5::H5File& h) {
                const std::vector<float> values(3 * 500, 0.01f);
                replaceDataset(h.openGroup("checkpoint"), "fc.weight", H5::PredType::IEEE_F32LE, {3, 500}, values.data());
            });
        });
        damaged("scalar.h5", [](const QString& f) {
            editRunFile(f, [](H5::H5File& h) {
                const float value = 0.5f;
                replaceDataset(h.openGroup("checkpoint"), "fc.bias", H5::PredType::IEEE_F32LE, {}, &value);
            });
        });
        damaged("garbage.h5", [](const QString& f) {
            editRunFile(f, [](H5::H5File& h) {
                h.unlink("design");
                H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
                type.setCset(H5T_CSET_UTF8);
                h.createDataSet("design", type, H5::DataSpace(H5S_SCALAR)).write(std::string("{not json"), type);
            });
        });
        damaged("truncated.h5", [](const QString& f) { truncateFile(f, 0.5); });
        damaged("huge.h5", [](const QString& f) {
            editRunFile(f, [](H5::H5File& h) {
                replaceDataset(h.openGroup("checkpoint"), "fc.bias", H5::PredType::IEEE_F32LE, {1u << 20, 1u << 20});
            });
        });
        damaged("extra.h5", [](const QString& f) {
            editRunFile(f, [](H5::H5File& h) {
                const float values[3] = {1, 2, 3};
                replaceDataset(h.openGroup("checkpoint"), "fc.extra", H5::PredType::IEEE_F32LE, {3}, values);
            });
        });
        damaged("missing.h5", [](const QString& f) {
            editRunFile(f, [](H5::H5File& h) { h.openGroup("checkpoint").unlink("fc.bias"); });
        });
    }

    void validRunLoadsWithoutANote() {
        const QString run = writeValidRun(path("good.h5"));
        for (const auto& [command, r] : loadEveryWay(run)) {
            QVERIFY2(r.code == 0, qPrintable(command + ": " + r.err));
            QVERIFY2(r.err.isEmpty(), qPrintable(command + ": " + r.err));
        }
        QVERIFY(QFile::exists(path("out.onnx")));
    }

    // Each damage, verified (the default) and with --no-verify: exit 2, exactly one line on
    // stderr, nothing on stdout, no ONNX file. "" for --no-verify: the file then loads.
    void damagedRunsAreRefused_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("verified");
        QTest::addColumn<QString>("unverified");
        const QString readingError = "/checkpoint/fc.bias is stored as int8; run files hold float32, int64 or uint8 arrays";
        const QString truncated = "HDF5 cannot open it: the file is truncated or damaged";
        QTest::newRow("mean of 5 channels") << "mean5.h5" << integrityCliDigestMismatch("config")
                                            << "/config: \"mean\" has 5 values but Input \"in\" has 1 channel";
        QTest::newRow("std of 0") << "std0.h5" << integrityCliDigestMismatch("config")
                                  << "/config: \"std\" holds 0.0; it must be positive";
        QTest::newRow("int8 weight") << "int8.h5" << readingError << readingError;
        QTest::newRow("NaN weights") << "nan.h5" << integrityCliDigestMismatch("checkpoint")
                                     << "/checkpoint/conv1.weight: value 0 is NaN; the weights are unusable";
        QTest::newRow("flipped bytes") << "flipped.h5" << QString(kIntegrityCliChecksumMismatch) << "";
        QTest::newRow("shape") << "shape.h5" << integrityCliDigestMismatch("checkpoint")
                               << "/checkpoint/fc.weight: has shape [3, 500] but the design needs [3, 512]";
        QTest::newRow("scalar") << "scalar.h5" << integrityCliDigestMismatch("checkpoint")
                                << "/checkpoint/fc.bias: has shape [] but the design needs [3]";
        QTest::newRow("garbage design") << "garbage.h5" << integrityCliDigestMismatch("design")
                                        << "/design:1:3: invalid JSON: ";  // then nlohmann's words
        QTest::newRow("truncated") << "truncated.h5" << QString(kIntegrityCliChecksumMismatch) << truncated;
        // The file's size as the message gives it (H5Attributes.cpp: powers of 1000, one decimal).
        const QString huge =
            "/checkpoint/fc.bias declares 1048576 x 1048576 values (4.4 TB) but the file holds " +
            QString::asprintf("%.1f kB", double(std::filesystem::file_size(path("runs/huge.h5").toStdString())) / 1000) +
            ": the file is damaged";
        QTest::newRow("declared 2^20 x 2^20") << "huge.h5" << huge << huge;
        QTest::newRow("extra array") << "extra.h5" << integrityCliDigestMismatch("checkpoint")
                                     << "/checkpoint/fc.extra: belongs to no layer of the design";
        QTest::newRow("missing array") << "missing.h5" << integrityCliDigestMismatch("checkpoint")
                                       << "/checkpoint: has no \"fc.bias\", which the design needs";
    }

    void damagedRunsAreRefused() {
        QFETCH(QString, file);
        QFETCH(QString, verified);
        QFETCH(QString, unverified);
        const QString run = path("runs/" + file);
        for (bool verify : {true, false}) {
            const QString expected = verify ? verified : unverified;
            if (expected.isEmpty()) continue;
            // Unverified, predict alone: the three commands read through the same reader.
            auto runs = loadEveryWay(run, verify ? QStringList() : QStringList{"--no-verify"}, verify ? 3 : 1);
            for (const auto& [command, r] : runs) {
                const QString what = command + (verify ? "" : " --no-verify") + ": " + r.err;
                QVERIFY2(r.code == 2, qPrintable(what));
                QVERIFY2(r.out.isEmpty(), qPrintable(command + ": " + r.out));
                QVERIFY2(r.err.count('\n') == 1 && r.err.endsWith('\n'), qPrintable(what));
                const QString line = "error: " + run + ": " + expected;
                if (expected.endsWith(": "))  // a prefix
                    QVERIFY2(r.err.startsWith(line), qPrintable(what));
                else
                    QCOMPARE(r.err, line + "\n");
                QVERIFY2(!QFile::exists(path("out.onnx")), qPrintable(what));
            }
        }
    }

    // Flipped checkpoint bytes leave every value finite: --no-verify loads the weights, says
    // so in one note, and predicts (whatever the damaged weights say).
    void noVerifyReadsFlippedBytes() {
        const QString run = path("runs/flipped.h5");
        for (const auto& [command, r] : loadEveryWay(run, {"--no-verify"})) {
            QVERIFY2(r.code == 0, qPrintable(command + ": " + r.err));
            QCOMPARE(r.err, integrityCliNotVerified(run));
        }
        const StrataRun r = runStrata({"predict", run, image_, "--no-verify"});
        QVERIFY2(r.out.startsWith(image_ + " "), qPrintable(r.out));
        QCOMPARE(r.out.count('\n'), 1);
    }

    // Digests deleted, as in files written before run files carried them.
    void oldRunLoadsWithANote() {
        const QString run = damaged("old.h5", [](const QString& f) { removeDigests(f); });
        for (const auto& [command, r] : loadEveryWay(run)) {
            QVERIFY2(r.code == 0, qPrintable(command + ": " + r.err));
            QCOMPARE(r.err, "note: " + run + ": written before run files carried digests; its contents cannot be verified\n");
        }
        for (const auto& [command, r] : loadEveryWay(run, {"--no-verify"})) {
            QVERIFY2(r.code == 0, qPrintable(command + ": " + r.err));
            QCOMPARE(r.err, integrityCliNotVerified(run));
        }
    }

    // `strata runs` reads the summary parts, after the whole-file checksum: a damaged /config
    // and bytes flipped on disk are skipped with a warning.
    void runsSkipsDamagedAndNotesOld() {
        const QString dir = path("listing");
        QVERIFY(QDir().mkpath(dir));
        for (const char* name : {"mean5.h5", "flipped.h5"}) QVERIFY(QFile::copy(path("runs/") + name, dir + "/" + name));
        writeValidRun(dir + "/good.h5");
        removeDigests(writeValidRun(dir + "/old.h5"));

        StrataRun r = runStrata({"runs", dir});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QStringList err = r.err.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(err.value(err.size() - 1), QString("skipped 2 unreadable run files"));
        err.removeLast();
        err.sort();  // in the listing's order, newest first
        QCOMPARE(err, QStringList({"note: " + dir + "/old.h5: written before run files carried digests; its contents cannot be verified",
                                   "warning: skipped " + dir + "/flipped.h5: " + kIntegrityCliChecksumMismatch,
                                   "warning: skipped " + dir + "/mean5.h5: " + integrityCliDigestMismatch("config")}));
        QStringList listed;
        for (const QString& line : r.out.split('\n', Qt::SkipEmptyParts).mid(1)) listed << line.section(' ', 0, 0);
        listed.sort();
        QCOMPARE(listed, QStringList({"good.h5", "old.h5"}));

        // --no-verify: the damaged /config is still refused, by its content; no digest notes.
        r = runStrata({"runs", dir, "--no-verify"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.err.split('\n', Qt::SkipEmptyParts),
                 QStringList({"warning: skipped " + dir + "/mean5.h5: /config: \"mean\" has 5 values but Input \"in\" has 1 channel",
                              "skipped 1 unreadable run files"}));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(RunIntegrityCliTest)
#include "test_run_integrity_cli.moc"
