// The run file (docs/ARCHITECTURE.md §8): a full round trip of every field, the summary read, errors that
// name the path, atomic replacement, failed writes that keep the old file, and that h5py reads
// what Strata writes.
#include "runs/RunFile.h"

#include <H5Cpp.h>

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace strata;
using nlohmann::json;

namespace {

NamedArray f32(const std::string& name, std::vector<int64_t> shape) {
    NamedArray a;
    a.name = name;
    a.type = NamedArray::Type::Float32;
    a.shape = std::move(shape);
    int64_t n = 1;
    for (int64_t d : a.shape) n *= d;
    for (int64_t i = 0; i < n; ++i) a.f32.push_back(float(i) * 0.25f - 1.5f);
    return a;
}

NamedArray i64(const std::string& name, std::vector<int64_t> shape, std::vector<int64_t> values) {
    NamedArray a;
    a.name = name;
    a.type = NamedArray::Type::Int64;
    a.shape = std::move(shape);
    a.i64 = std::move(values);
    return a;
}

NamedArray u8(const std::string& name, std::vector<int64_t> shape) {
    NamedArray a;
    a.name = name;
    a.type = NamedArray::Type::UInt8;
    a.shape = std::move(shape);
    int64_t n = 1;
    for (int64_t d : a.shape) n *= d;
    for (int64_t i = 0; i < n; ++i) a.u8.push_back(uint8_t(i * 37 + 200));
    return a;
}

// Every config value kind of the ConfigAttrs mapping.
json sampleConfig() {
    return json{{"optimizer", "adam"},
                {"train_dir", "/data/fashion/train"},
                {"name", "Zürich ✓"},
                {"seed", 0},
                {"threads", 2},
                {"big", int64_t(1) << 40},
                {"negative", -7},
                {"learning_rate", 0.001},
                {"augment", true},
                {"shuffle", false},
                {"classes", {"T-shirt_top", "Trouser", "Bag"}},
                {"milestones", {5, 8}},
                {"mean", {0.5, 0.25}},
                {"mixed", {1, 2.5}},
                {"flags", {true, false, true}},
                {"empty", json::array()},
                {"schedule", {{"kind", "step"}, {"gamma", 0.1}}},
                {"nested", {{1, 2}, {3}}},
                {"note", nullptr}};
}

RunData sampleRun() {
    RunData run;
    run.created = "2024-05-01T12:34:56Z";
    run.strataVersion = "0.1.0-test";
    run.designJson = R"({"format": "strata.design/1", "name": "reference-cnn", "layers": []})";
    run.config = sampleConfig();
    run.epochColumns = {"epoch",   "train_loss", "train_accuracy",    "val_loss",
                        "val_accuracy", "seconds", "images_per_second", "learning_rate"};
    run.epochMetrics = {{"epoch", {1, 2}},          {"train_loss", {0.52, 0.41}},
                        {"train_accuracy", {0.81, 0.86}}, {"val_loss", {0.45, 0.39}},
                        {"val_accuracy", {0.83, 0.87}},   {"seconds", {41.2, 40.9}},
                        {"images_per_second", {1310.5, 1320.25}},
                        {"learning_rate", {0.001, 0.0005}}};
    run.steps = {1, 2, 3, 4};
    run.stepLoss = {2.3, 1.1, 0.7, 0.55};
    run.checkpoint = {f32("conv1.weight", {4, 1, 3, 3}), f32("conv1.bias", {4}),
                      i64("bn1.num_batches_tracked", {}, {937}), f32("bn1.running_mean", {4}),
                      f32("fc.weight", {3, 4}), f32("empty.buffer", {0})};
    run.optimizer = {f32("state.0.exp_avg", {4, 1, 3, 3}), i64("state.0.step", {}, {3}),
                     u8("rng", {16}), i64("counters", {2, 2}, {1, -2, 3, -4})};
    run.epoch = 2;
    run.step = 4;
    // Grouped by subgroup: that is the order they read back in.
    run.features = {f32("conv1/filters", {4, 3, 3}), u8("conv1/activations", {2, 5, 5}),
                    f32("deep/conv2/activations", {2, 2}), u8("saliency", {2, 2, 3})};
    return run;
}

QString describe(const NamedArray& a) {
    QStringList shape;
    for (int64_t d : a.shape) shape << QString::number(d);
    return QString::fromStdString(a.name) + " type " + QString::number(int(a.type)) + " [" +
           shape.join(",") + "]";
}

void compareArrays(const std::vector<NamedArray>& got, const std::vector<NamedArray>& want) {
    QCOMPARE(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        QCOMPARE(describe(got[i]), describe(want[i]));
        QCOMPARE(got[i].f32, want[i].f32);
        QCOMPARE(got[i].i64, want[i].i64);
        QCOMPARE(got[i].u8, want[i].u8);
    }
}

void compareSummary(const RunData& got, const RunData& want) {
    QCOMPARE(got.created, want.created);
    QCOMPARE(got.strataVersion, want.strataVersion);
    QCOMPARE(got.designJson, want.designJson);
    QVERIFY2(got.config == want.config,
             qPrintable("config read back as " + QString::fromStdString(got.config.dump())));
    QCOMPARE(got.epochColumns, want.epochColumns);
    QVERIFY(got.epochMetrics == want.epochMetrics);
    QCOMPARE(got.steps, want.steps);
    QCOMPARE(got.stepLoss, want.stepLoss);
}

std::string runError(const std::function<void()>& f) {
    try {
        f();
    } catch (const RunFileError& e) {
        return e.what();
    }
    return "(no RunFileError)";
}

void setFormat(const std::string& path, const std::string& format) {
    H5::H5File f(path, H5F_ACC_RDWR);
    if (f.attrExists("format")) f.removeAttr("format");
    H5::StrType t(H5::PredType::C_S1, H5T_VARIABLE);
    f.createAttribute("format", t, H5::DataSpace(H5S_SCALAR)).write(t, format);
}

std::vector<std::string> filesIn(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// Whether this process still has `path` open (the file must not be held between calls).
bool heldOpen(const std::string& path) {
    const fs::path target = fs::canonical(path);
    for (const auto& e : fs::directory_iterator("/proc/self/fd")) {
        std::error_code ec;
        if (fs::read_symlink(e.path(), ec) == target) return true;
    }
    return false;
}

}  // namespace

class TestRunFile : public QObject {
    Q_OBJECT

private slots:
    void roundTripsEveryField() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("run.h5").toStdString();
        const RunData want = sampleRun();
        writeRunFile(path, want);
        const RunData got = readRunFile(path);
        compareSummary(got, want);
        compareArrays(got.checkpoint, want.checkpoint);
        compareArrays(got.optimizer, want.optimizer);
        compareArrays(got.features, want.features);
        QCOMPARE(got.epoch, int64_t(2));
        QCOMPARE(got.step, int64_t(4));
        QVERIFY(!heldOpen(path));
    }

