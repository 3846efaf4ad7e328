// The run summary (core/runs/RunSummary): the one definition of a run's best accuracy — the
// highest validation accuracy; without validation the final test accuracy; without either the
// final train accuracy, each labelled — the other summary fields, the test metrics' round trip
// through the run file, and the listing of a folder (newest first, unreadable files included).
#include "runs/RunSummary.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>

#include "runs/EpochTable.h"
#include "runs/RunFile.h"
#include "support/RunFixtures.h"
#include "support/TestData.h"

namespace fs = std::filesystem;
using namespace strata;

namespace {

struct Accuracies {
    std::vector<double> train, val;  // val empty: no validation
};

// A valid run (support/RunFixtures.h) with hand-made epochs.
RunData handMadeRun(const Accuracies& acc, const std::string& created = "2024-05-01T12:00:00Z") {
    std::vector<EpochRecord> epochs;
    for (size_t i = 0; i < acc.train.size(); ++i) {
        EpochRecord e;
        e.epoch = int(i) + 1;
        e.trainLoss = 1.0 / double(i + 1);
        e.trainAccuracy = acc.train[i];
        e.hasVal = !acc.val.empty();
        if (e.hasVal) e.valAccuracy = acc.val[i];
        e.seconds = 1.5;
        epochs.push_back(e);
    }
    RunData run = test::validRunData(test::tinyCnnDesign());
    run.created = created;
    nlohmann::json design = nlohmann::json::parse(run.designJson);
    design["name"] = "hand-made";
    run.designJson = design.dump();
    run.config.update({{"epochs", 5}, {"parameters", 1234}, {"precision", "auto"}, {"precision_used", "bf16"}});
    storeEpochs(epochs, run);
    run.epoch = int64_t(epochs.size());
    return run;
}

RunSummary writtenAndSummarized(const std::string& path, const RunData& run) {
    writeRunFile(path, run);
    return summarizeRunFile(path);
}

}  // namespace

class TestRunSummary : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    std::string path(const std::string& name) const { return (fs::path(tmp_.path().toStdString()) / name).string(); }

private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void bestIsTheHighestValidationAccuracy() {
        RunData run = handMadeRun({{0.5, 0.9, 0.95}, {0.6, 0.81, 0.7}});
        run.hasTest = true;  // validation wins over a test accuracy
        run.testAccuracy = 0.99;
        const RunSummary s = writtenAndSummarized(path("val.h5"), run);
        QVERIFY2(s.error.empty(), s.error.c_str());
        QCOMPARE(s.best.label, std::string("val"));
        QCOMPARE(s.best.value, 0.81);  // the highest, not the last (0.7)
    }

    void withoutValidationBestIsTheFinalTestAccuracy() {
        RunData run = handMadeRun({{0.5, 0.9, 0.85}, {}});
        run.hasTest = true;
        run.testLoss = 0.4;
        run.testAccuracy = 0.77;
        const RunSummary s = writtenAndSummarized(path("test.h5"), run);
        QVERIFY2(s.error.empty(), s.error.c_str());
        QCOMPARE(s.best.label, std::string("test"));
        QCOMPARE(s.best.value, 0.77);
    }

    void withNeitherBestIsTheFinalTrainAccuracy() {
        const RunSummary s = writtenAndSummarized(path("train.h5"), handMadeRun({{0.5, 0.9, 0.85}, {}}));
        QVERIFY2(s.error.empty(), s.error.c_str());
        QCOMPARE(s.best.label, std::string("train"));
        QCOMPARE(s.best.value, 0.85);  // the last epoch's, not the highest (0.9)
        QVERIFY(s.best.known());
    }

    void noEpochsNoBest() {
        const RunSummary s = writtenAndSummarized(path("empty.h5"), handMadeRun({{}, {}}));
        QVERIFY2(s.error.empty(), s.error.c_str());
        QVERIFY(!s.best.known());
        QCOMPARE(s.epochsDone, int64_t(0));
    }

    void testMetricsRoundTrip() {
        RunData run = handMadeRun({{0.5}, {}});
        run.hasTest = true;
        run.testLoss = 0.25;
        run.testAccuracy = 0.875;
        writeRunFile(path("roundtrip.h5"), run);
        const RunData back = readRunSummary(path("roundtrip.h5"));
        QVERIFY(back.hasTest);
        QCOMPARE(back.testLoss, 0.25);
        QCOMPARE(back.testAccuracy, 0.875);
        writeRunFile(path("no-test.h5"), handMadeRun({{0.5}, {}}));
        QVERIFY(!readRunSummary(path("no-test.h5")).hasTest);
    }

    void summarizesTheOtherFields() {
        const RunSummary s = writtenAndSummarized(path("fields.h5"), handMadeRun({{0.5, 0.6}, {0.4, 0.45}}));
        QCOMPARE(s.path, path("fields.h5"));
        QCOMPARE(s.name, std::string("fields"));
        QCOMPARE(s.design, std::string("hand-made"));
        QCOMPARE(s.created, std::string("2024-05-01T12:00:00Z"));
        QCOMPARE(s.epochsDone, int64_t(2));
        QCOMPARE(s.epochsTotal, int64_t(5));
        QCOMPARE(s.status, std::string("incomplete"));
        QCOMPARE(s.parameters, int64_t(1234));
        QCOMPARE(s.precision, std::string("bf16"));  // what was used, not what was asked (auto)
        QCOMPARE(s.seconds, 3.0);
        QCOMPARE(s.epochs.size(), size_t(2));
        QVERIFY(s.epochs[0].hasVal);

        RunData all = handMadeRun({{0.1, 0.2, 0.3, 0.4, 0.5}, {}});
        all.config.erase("precision_used");
        const RunSummary done = writtenAndSummarized(path("done.h5"), all);
        QCOMPARE(done.status, std::string("finished"));
        QCOMPARE(done.precision, std::string("auto"));
    }

    void unreadableFileNamesThePath() {
        const std::string junk = path("junk.h5");
        std::ofstream(junk) << "this is not HDF5";
        const RunSummary s = summarizeRunFile(junk);
        QVERIFY(!s.error.empty());
        QVERIFY2(s.error.find(junk) != std::string::npos, s.error.c_str());
        QCOMPARE(s.name, std::string("junk"));
        QVERIFY(!s.created.empty());  // the file's modification time
    }

    void listsAFolderNewestFirst() {
        const std::string dir = path("listing");
        fs::create_directories(dir + "/sub");
        writeRunFile(dir + "/old.h5", handMadeRun({{0.5}, {}}, "2024-01-01T00:00:00Z"));
        writeRunFile(dir + "/new.h5", handMadeRun({{0.5}, {}}, "2024-03-01T00:00:00Z"));
        writeRunFile(dir + "/b-same.h5", handMadeRun({{0.5}, {}}, "2024-02-01T00:00:00Z"));
        writeRunFile(dir + "/a-same.h5", handMadeRun({{0.5}, {}}, "2024-02-01T00:00:00Z"));
        writeRunFile(dir + "/sub/nested.h5", handMadeRun({{0.5}, {}}));  // not listed: a subfolder
        std::ofstream(dir + "/notes.txt") << "not a run";
        std::ofstream(dir + "/broken.h5") << "not HDF5";  // listed, with its error; created = now

        std::vector<std::string> names;
        for (const RunSummary& s : listRunSummaries(dir)) names.push_back(s.name);
        QCOMPARE(names, std::vector<std::string>({"broken", "new", "a-same", "b-same", "old"}));
        QVERIFY(listRunSummaries(path("no-such-folder")).empty());
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(TestRunSummary)
#include "test_run_summary.moc"
