// The design file (docs/ARCHITECTURE.md §5): parse, write and re-read without loss, the chained short form,
// error messages that point at the file, line, column or field, and atomic saves.
#include "design/Design.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/StringCompare.h"

namespace fs = std::filesystem;

using namespace strata;
using nlohmann::json;

namespace {

const char* kSample = R"({
  "format": "strata.design/1",
  "name": "two-branch",
  "nodes": [
    {"id": "in", "type": "Input", "params": {"channels": 3, "height": 32, "width": 32}, "pos": [0, 0]},
    {"id": "a", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 3, "padding": 1}, "pos": [-120.5, 100]},
    {"id": "b", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 1}, "pos": [120, 100.25]},
    {"id": "sum", "type": "Add"},
    {"id": "flat", "type": "Flatten"},
    {"id": "fc", "type": "Linear", "params": {"out_features": "classes", "bias": false}},
    {"id": "out", "type": "Output"}
  ],
  "edges": [
    {"from": "in", "to": "a"}, {"from": "in", "to": "b"},
    {"from": "a", "to": "sum", "port": 0}, {"from": "b", "to": "sum", "port": 1},
    {"from": "sum", "to": "flat"}, {"from": "flat", "to": "fc"}, {"from": "fc", "to": "out"}
  ]
})";

// What parseDesign throws for `text`, or "" when it does not throw.
std::string parseError(const std::string& text, const std::string& source = "net.strata.json") {
    try {
        parseDesign(text, source);
    } catch (const DesignError& e) {
        return e.what();
    }
    return "";
}

// A minimal valid file with one node replaced by `node` (a JSON object text).
std::string withNode(const std::string& node) {
    return R"({"format": "strata.design/1", "nodes": [)" + node + "]}";
}

std::string withEdge(const std::string& edge) {
    return R"({"format": "strata.design/1", "nodes": [{"id": "a", "type": "ReLU"}], "edges": [)" + edge + "]}";
}

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void expectSameDesign(const Design& a, const Design& b) {
    QCOMPARE(a.name, b.name);
    QCOMPARE(a.nodes.size(), b.nodes.size());
    for (std::size_t i = 0; i < a.nodes.size(); ++i) {
        QCOMPARE(a.nodes[i].id, b.nodes[i].id);
        QCOMPARE(a.nodes[i].type, b.nodes[i].type);
        QCOMPARE(a.nodes[i].params, b.nodes[i].params);
        QCOMPARE(a.nodes[i].hasPos, b.nodes[i].hasPos);
        QCOMPARE(a.nodes[i].x, b.nodes[i].x);
        QCOMPARE(a.nodes[i].y, b.nodes[i].y);
    }
    QVERIFY(a.edges == b.edges);
}

}  // namespace

class TestDesignFormat : public QObject {
    Q_OBJECT

private slots:
    void parsesEveryField() {
        const Design d = parseDesign(kSample);
        QCOMPARE(d.name, std::string("two-branch"));
        QCOMPARE(d.nodes.size(), std::size_t(7));
        QCOMPARE(d.nodes[1].id, std::string("a"));
        QCOMPARE(d.nodes[1].type, std::string("Conv2d"));
        QCOMPARE(d.nodes[1].params["out_channels"].get<int>(), 8);
        QVERIFY(d.nodes[1].hasPos);
        QCOMPARE(d.nodes[1].x, -120.5);
        QCOMPARE(d.nodes[2].y, 100.25);
        QVERIFY(!d.nodes[3].hasPos);
        QVERIFY(d.nodes[3].params.is_object() && d.nodes[3].params.empty());
        QCOMPARE(d.edges.size(), std::size_t(7));
        QVERIFY((d.edges[3] == Edge{"b", "sum", 1}));
        QVERIFY((d.edges[0] == Edge{"in", "a", 0}));
        QVERIFY(d.findNode("fc") != nullptr);
        QVERIFY(d.findNode("nope") == nullptr);
    }

    void paramsAreKeptAsWritten() {
        // No defaults are filled in: the file keeps only what the user wrote.
        const Design d = parseDesign(kSample);
        QCOMPARE(d.nodes[2].params, json({{"out_channels", 8}, {"kernel_size", 1}}));
        QCOMPARE(d.nodes[5].params, json({{"out_features", "classes"}, {"bias", false}}));
        const json saved = designToJson(d);
        QCOMPARE(saved["nodes"][2]["params"], json({{"out_channels", 8}, {"kernel_size", 1}}));
        QVERIFY(!saved["nodes"][3].contains("params"));
        QVERIFY(!saved["nodes"][3].contains("pos"));
    }

    void roundTripKeepsEverything() {
        const Design first = parseDesign(kSample);
        const std::string text = designToString(first);
        const Design second = parseDesign(text);
        expectSameDesign(first, second);
        // Writing again gives the same text: the layout is stable.
        QCOMPARE(designToString(second), text);
        QCOMPARE(designToJson(first)["format"], json("strata.design/1"));
        QCOMPARE(designToJson(first)["nodes"][1]["pos"], json::array({-120.5, 100}));
        QCOMPARE(designToJson(first)["edges"][3], json({{"from", "b"}, {"to", "sum"}, {"port", 1}}));
    }

