// The one validated reader of run files (core/runs/RunReader.h, docs/ARCHITECTURE.md §8): a
// valid run file written by the fixtures (support/RunFixtures.h: the tiny CNN for classes
// a, b, c) is damaged in place with the HDF5 C++ API, one case per test, and readValidRun
// must refuse it with the exact message — with its digests compared (the part whose digest
// no longer matches) and with --no-verify (the content check that catches it on its own).
// Cases whose damage a writer could have produced are also written whole by writeRunFile,
// so that the digests agree and only the content check stands between the file and a
// prediction. Torch-free.
#include "runs/RunReader.h"

#include <H5Cpp.h>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "runs/RunDigest.h"
#include "storage/H5Attributes.h"
#include "support/RunDamage.h"
#include "support/RunFixtures.h"
#include "support/TestData.h"

using namespace strata;
using namespace strata::test;

namespace {

const RunReadOptions kReaderFull{RunParts::Full, true};
const RunReadOptions kReaderFullNoVerify{RunParts::Full, false};
const RunReadOptions kReaderSummary{RunParts::Summary, true};
const RunReadOptions kReaderSummaryNoVerify{RunParts::Summary, false};

// What readValidRun says about `path`: the RunFileError's text, "<accepted>" when it reads
// the file, or a marker for any other exception (a bad_alloc is a failure, not a refusal).
QString readerRefusal(const QString& path, const RunReadOptions& options) {
    try {
        readValidRun(path.toStdString(), options);
        return "<accepted>";
    } catch (const RunFileError& e) {
        return QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        return QString("<not a RunFileError: %1>").arg(e.what());
    }
}

// The refusal of a part whose digest no longer matches (RunReader.cpp).
QString readerDigestMismatch(const QString& path, const QString& part) {
    return path + ": /" + part +
           " does not match the digest written with it: the file is damaged (--no-verify reads it anyway)";
}

// The refusal of a file whose bytes changed after Strata wrote it (RunFileChecksum.cpp).
QString readerChecksumMismatch(const QString& path) {
    return path + ": its bytes do not match the checksum written with it: the file is damaged or was changed by "
                  "another tool (--no-verify reads it anyway)";
}

const NamedArray* readerArray(const RunData& run, const std::string& name) { return findArray(run.checkpoint, name); }

// The checkpoint array `name` of a run about to be written, to damage (it must exist).
NamedArray& readerArrayToChange(RunData& run, const std::string& name) {
    for (NamedArray& a : run.checkpoint)
        if (a.name == name) return a;
    throw std::logic_error("the fixture has no checkpoint array " + name);
}

}  // namespace

class RunReaderTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    // A valid run of the tiny CNN (in -> conv1 -> relu1 -> pool1 -> flat -> fc -> out, 16 x 16
    // grayscale, classes a, b, c) written to `name`.
    QString fresh(const QString& name) { return writeValidRun(tmp_.filePath(name)); }
    QString written(const QString& name, const RunData& run) {
        const QString path = tmp_.filePath(name);
        writeRunFile(path.toStdString(), run);
        return path;
    }
    static RunData tinyRun() { return validRunData(tinyCnnDesign()); }