    void fillsCreatedAndVersionWhenEmpty() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("run.h5").toStdString();
        RunData run;
        writeRunFile(path, run);
        const RunData got = readRunFile(path);
        QVERIFY2(QRegularExpression(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$)")
                     .match(QString::fromStdString(got.created))
                     .hasMatch(),
                 got.created.c_str());
        QCOMPARE(got.strataVersion, std::string(STRATA_VERSION));
        QVERIFY(got.config.is_object() && got.config.empty());
        QVERIFY(got.epochColumns.empty() && got.steps.empty() && got.checkpoint.empty());
        QCOMPARE(utcNowIso8601().size(), size_t(20));
    }

    void summaryReadsMetricsButNoState() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("run.h5").toStdString();
        const RunData want = sampleRun();
        writeRunFile(path, want);
        {
            // Without the state groups the summary still reads: it never opens them.
            H5::H5File f(path, H5F_ACC_RDWR);
            f.unlink("checkpoint");
            f.unlink("optimizer");
        }
        const RunData got = readRunSummary(path);
        compareSummary(got, want);
        QVERIFY(got.checkpoint.empty() && got.optimizer.empty() && got.features.empty());
        QCOMPARE(got.epoch, int64_t(0));
        QVERIFY(!heldOpen(path));

        const std::string error = runError([&] { readRunFile(path); });
        QCOMPARE(error, path + ": not a complete run file: missing group /checkpoint");
    }

    void missingFileIsAnError() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("absent.h5").toStdString();
        QCOMPARE(runError([&] { readRunFile(path); }), path + ": no such file");
        QCOMPARE(runError([&] { readRunSummary(path); }), path + ": no such file");
    }

    void textFileIsAnError() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("notes.h5").toStdString();
        std::ofstream(path) << "not hdf5 at all\n";
        QCOMPARE(runError([&] { readRunFile(path); }), path + ": not an HDF5 file");
        const std::string empty = dir.filePath("empty.h5").toStdString();
        std::ofstream{empty};
        QCOMPARE(runError([&] { readRunSummary(empty); }), empty + ": not an HDF5 file");
    }

    void otherFormatsAreRejected() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("run.h5").toStdString();
        {
            // A future major version, written directly with the HDF5 API.
            H5::H5File f(path, H5F_ACC_TRUNC);
            H5::StrType t(H5::PredType::C_S1, H5T_VARIABLE);
            f.createAttribute("format", t, H5::DataSpace(H5S_SCALAR))
                .write(t, std::string("strata.run/2"));
        }
        QCOMPARE(runError([&] { readRunFile(path); }),
                 path + ": unsupported run format \"strata.run/2\"; this Strata reads strata.run/1");
        QCOMPARE(runError([&] { readRunSummary(path); }),
                 path + ": unsupported run format \"strata.run/2\"; this Strata reads strata.run/1");

        writeRunFile(path, sampleRun());
        setFormat(path, "strata.run/10");
        QCOMPARE(runError([&] { readRunSummary(path); }),
                 path + ": unsupported run format \"strata.run/10\"; this Strata reads strata.run/1");
        setFormat(path, "strata.run/1.3");  // same major: accepted
        QCOMPARE(readRunFile(path).checkpoint.size(), sampleRun().checkpoint.size());

        const std::string bare = dir.filePath("bare.h5").toStdString();
        H5::H5File(bare, H5F_ACC_TRUNC).close();
        QCOMPARE(runError([&] { readRunFile(bare); }),
                 bare + ": not a Strata run file (no \"format\" attribute)");
        setFormat(bare, kRunFormat);
        QCOMPARE(runError([&] { readRunSummary(bare); }),
                 bare + ": not a complete run file: missing dataset /design");
    }

    void writeReplacesWholeFileAndLeavesNoTemp() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("run.h5").toStdString();
        writeRunFile(path, sampleRun());
        RunData second;
        second.designJson = "{}";
        second.config = {{"seed", 7}};
        second.epochColumns = {"epoch"};
        second.epochMetrics = {{"epoch", {1}}};
        second.checkpoint = {f32("only.weight", {2})};
        writeRunFile(path, second);
        const RunData got = readRunFile(path);
        QVERIFY(got.config == second.config);
        compareArrays(got.checkpoint, second.checkpoint);
        QVERIFY(got.features.empty() && got.optimizer.empty());
        QCOMPARE(filesIn(dir.path().toStdString()), std::vector<std::string>{"run.h5"});
    }

    void failedWriteKeepsOldFile() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("run.h5").toStdString();
        const RunData old = sampleRun();
        writeRunFile(path, old);

        // Fails half-way through the write: 3 values for 4 elements.
        RunData bad = sampleRun();
        bad.checkpoint.push_back(f32("broken", {4}));
        bad.checkpoint.back().f32.pop_back();
        std::string error = runError([&] { writeRunFile(path, bad); });
        QVERIFY2(error.rfind(path + ": ", 0) == 0, error.c_str());
        QVERIFY2(error.find("broken") != std::string::npos, error.c_str());

        // Fails before anything is written: the temp path is taken by a directory.
        const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
        fs::create_directory(tmp);
        std::ofstream(tmp + "/keep") << "x";
        error = runError([&] { writeRunFile(path, sampleRun()); });
        QVERIFY2(error.rfind(path + ": ", 0) == 0, error.c_str());
        fs::remove_all(tmp);

        const RunData got = readRunFile(path);
        compareSummary(got, old);
        compareArrays(got.checkpoint, old.checkpoint);
        QCOMPARE(filesIn(dir.path().toStdString()), std::vector<std::string>{"run.h5"});
    }

    void writeToMissingDirectoryFails() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("missing/run.h5").toStdString();
        const std::string error = runError([&] { writeRunFile(path, sampleRun()); });
        QVERIFY2(error.rfind(path + ": ", 0) == 0, error.c_str());
        QVERIFY(!fs::exists(dir.filePath("missing").toStdString()));
    }

    void writeToReadOnlyDirectoryFails() {
        if (::geteuid() == 0) QSKIP("root writes into read-only directories");
        QTemporaryDir dir;
        const std::string path = dir.filePath("run.h5").toStdString();
        writeRunFile(path, sampleRun());
        fs::permissions(dir.path().toStdString(), fs::perms::owner_write, fs::perm_options::remove);
        const std::string error = runError([&] { writeRunFile(path, RunData{}); });
        fs::permissions(dir.path().toStdString(), fs::perms::owner_write, fs::perm_options::add);
        QVERIFY2(error.rfind(path + ": ", 0) == 0, error.c_str());
        QCOMPARE(readRunFile(path).checkpoint.size(), sampleRun().checkpoint.size());
    }

    void badConfigIsRejected() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("run.h5").toStdString();
        RunData run;
        run.config = json::array({1, 2});
        QVERIFY(runError([&] { writeRunFile(path, run); }).rfind(path + ": ", 0) == 0);
        run.config = {{"_json_keys", "x"}};
        QVERIFY(runError([&] { writeRunFile(path, run); }).find("reserved") != std::string::npos);
        run.config = json::object();
        run.epochColumns = {"epoch", "loss"};
        run.epochMetrics = {{"epoch", {1, 2}}, {"loss", {0.5}}};
        QVERIFY(runError([&] { writeRunFile(path, run); }).find("length") != std::string::npos);
        QVERIFY(!fs::exists(path));
    }

    void h5pyReadsTheFile() {
        QProcess probe;
        probe.start("/usr/bin/python3", {"-c", "import h5py"});
        probe.waitForFinished(60000);
        if (probe.exitStatus() != QProcess::NormalExit || probe.exitCode() != 0)
            QFAIL("/usr/bin/python3 cannot import h5py: install python3-h5py (the setup script "
                  "does)");

        QTemporaryDir dir;
        const std::string path = dir.filePath("run.h5").toStdString();
        writeRunFile(path, sampleRun());
        const char* script = R"(
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    print(f.attrs["format"])
    print(f["design"].asstr()[()])
    print(f["config"].attrs["optimizer"])
    print(f["config"].attrs["augment"].dtype, f["config"].attrs["augment"])
    print(type(f["config"].attrs["seed"]).__name__, f["config"].attrs["learning_rate"])
    print(",".join(f["config"].attrs["classes"]))
    print(",".join(f["metrics/epoch"].attrs["columns"]))
    print(f["metrics/epoch/train_loss"][:].tolist())
    print(f["checkpoint"]["conv1.weight"].shape, f["checkpoint"]["conv1.weight"].dtype)
    print(f["checkpoint/bn1.num_batches_tracked"][()], f["optimizer"].attrs["epoch"])
    print(f["features/conv1/filters"].shape, f["features/conv1/activations"].dtype)
    print(",".join(sorted(f.keys())))
)";
        QProcess py;
        py.start("/usr/bin/python3", {"-c", script, QString::fromStdString(path)});
        QVERIFY(py.waitForFinished(60000));
        const QString err = QString::fromUtf8(py.readAllStandardError());
        QVERIFY2(py.exitCode() == 0, qPrintable(err));
        const QStringList lines = QString::fromUtf8(py.readAllStandardOutput()).split('\n');
        QVERIFY2(lines.size() >= 12, qPrintable(lines.join("\n")));
        QCOMPARE(lines[0], QString("strata.run/1"));
        QCOMPARE(lines[1], QString::fromStdString(sampleRun().designJson));
        QCOMPARE(lines[2], QString("adam"));
        QCOMPARE(lines[3], QString("bool True"));
        QCOMPARE(lines[4], QString("int64 0.001"));
        QCOMPARE(lines[5], QString("T-shirt_top,Trouser,Bag"));
        QCOMPARE(lines[6], QString("epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds,"
                                   "images_per_second,learning_rate"));
        QCOMPARE(lines[7], QString("[0.52, 0.41]"));
        QCOMPARE(lines[8], QString("(4, 1, 3, 3) float32"));
        QCOMPARE(lines[9], QString("937 2"));
        QCOMPARE(lines[10], QString("(4, 3, 3) uint8"));
        QCOMPARE(lines[11], QString("checkpoint,config,design,features,metrics,optimizer"));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(TestRunFile)
#include "test_run_file.moc"
