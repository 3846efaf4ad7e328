// The metrics JSON (docs/ARCHITECTURE.md §9): exact keys, validation keys only for epochs that have them,
// "test" only with a test evaluation, and an atomic, readable file.
#include "runs/MetricsJson.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace strata;
using nlohmann::json;

namespace {

std::set<std::string> keysOf(const json& j) {
    std::set<std::string> keys;
    for (auto it = j.begin(); it != j.end(); ++it) keys.insert(it.key());
    return keys;
}

MetricsSummary sample() {
    MetricsSummary m;
    m.design = "reference-cnn";
    m.parameters = 421642;
    m.classes = {"T-shirt_top", "Trouser"};
    m.seed = 0;
    m.threads = 2;
    EpochRecord e1;
    e1.epoch = 1;
    e1.trainLoss = 0.52;
    e1.trainAccuracy = 0.81;
    e1.hasVal = true;
    e1.valLoss = 0.41;
    e1.valAccuracy = 0.85;
    e1.seconds = 41.2;
    e1.imagesPerSecond = 1310.5;
    e1.learningRate = 0.001;
    EpochRecord e2 = e1;
    e2.epoch = 2;
    e2.hasVal = false;
    m.epochs = {e1, e2};
    return m;
}

std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> filesIn(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    return names;
}

}  // namespace

class TestMetricsJson : public QObject {
    Q_OBJECT

private slots:
    void topLevelKeysAndValues() {
        const json j = metricsToJson(sample());
        QVERIFY(keysOf(j) == (std::set<std::string>{"format", "design", "parameters", "classes",
                                                     "seed", "threads", "epochs"}));
        QCOMPARE(j["format"].get<std::string>(), std::string("strata.metrics/1"));
        QCOMPARE(j["design"].get<std::string>(), std::string("reference-cnn"));
        QCOMPARE(j["parameters"].get<int64_t>(), int64_t(421642));
        QVERIFY(j["parameters"].is_number_integer());
        QVERIFY(j["classes"] == json({"T-shirt_top", "Trouser"}));
        QCOMPARE(j["seed"].get<int64_t>(), int64_t(0));
        QCOMPARE(j["threads"].get<int>(), 2);
        QCOMPARE(j["epochs"].size(), size_t(2));
    }

    void epochKeysOmitValidationWhenAbsent() {
        const json j = metricsToJson(sample());
        const json& e1 = j["epochs"][0];
        QVERIFY(keysOf(e1) == (std::set<std::string>{"epoch", "train_loss", "train_accuracy",
                                                      "val_loss", "val_accuracy", "seconds",
                                                      "images_per_second", "learning_rate"}));
        QVERIFY(e1["epoch"].is_number_integer());
        QCOMPARE(e1["epoch"].get<int>(), 1);
        QCOMPARE(e1["train_loss"].get<double>(), 0.52);
        QCOMPARE(e1["train_accuracy"].get<double>(), 0.81);
        QCOMPARE(e1["val_loss"].get<double>(), 0.41);
        QCOMPARE(e1["val_accuracy"].get<double>(), 0.85);
        QCOMPARE(e1["seconds"].get<double>(), 41.2);
        QCOMPARE(e1["images_per_second"].get<double>(), 1310.5);
        QCOMPARE(e1["learning_rate"].get<double>(), 0.001);
        const json& e2 = j["epochs"][1];
        QVERIFY(keysOf(e2) == (std::set<std::string>{"epoch", "train_loss", "train_accuracy",
                                                      "seconds", "images_per_second",
                                                      "learning_rate"}));
    }

    void noEpochsIsAnEmptyArray() {
        MetricsSummary m = sample();
        m.epochs.clear();
        const json j = metricsToJson(m);
        QVERIFY(j["epochs"].is_array() && j["epochs"].empty());
    }

    void testOnlyWithTestEvaluation() {
        MetricsSummary m = sample();
        QVERIFY(!metricsToJson(m).contains("test"));
        m.hasTest = true;
        m.test.loss = 0.29;
        m.test.accuracy = 0.91;
        m.test.perClassAccuracy = {0.86, 0.96};
        m.test.confusion = {{86, 14}, {4, 96}};
        const json j = metricsToJson(m);
        QVERIFY(j.contains("test"));
        QVERIFY(keysOf(j["test"]) ==
                (std::set<std::string>{"loss", "accuracy", "per_class_accuracy", "confusion"}));
        QCOMPARE(j["test"]["loss"].get<double>(), 0.29);
        QCOMPARE(j["test"]["accuracy"].get<double>(), 0.91);
        QVERIFY(j["test"]["per_class_accuracy"] == json({0.86, 0.96}));
        QVERIFY(j["test"]["confusion"] == json({{86, 14}, {4, 96}}));
        QVERIFY(j["test"]["confusion"][0][0].is_number_integer());
    }

    void writesAtomicallyWithIndentAndNewline() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("metrics.json").toStdString();
        std::ofstream(path) << "old contents that are much longer than nothing at all\n";
        const json j = metricsToJson(sample());
        writeJsonFile(path, j);
        const std::string text = readText(path);
        QVERIFY(json::parse(text) == j);
        QCOMPARE(text.back(), '\n');
        QVERIFY2(text.rfind("{\n  \"", 0) == 0, text.c_str());  // two-space indent
        QCOMPARE(filesIn(dir.path().toStdString()), std::vector<std::string>{"metrics.json"});
    }

    void failedWriteNamesThePathAndKeepsOldFile() {
        QTemporaryDir dir;
        const std::string missing = dir.filePath("nowhere/metrics.json").toStdString();
        try {
            writeJsonFile(missing, json::object());
            QFAIL("no exception");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).rfind(missing + ": ", 0) == 0, e.what());
        }

        // The temp path is taken by a non-empty directory: the write fails, the old file stays.
        const std::string path = dir.filePath("metrics.json").toStdString();
        writeJsonFile(path, json{{"a", 1}});
        const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
        fs::create_directory(tmp);
        std::ofstream(tmp + "/keep") << "x";
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, writeJsonFile(path, json{{"a", 2}}));
        fs::remove_all(tmp);
        QVERIFY(json::parse(readText(path)) == json({{"a", 1}}));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(TestMetricsJson)
#include "test_metrics_json.moc"