    void savedTextIsOneNodePerLine() {
        const std::string text = designToString(parseDesign(kSample));
        QVERIFY(text.rfind("{\n  \"format\": \"strata.design/1\",\n  \"name\": \"two-branch\",\n", 0) == 0);
        QVERIFY(text.find("    {\"id\": \"sum\", \"type\": \"Add\"},\n") != std::string::npos);
        QVERIFY(text.find("    {\"from\": \"b\", \"to\": \"sum\", \"port\": 1},\n") != std::string::npos);
        QCOMPARE(text.back(), '\n');
    }

    void omittedEdgesChainInListOrder() {
        const Design d = parseDesign(R"({"format": "strata.design/1", "name": "chain", "nodes": [
            {"id": "in", "type": "Input"}, {"id": "f", "type": "Flatten"}, {"id": "out", "type": "Output"}]})");
        QCOMPARE(d.edges.size(), std::size_t(2));
        QVERIFY((d.edges[0] == Edge{"in", "f", 0}));
        QVERIFY((d.edges[1] == Edge{"f", "out", 0}));
        // Once loaded the edges are explicit, so a save writes them.
        QCOMPARE(designToJson(d)["edges"].size(), std::size_t(2));
        // An explicit empty list is not the short form.
        const Design none = parseDesign(R"({"format": "strata.design/1", "nodes": [
            {"id": "in", "type": "Input"}, {"id": "out", "type": "Output"}], "edges": []})");
        QVERIFY(none.edges.empty());
    }

    void malformedJsonGivesLineAndColumn() {
        const std::string text = "{\n  \"format\": \"strata.design/1\",\n  \"nodes\": [,]\n}";
        const std::string err = parseError(text);
        QVERIFY2(err.rfind("net.strata.json:3:13: invalid JSON: ", 0) == 0, err.c_str());
        QVERIFY2(err.find("json.exception") == std::string::npos, err.c_str());

        const std::string first = parseError("nope", "x.json");
        QVERIFY2(first.rfind("x.json:1:", 0) == 0, first.c_str());
        QVERIFY2(first.find("invalid JSON") != std::string::npos, first.c_str());

        QCOMPARE(parseError(R"({"format": "strata.design/1", "nodes": [], "x": 1e400})"),
                 std::string("net.strata.json: invalid JSON: number overflow parsing '1e400'"));

        const std::string truncated = parseError("{\n\"format\": \"strata.design/1\",\n\"nodes\": [", "t.json");
        QVERIFY2(truncated.rfind("t.json:3:", 0) == 0, truncated.c_str());
    }

    void rejectsOtherFormats() {
        QCOMPARE(parseError(R"({"format": "strata.design/2", "nodes": [], "graph": {}})", "net.strata.json"),
                 std::string("net.strata.json: unsupported format \"strata.design/2\"; this Strata reads "
                             "\"strata.design/1\""));
        const std::string missing = parseError(R"({"nodes": []})");
        QVERIFY2(missing.rfind("net.strata.json: missing field \"format\"", 0) == 0, missing.c_str());
        QVERIFY(missing.find("strata.design/1") != std::string::npos);
        const std::string number = parseError(R"({"format": 1, "nodes": []})");
        QVERIFY2(number.find("unsupported format 1;") != std::string::npos, number.c_str());
        QVERIFY(parseError("[1, 2]").find("must be a JSON object") != std::string::npos);
    }

    void wrongFieldTypesNameTheField_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        const std::string f = R"({"format": "strata.design/1", )";
        QTest::newRow("nodes missing") << QString::fromStdString(f + R"("name": "x"})") << "missing field \"nodes\"";
        QTest::newRow("nodes object") << QString::fromStdString(f + R"("nodes": {}})")
                                      << "field \"nodes\" must be an array, got an object";
        QTest::newRow("name number") << QString::fromStdString(f + R"("name": 3, "nodes": []})")
                                     << "field \"name\" must be a string, got a number";
        QTest::newRow("node not object") << QString::fromStdString(withNode("3"))
                                         << "nodes[0]: must be an object, got a number";
        QTest::newRow("id missing") << QString::fromStdString(withNode(R"({"type": "ReLU"})"))
                                    << "nodes[0]: missing field \"id\"";
        QTest::newRow("id number") << QString::fromStdString(withNode(R"({"id": 7, "type": "ReLU"})"))
                                   << "nodes[0]: field \"id\" must be a string, got a number";
        QTest::newRow("type missing") << QString::fromStdString(withNode(R"({"id": "r"})"))
                                      << "nodes[0] (\"r\"): missing field \"type\"";
        QTest::newRow("type null") << QString::fromStdString(withNode(R"({"id": "r", "type": null})"))
                                   << "nodes[0] (\"r\"): field \"type\" must be a string, got null";
        QTest::newRow("params array") << QString::fromStdString(withNode(R"({"id": "r", "type": "ReLU", "params": []})"))
                                      << "nodes[0] (\"r\"): field \"params\" must be an object, got an array";
        QTest::newRow("pos one number") << QString::fromStdString(withNode(R"({"id": "r", "type": "ReLU", "pos": [1]})"))
                                        << "nodes[0] (\"r\"): field \"pos\" must be an array of two numbers";
        QTest::newRow("pos string") << QString::fromStdString(withNode(R"({"id": "r", "type": "ReLU", "pos": ["1", 2]})"))
                                    << "field \"pos\" must be an array of two numbers";
        QTest::newRow("node typo") << QString::fromStdString(withNode(R"({"id": "r", "type": "ReLU", "parms": {}})"))
                                   << "nodes[0] (\"r\"): unknown field \"parms\"";
        QTest::newRow("edges object") << QString::fromStdString(f + R"("nodes": [], "edges": {}})")
                                      << "field \"edges\" must be an array, got an object";
        QTest::newRow("edge from number") << QString::fromStdString(withEdge(R"({"from": 1, "to": "a"})"))
                                          << "edges[0]: field \"from\" must be a string, got a number";
        QTest::newRow("edge to missing") << QString::fromStdString(withEdge(R"({"from": "a"})"))
                                         << "edges[0]: missing field \"to\"";
        QTest::newRow("port negative") << QString::fromStdString(withEdge(R"({"from": "a", "to": "a", "port": -1})"))
                                       << "edges[0]: field \"port\" must be an integer >= 0, got -1";
        QTest::newRow("port fraction") << QString::fromStdString(withEdge(R"({"from": "a", "to": "a", "port": 1.5})"))
                                       << "field \"port\" must be an integer >= 0, got 1.5";
        QTest::newRow("port string") << QString::fromStdString(withEdge(R"({"from": "a", "to": "a", "port": "1"})"))
                                     << "field \"port\" must be an integer >= 0, got \"1\"";
        QTest::newRow("top-level typo") << QString::fromStdString(f + R"("nodes": [], "edge": []})")
                                        << "unknown field \"edge\"";
    }

    void wrongFieldTypesNameTheField() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const std::string err = parseError(text.toStdString());
        QVERIFY2(err.rfind("net.strata.json: ", 0) == 0, err.c_str());
        QVERIFY2(err.find(expected.toStdString()) != std::string::npos, err.c_str());
    }

    void saveIsAtomicAndReplacesTheTarget() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("net.strata.json").toStdString();
        { std::ofstream(path) << "old contents"; }
        const Design d = parseDesign(kSample);
        saveDesign(d, path);
        QCOMPARE(readFile(path), designToString(d));
        expectSameDesign(loadDesign(path), d);
        // Only the target is left: the temporary file was renamed, not copied.
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(dir.path().toStdString()))
            names.push_back(entry.path().filename().string());
        QCOMPARE(names, std::vector<std::string>{"net.strata.json"});
    }

    void saveIntoMissingDirectoryNamesThePath() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("no/such/dir/net.strata.json").toStdString();
        try {
            saveDesign(parseDesign(kSample), path);
            QFAIL("saveDesign did not throw");
        } catch (const DesignError& e) {
            QVERIFY2(std::string(e.what()).rfind(path + ": cannot write", 0) == 0, e.what());
        }
        QVERIFY(!fs::exists(dir.filePath("no").toStdString()));
    }

    void loadMissingFileNamesIt() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("absent.strata.json").toStdString();
        try {
            loadDesign(path);
            QFAIL("loadDesign did not throw");
        } catch (const DesignError& e) {
            QVERIFY2(std::string(e.what()).rfind(path + ": cannot read", 0) == 0, e.what());
        }
        QVERIFY_THROWS_EXCEPTION(DesignError, loadDesign(dir.path().toStdString()));  // a directory
    }

    void loadNamesAnUnnamedDesignAfterItsFile() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("my-net.strata.json").toStdString();
        { std::ofstream(path) << R"({"format": "strata.design/1", "nodes": []})"; }
        QCOMPARE(loadDesign(path).name, std::string("my-net"));
        QCOMPARE(parseDesign(R"({"format": "strata.design/1", "nodes": []})").name, std::string(""));
    }

    void loadErrorsNameTheFile() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("bad.strata.json").toStdString();
        { std::ofstream(path) << "{\"format\": \"strata.design/1\",\n \"nodes\": [}"; }
        try {
            loadDesign(path);
            QFAIL("loadDesign did not throw");
        } catch (const DesignError& e) {
            QVERIFY2(std::string(e.what()).rfind(path + ":2:", 0) == 0, e.what());
        }
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_APPLESS_MAIN(TestDesignFormat)
#include "test_design_format.moc"