private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    // ---- files that read ----

    void untouchedFileVerifies() {
        const QString path = fresh("good.h5");
        for (RunParts parts : {RunParts::Full, RunParts::Summary}) {
            const ValidRun run = readValidRun(path.toStdString(), {parts, true});
            QCOMPARE(run.integrity, RunIntegrity::Verified);
            QCOMPARE(run.integrityNote, std::string());
            QCOMPARE(run.classes, std::vector<std::string>({"a", "b", "c"}));
            QCOMPARE(run.mean, std::vector<double>({0.25}));
            QCOMPARE(run.stdev, std::vector<double>({0.5}));
            QCOMPARE(run.design.name, std::string("tiny-cnn"));
            QVERIFY(run.analysis.valid());
            QCOMPARE(run.data.checkpoint.size(), parts == RunParts::Full ? size_t(4) : size_t(0));
        }
        // Every part carries its digest.
        const ValidRun run = readValidRun(path.toStdString());
        for (const char* part : kDigestParts) QVERIFY2(run.data.digests.count(part), part);
        const ValidRun unchecked = readValidRun(path.toStdString(), kReaderFullNoVerify);
        QCOMPARE(unchecked.integrity, RunIntegrity::Unchecked);
        QCOMPARE(QString::fromStdString(unchecked.integrityNote),
                 path + ": not verified (--no-verify): damaged contents would go unnoticed");
    }

    // Digest attributes deleted: the file looks like one written before digests existed.
    void oldFileIsUnverifiable() {
        const QString path = fresh("old.h5");
        removeDigests(path);
        for (RunParts parts : {RunParts::Full, RunParts::Summary}) {
            const ValidRun run = readValidRun(path.toStdString(), {parts, true});
            QCOMPARE(run.integrity, RunIntegrity::Unverifiable);
            QCOMPARE(QString::fromStdString(run.integrityNote),
                     path + ": written before run files carried digests; its contents cannot be verified");
            QCOMPARE(run.classes.size(), size_t(3));
            const ValidRun unchecked = readValidRun(path.toStdString(), {parts, false});
            QCOMPARE(unchecked.integrity, RunIntegrity::Unchecked);
            QCOMPARE(QString::fromStdString(unchecked.integrityNote),
                     path + ": not verified (--no-verify): damaged contents would go unnoticed");
        }
    }

    // Some digests there, one gone: not an old file but a damaged one.
    void oneDigestMissing() {
        const QString path = fresh("one-digest-missing.h5");
        editRunFile(path, [](H5::H5File& f) { f.removeAttr("sha256_checkpoint"); });
        QCOMPARE(readerRefusal(path, kReaderFull),
                 path + ": the digest of /checkpoint (attribute sha256_checkpoint) is missing: the file is damaged");
        QCOMPARE(readerRefusal(path, kReaderSummary), QString("<accepted>"));  // the summary has no checkpoint
        QCOMPARE(readerRefusal(path, kReaderFullNoVerify), QString("<accepted>"));
    }

    // ---- /config ----

    void configMeanWithFiveValues() {
        const QString path = fresh("mean5.h5");
        editRunFile(path, [](H5::H5File& f) {
            H5::Group config = f.openGroup("config");
            setDoublesAttr(config, "mean", {0.1, 0.2, 0.3, 0.4, 0.5});
        });
        QCOMPARE(readerRefusal(path, kReaderFull), readerDigestMismatch(path, "config"));
        QCOMPARE(readerRefusal(path, kReaderSummary), readerDigestMismatch(path, "config"));
        const QString content = path + ": /config: \"mean\" has 5 values but Input \"in\" has 1 channel";
        QCOMPARE(readerRefusal(path, kReaderFullNoVerify), content);
        QCOMPARE(readerRefusal(path, kReaderSummaryNoVerify), content);
    }

    void configStdOfZero() {
        const QString path = fresh("std0.h5");
        editRunFile(path, [](H5::H5File& f) {
            H5::Group config = f.openGroup("config");
            setDoublesAttr(config, "std", {0.0});
        });
        QCOMPARE(readerRefusal(path, kReaderFull), readerDigestMismatch(path, "config"));
        const QString content = path + ": /config: \"std\" holds 0.0; it must be positive";
        QCOMPARE(readerRefusal(path, kReaderFullNoVerify), content);

        // Written that way (the digests agree): the content check alone refuses it.
        RunData run = tinyRun();
        run.config["std"] = {0.0};
        const QString whole = written("std0-written.h5", run);
        QCOMPARE(readerRefusal(whole, kReaderFull),
                 whole + ": /config: \"std\" holds 0.0; it must be positive");
        QCOMPARE(readerRefusal(whole, kReaderSummary),
                 whole + ": /config: \"std\" holds 0.0; it must be positive");
    }

    // A design whose head has a fixed out_features (4) with the 3 classes of /config.
    void configClassesDoNotMatchTheHead() {
        QByteArray design = tinyCnnDesign();
        design.replace(R"("out_features": "classes")", R"("out_features": 4)");
        RunData run = validRunData(design, {"a", "b", "c", "d"});
        run.config["classes"] = {"a", "b", "c"};
        const QString path = written("classes.h5", run);
        const QString expected = path + ": /design: node \"out\": Output expects logits [N, 3] (one per class) but "
                                        "receives [N, 4]; set the last Linear's out_features to \"classes\" (with the 3 classes of "
                                        "/config)";
        QCOMPARE(readerRefusal(path, kReaderFull), expected);
        QCOMPARE(readerRefusal(path, kReaderSummary), expected);
    }

    // ---- /design ----

    void garbageJsonInDesign() {
        const QString path = fresh("garbage.h5");
        editRunFile(path, [](H5::H5File& f) {
            f.unlink("design");
            const H5::StrType type = h5::utf8Type();
            f.createDataSet("design", type, H5::DataSpace(H5S_SCALAR)).write(std::string("{not json"), type);
        });
        QCOMPARE(readerRefusal(path, kReaderFull), readerDigestMismatch(path, "design"));
        QCOMPARE(readerRefusal(path, kReaderSummary), readerDigestMismatch(path, "design"));
        for (const RunReadOptions& options : {kReaderFullNoVerify, kReaderSummaryNoVerify}) {
            const QString refusal = readerRefusal(path, options);
            QVERIFY2(refusal.startsWith(path + ": /design:1:3: invalid JSON: "), qPrintable(refusal));
        }
    }

    // ---- /checkpoint ----

    void checkpointWeightStoredAsInt8() {
        const QString path = fresh("int8.h5");
        editRunFile(path, [](H5::H5File& f) {
            const int8_t values[3] = {1, -2, 3};
            replaceDataset(f.openGroup("checkpoint"), "fc.bias", H5::PredType::STD_I8LE, {3}, values,
                               H5::PredType::NATIVE_INT8);
        });
        // A type a run file never holds is refused while reading, before any digest.
        const QString expected = path + ": /checkpoint/fc.bias is stored as int8; run files hold float32, int64 or uint8 arrays";
        QCOMPARE(readerRefusal(path, kReaderFull), expected);
        QCOMPARE(readerRefusal(path, kReaderFullNoVerify), expected);
        QCOMPARE(readerRefusal(path, kReaderSummary), QString("<accepted>"));  // the summary has no checkpoint

        // float64 is not converted either: the reader would get other values than were written.
        const QString wide = fresh("float64.h5");
        editRunFile(wide, [](H5::H5File& f) {
            const double values[3] = {0.1, 0.2, 0.3};
            replaceDataset(f.openGroup("checkpoint"), "fc.bias", H5::PredType::IEEE_F64LE, {3}, values,
                               H5::PredType::NATIVE_DOUBLE);
        });
        QCOMPARE(readerRefusal(wide, kReaderFullNoVerify),
                 wide + ": /checkpoint/fc.bias is stored as float64; run files hold float32, int64 or uint8 arrays");
    }

    // A link in place of an array (to another weight of the same shape) is not followed.
    void checkpointLinkInPlaceOfAnArray() {
        const QString path = fresh("link.h5");
        editRunFile(path, [](H5::H5File& f) {
            H5::Group checkpoint = f.openGroup("checkpoint");
            checkpoint.unlink("fc.bias");
            checkpoint.link(H5L_TYPE_SOFT, "/checkpoint/conv1.bias", "fc.bias");
        });
        const QString expected = path + ": /checkpoint/fc.bias is a link, not an array";
        QCOMPARE(readerRefusal(path, kReaderFull), expected);
        QCOMPARE(readerRefusal(path, kReaderFullNoVerify), expected);
    }

    void firstConvWeightsNaN() {
        const QString path = fresh("nan.h5");
        fillWithNaN(path, "checkpoint/conv1.weight");
        QCOMPARE(readerRefusal(path, kReaderFull), readerDigestMismatch(path, "checkpoint"));
        QCOMPARE(readerRefusal(path, kReaderFullNoVerify),
                 path + ": /checkpoint/conv1.weight: value 0 is NaN; the weights are unusable");

        // Written with an infinity (the digests agree): refused all the same.
        RunData run = tinyRun();
        readerArrayToChange(run, "fc.weight").f32[7] = std::numeric_limits<float>::infinity();
        const QString whole = written("inf-written.h5", run);
        QCOMPARE(readerRefusal(whole, kReaderFull),
                 whole + ": /checkpoint/fc.weight: value 7 is infinite; the weights are unusable");
    }

    // 200 bytes flipped in the stored values of the largest weight: HDF5 reads it without a
    // complaint and every value is finite. The whole-file checksum refuses it, before HDF5 reads
    // anything; without the checksum (a tool rewrote the file), the checkpoint digest does.
    void flippedBytesInCheckpointStorage() {
        const QString path = fresh("flipped.h5");
        const RunData before = readRunFile(path.toStdString());
        flipStoredBytes(path, "checkpoint/fc.weight", 200);
        QCOMPARE(readerRefusal(path, kReaderFull), readerChecksumMismatch(path));
        QCOMPARE(readerRefusal(path, kReaderSummary), readerChecksumMismatch(path));
        clearFileChecksum(path.toStdString());
        QCOMPARE(readerRefusal(path, kReaderFull), readerDigestMismatch(path, "checkpoint"));
        // The parts a summary reads are intact.
        QCOMPARE(readValidRun(path.toStdString(), kReaderSummary).integrity, RunIntegrity::Verified);
        // --no-verify reads the damaged weights, and says it did not check them.
        const ValidRun run = readValidRun(path.toStdString(), kReaderFullNoVerify);
        QCOMPARE(run.integrity, RunIntegrity::Unchecked);
        QCOMPARE(QString::fromStdString(run.integrityNote),
                 path + ": not verified (--no-verify): damaged contents would go unnoticed");
        QVERIFY(readerArray(run.data, "fc.weight")->f32 != readerArray(before, "fc.weight")->f32);
        QCOMPARE(readerArray(run.data, "conv1.weight")->f32, readerArray(before, "conv1.weight")->f32);
    }

    void checkpointShapeDisagreesWithDesign() {
        const QString path = fresh("shape.h5");
        editRunFile(path, [](H5::H5File& f) {
            const std::vector<float> values(3 * 500, 0.01f);
            replaceDataset(f.openGroup("checkpoint"), "fc.weight", H5::PredType::IEEE_F32LE, {3, 500}, values.data());
        });
        QCOMPARE(readerRefusal(path, kReaderFull), readerDigestMismatch(path, "checkpoint"));
        QCOMPARE(readerRefusal(path, kReaderFullNoVerify),
                 path + ": /checkpoint/fc.weight: has shape [3, 500] but the design needs [3, 512]");

        // A transposed weight written whole (same values, digests agree).
        RunData run = tinyRun();
        readerArrayToChange(run, "fc.weight").shape = {512, 3};
        const QString whole = written("transposed.h5", run);
        QCOMPARE(readerRefusal(whole, kReaderFull),
                 whole + ": /checkpoint/fc.weight: has shape [512, 3] but the design needs [3, 512]");
    }

    void checkpointScalarWhereAVectorBelongs() {
        const QString path = fresh("scalar.h5");
        editRunFile(path, [](H5::H5File& f) {
            const float value = 0.5f;
            replaceDataset(f.openGroup("checkpoint"), "fc.bias", H5::PredType::IEEE_F32LE, {}, &value);
        });
        QCOMPARE(readerRefusal(path, kReaderFull), readerDigestMismatch(path, "checkpoint"));
        QCOMPARE(readerRefusal(path, kReaderFullNoVerify),
                 path + ": /checkpoint/fc.bias: has shape [] but the design needs [3]");
    }

    // Integer where the design needs float32, and float32 where it needs an int64 counter
    // (BatchNorm's num_batches_tracked), each written whole.
    void checkpointTypeDisagreesWithDesign() {
        RunData run = tinyRun();
        NamedArray* bias = &readerArrayToChange(run, "fc.bias");
        bias->type = NamedArray::Type::Int64;
        bias->i64 = {1, 2, 3};
        bias->f32.clear();
        const QString path = written("int64-bias.h5", run);
        QCOMPARE(readerRefusal(path, kReaderFull), path + ": /checkpoint/fc.bias: is int64; the design needs float32");

        RunData residual = validRunData(tinyResidualDesign());
        NamedArray* counter = &readerArrayToChange(residual, "bn0.num_batches_tracked");
        counter->type = NamedArray::Type::Float32;
        counter->f32 = {5.0f};
        counter->i64.clear();
        const QString floatCounter = written("float-counter.h5", residual);
        QCOMPARE(readerRefusal(floatCounter, kReaderFull),
                 floatCounter + ": /checkpoint/bn0.num_batches_tracked: is float32; the design needs int64");
        QVERIFY(readerRefusal(floatCounter, kReaderFull)
                    .startsWith(floatCounter + ": /checkpoint/bn0.num_batches_tracked: is "));
    }

    void extraCheckpointArray() {
        const QString path = fresh("extra.h5");
        editRunFile(path, [](H5::H5File& f) {
            const float values[3] = {1, 2, 3};
            replaceDataset(f.openGroup("checkpoint"), "fc.extra", H5::PredType::IEEE_F32LE, {3}, values);
        });
        QCOMPARE(readerRefusal(path, kReaderFull), readerDigestMismatch(path, "checkpoint"));
        QCOMPARE(readerRefusal(path, kReaderFullNoVerify), path + ": /checkpoint/fc.extra: belongs to no layer of the design");

        RunData run = tinyRun();
        NamedArray extra = *readerArray(run, "fc.bias");
        extra.name = "head.bias";
        run.checkpoint.push_back(extra);
        const QString whole = written("extra-written.h5", run);
        QCOMPARE(readerRefusal(whole, kReaderFull), whole + ": /checkpoint/head.bias: belongs to no layer of the design");
    }

    void missingCheckpointArray() {
        const QString path = fresh("missing.h5");
        editRunFile(path, [](H5::H5File& f) { f.openGroup("checkpoint").unlink("fc.bias"); });
        QCOMPARE(readerRefusal(path, kReaderFull), readerDigestMismatch(path, "checkpoint"));
        const QString content = path + ": /checkpoint: has no \"fc.bias\", which the design needs";
        QCOMPARE(readerRefusal(path, kReaderFullNoVerify), content);

        RunData run = tinyRun();
        run.checkpoint.erase(run.checkpoint.begin());  // conv1.weight
        const QString whole = written("missing-written.h5", run);
        QCOMPARE(readerRefusal(whole, kReaderFull), whole + ": /checkpoint: has no \"conv1.weight\", which the design needs");
    }

    // ---- the file itself ----

    void truncatedFile() {
        const QString path = fresh("truncated.h5");
        truncateFile(path, 0.5);
        for (const RunReadOptions& options : {kReaderFull, kReaderSummary})
            QCOMPARE(readerRefusal(path, options), readerChecksumMismatch(path));
        QCOMPARE(readerRefusal(path, kReaderFullNoVerify), path + ": HDF5 cannot open it: the file is truncated or damaged");
    }

    // A dataset declared 2^20 x 2^20 (4.4 TB of float32, nothing stored): refused naming the
    // dataset and the size, before anything is allocated.
    void hugeDeclaredDataset() {
        const QString path = fresh("huge.h5");
        editRunFile(path, [](H5::H5File& f) {
            replaceDataset(f.openGroup("checkpoint"), "fc.bias", H5::PredType::IEEE_F32LE, {1u << 20, 1u << 20});
        });
        // The file's size as the message gives it (H5Attributes.cpp: powers of 1000, one decimal).
        const QString held = QString::asprintf("%.1f kB", double(std::filesystem::file_size(path.toStdString())) / 1000);
        for (const RunReadOptions& options : {kReaderFull, kReaderFullNoVerify})
            QCOMPARE(readerRefusal(path, options), path + ": /checkpoint/fc.bias declares 1048576 x 1048576 values (4.4 TB) "
                                                          "but the file holds " + held + ": the file is damaged");
        QCOMPARE(readerRefusal(path, kReaderSummary), QString("<accepted>"));

        // In a part the summary reads (a 1-D metrics column of 2^40 float64).
        const QString metrics = fresh("huge-metrics.h5");
        editRunFile(metrics, [](H5::H5File& f) {
            replaceDataset(f.openGroup("metrics/step"), "loss", H5::PredType::IEEE_F64LE, {hsize_t(1) << 40});
        });
        const QString refusal = readerRefusal(metrics, kReaderSummaryNoVerify);
        QVERIFY2(refusal.startsWith(metrics + ": /metrics/step/loss declares 1099511627776 values (8.8 TB) but the "
                                              "file holds "),
                 qPrintable(refusal));
        QVERIFY2(refusal.endsWith(": the file is damaged"), qPrintable(refusal));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(RunReaderTest)
#include "test_run_reader.moc"
