// Fuzzing of design files (issue "Bad input never crashes"): seeded mutants of the templates and
// of a few hand-made designs go through parseDesign and analyzeDesign. Every mutant must end in
// a DesignError (and only that type), an invalid analysis with issues, or a valid design of
// sane size; analysis must never throw and never take long. Bounded in count and in time.
#include "design/Design.h"
#include "design/DesignAnalysis.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QtTest/QtTest>

#include <chrono>
#include <random>
#include <string>
#include <vector>

using namespace strata;
using nlohmann::json;

namespace {

constexpr unsigned kSeed = 20240607;
constexpr int kMaxMutants = 30000;
constexpr qint64 kBudgetMs = 20000;  // the whole mutant loop stops after this, whatever is left

std::string readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll().toStdString();
}

// Seeds: every template plus hand-made designs that reach Add, Concat, norms and the short form.
std::vector<std::string> seedTexts() {
    std::vector<std::string> seeds;
    const QDir dir(QString(STRATA_SOURCE_DIR) + "/resources/templates");
    for (const QString& name : dir.entryList({"*.strata.json"}, QDir::Files, QDir::Name))
        seeds.push_back(readAll(dir.filePath(name)));
    seeds.push_back(R"({"format": "strata.design/1", "name": "chain", "nodes": [
        {"id": "in", "type": "Input", "params": {"channels": 3, "height": 16, "width": 16}},
        {"id": "c", "type": "Conv2d", "params": {"out_channels": 4, "kernel_size": 3, "stride": 2, "padding": 1, "bias": false}},
        {"id": "bn", "type": "BatchNorm2d"}, {"id": "a", "type": "LeakyReLU", "params": {"negative_slope": 0.1}},
        {"id": "d", "type": "Dropout2d", "params": {"p": 0.2}}, {"id": "p", "type": "AvgPool2d", "params": {"kernel_size": 2}},
        {"id": "f", "type": "Flatten"}, {"id": "ln", "type": "LayerNorm"}, {"id": "g", "type": "GELU"},
        {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}}, {"id": "out", "type": "Output"}]})");
    seeds.push_back(R"({"format": "strata.design/1", "name": "concat", "nodes": [
        {"id": "in", "type": "Input", "params": {"channels": 1, "height": 8, "width": 8}},
        {"id": "a", "type": "Conv2d", "params": {"out_channels": 2, "kernel_size": 1}},
        {"id": "b", "type": "Conv2d", "params": {"out_channels": 3, "kernel_size": 3, "padding": 1}},
        {"id": "cat", "type": "Concat"}, {"id": "s", "type": "Sigmoid"}, {"id": "gap", "type": "AdaptiveAvgPool2d", "params": {"output_size": 2}},
        {"id": "f", "type": "Flatten"}, {"id": "bn", "type": "BatchNorm1d"}, {"id": "t", "type": "Tanh"},
        {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}}, {"id": "out", "type": "Output"}],
      "edges": [{"from": "in", "to": "a"}, {"from": "in", "to": "b"}, {"from": "a", "to": "cat", "port": 0},
        {"from": "b", "to": "cat", "port": 1}, {"from": "cat", "to": "s"}, {"from": "s", "to": "gap"},
        {"from": "gap", "to": "f"}, {"from": "f", "to": "bn"}, {"from": "bn", "to": "t"}, {"from": "t", "to": "fc"},
        {"from": "fc", "to": "out"}]})");
    seeds.push_back(R"({"format": "strata.design/1", "nodes": [
        {"id": "in", "type": "Input", "params": {"channels": 1, "height": 4, "width": 4}},
        {"id": "f", "type": "Flatten"}, {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}},
        {"id": "dr", "type": "Dropout"}, {"id": "out", "type": "Output"}]})");
    return seeds;
}

// Replacement values: wrong types, extremes, NaN-ish strings, sizes that are too big or negative.
json randomValue(std::mt19937& rng, int depth = 0) {
    switch (rng() % 22) {
        case 0: return nullptr;
        case 1: return bool(rng() % 2);
        case 2: return 1e18;
        case 3: return -1;
        case 4: return 0;
        case 5: return int64_t(-9223372036854775807LL - 1);
        case 6: return uint64_t(18446744073709551615ULL);
        case 7: return 1e308;
        case 8: return -1e308;
        case 9: return 0.5;
        case 10: return "NaN";
        case 11: return "inf";
        case 12: return "classes";
        case 13: return "";
        case 14: return std::string(1000, 'x');
        case 15: return json::array();
        case 16: return json::object();
        case 17: return depth < 3 ? json::array({randomValue(rng, depth + 1), randomValue(rng, depth + 1)}) : json(7);
        case 18: return depth < 3 ? json{{"id", randomValue(rng, depth + 1)}, {"type", "Linear"}} : json(8);
        case 19: return int64_t(rng() % 100000000);
        case 20: return 2147483648.0;
        default: return int64_t(rng() % 7) - 2;
    }
}

const char* kTypes[] = {"Input", "Output", "Conv2d", "Linear", "ReLU", "LeakyReLU", "GELU", "Sigmoid", "Tanh",
                        "BatchNorm2d", "BatchNorm1d", "LayerNorm", "Dropout", "Dropout2d", "MaxPool2d", "AvgPool2d",
                        "AdaptiveAvgPool2d", "Flatten", "Add", "Concat", "Bogus"};
const char* kParams[] = {"channels", "height", "width", "out_channels", "kernel_size", "stride", "padding", "bias",
                         "out_features", "negative_slope", "p", "output_size", "in_features", "bogus"};

// Every value in the tree (pointers stay valid as long as the tree is not modified).
void collect(json& j, std::vector<json*>& all) {
    all.push_back(&j);
    if (j.is_structured())
        for (auto& child : j) collect(child, all);
}

// One structural edit of the parsed design.
void mutateTree(json& root, std::mt19937& rng) {
    auto pickNode = [&]() -> json* {
        if (!root.is_object() || !root.contains("nodes") || !root["nodes"].is_array() || root["nodes"].empty())
            return nullptr;
        return &root["nodes"][rng() % root["nodes"].size()];
    };
    auto nodeIds = [&]() {
        std::vector<std::string> ids;
        if (root.is_object() && root.contains("nodes") && root["nodes"].is_array())
            for (auto& n : root["nodes"])
                if (n.is_object() && n.contains("id") && n["id"].is_string()) ids.push_back(n["id"]);
        return ids;
    };
    auto ensureEdges = [&]() -> json* {
        if (!root.is_object()) return nullptr;
        if (!root.contains("edges")) {
            // Make the chain explicit first, so edge edits have something to work on.
            json edges = json::array();
            const auto ids = nodeIds();
            for (size_t i = 1; i < ids.size(); ++i) edges.push_back({{"from", ids[i - 1]}, {"to", ids[i]}});
            root["edges"] = edges;
        }
        return root["edges"].is_array() ? &root["edges"] : nullptr;
    };
    switch (rng() % 16) {
        case 0: {  // replace any value anywhere
            std::vector<json*> all;
            collect(root, all);
            *all[rng() % all.size()] = randomValue(rng);
            break;
        }
        case 1: {  // delete a key of some object / an element of some array
            std::vector<json*> all;
            collect(root, all);
            json* v = all[rng() % all.size()];
            if (v->is_object() && !v->empty()) {
                auto it = v->begin();
                std::advance(it, rng() % v->size());
                v->erase(it);
            } else if (v->is_array() && !v->empty()) {
                v->erase(rng() % v->size());
            }
            break;
        }
        case 2: {  // duplicate an array element (duplicate node ids, duplicate edges)
            std::vector<json*> all;
            collect(root, all);
            json* v = all[rng() % all.size()];
            if (v->is_array() && !v->empty()) v->push_back((*v)[rng() % v->size()]);
            break;
        }
        case 3: {  // a param set to an odd value, or an unknown/duplicated param
            if (json* n = pickNode()) {
                if (!n->is_object()) break;
                json& params = (*n)["params"];
                if (!params.is_object()) params = json::object();
                params[kParams[rng() % std::size(kParams)]] = randomValue(rng);
            }
            break;
        }
        case 4: {  // change a node's type
            if (json* n = pickNode())
                if (n->is_object()) (*n)["type"] = kTypes[rng() % std::size(kTypes)];
            break;
        }
        case 5: {  // absurd sizes on a sizing param
            if (json* n = pickNode()) {
                if (!n->is_object()) break;
                json& params = (*n)["params"];
                if (!params.is_object()) params = json::object();
                const char* key = kParams[rng() % 9];
                const json sizes[] = {1e18, -5, 0, 100000000, 1000000000, 65536, 2147483647, 1e9 + 0.5};
                params[key] = sizes[rng() % std::size(sizes)];
            }
            break;
        }
        case 6: {  // dangling edge
            if (json* e = ensureEdges()) {
                const auto ids = nodeIds();
                json edge = {{"from", ids.empty() ? "ghost" : ids[rng() % ids.size()]}, {"to", "ghost"}};
                if (rng() % 2) std::swap(edge["from"], edge["to"]);
                e->push_back(edge);
            }
            break;
        }
        case 7: {  // cycle: an edge back to an earlier node (or a self-loop)
            if (json* e = ensureEdges()) {
                const auto ids = nodeIds();
                if (ids.empty()) break;
                const size_t a = rng() % ids.size(), b = rng() % (a + 1);
                e->push_back({{"from", ids[a]}, {"to", ids[b]}});
            }
            break;
        }
        case 8: {  // ports out of range or of the wrong type
            if (json* e = ensureEdges()) {
                if (e->empty()) break;
                json& edge = (*e)[rng() % e->size()];
                const json ports[] = {1, 2, 7, -1, 1000000, 1000001, 1e18, 1.5, "0", nullptr};
                if (edge.is_object()) edge["port"] = ports[rng() % std::size(ports)];
            }
            break;
        }
        case 9: {  // rename a node (dangling edges that named it, or an id that collides)
            if (json* n = pickNode()) {
                const auto ids = nodeIds();
                const json names[] = {"", "1bad", "with space", "in", "out", ids.empty() ? "x" : ids[0], "ü"};
                if (n->is_object()) (*n)["id"] = names[rng() % std::size(names)];
            }
            break;
        }
        case 10: {  // unknown top-level or node key
            if (rng() % 2 && root.is_object()) root["extra"] = 1;
            else if (json* n = pickNode())
                if (n->is_object()) (*n)["parms"] = json::object();
            break;
        }
        case 11: {  // move a node: shuffle the order (matters for the short form)
            if (root.is_object() && root.contains("nodes") && root["nodes"].is_array() && root["nodes"].size() > 1) {
                json& nodes = root["nodes"];
                std::swap(nodes[rng() % nodes.size()], nodes[rng() % nodes.size()]);
            }
            break;
        }
        case 12: {  // moderately deep nesting somewhere
            std::vector<json*> all;
            collect(root, all);
            json deep = 1;
            const int levels = 1 + int(rng() % 200);
            for (int i = 0; i < levels; ++i) deep = (rng() % 2) ? json::array({deep}) : json{{"k", deep}};
            *all[rng() % all.size()] = deep;
            break;
        }
        case 13: {  // drop the edges (short form) or all params of a node
            if (rng() % 2 && root.is_object()) root.erase("edges");
            else if (json* n = pickNode())
                if (n->is_object()) n->erase("params");
            break;
        }
        case 14: {  // many nodes: a long chain of ReLUs inserted before the end
            if (root.is_object() && root.contains("nodes") && root["nodes"].is_array() && !root.contains("edges")) {
                json& nodes = root["nodes"];
                const int count = 1 + int(rng() % 300);
                json tail = nodes.empty() ? json() : nodes.back();
                if (!nodes.empty()) nodes.erase(nodes.size() - 1);
                for (int i = 0; i < count; ++i) nodes.push_back({{"id", "r" + std::to_string(i)}, {"type", "ReLU"}});
                if (!tail.is_null()) nodes.push_back(tail);
            }
            break;
        }
        default: {  // wrong format tag
            const json formats[] = {"strata.design/2", "", 1, nullptr, json::array({"strata.design/1"})};
            if (root.is_object()) root["format"] = formats[rng() % std::size(formats)];
            break;
        }
    }
}

// Byte-level damage of the text: flips, truncation, insertions of JSON punctuation.
void mutateText(std::string& text, std::mt19937& rng) {
    if (text.empty()) return;
    switch (rng() % 5) {
        case 0: text.resize(rng() % text.size()); break;
        case 1: {
            const int flips = 1 + int(rng() % 8);
            for (int i = 0; i < flips; ++i) text[rng() % text.size()] = char(rng() % 256);
            break;
        }
        case 2: {
            const char* bits[] = {"{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\ud800", "1e999", "-", "\x00", "\xff"};
            text.insert(rng() % text.size(), bits[rng() % std::size(bits)]);
            break;
        }
        case 3: text.erase(rng() % text.size(), 1 + rng() % 20); break;
        default: {  // duplicate a slice
            const size_t at = rng() % text.size(), len = std::min<size_t>(text.size() - at, 1 + rng() % 64);
            text.insert(rng() % text.size(), text.substr(at, len));
            break;
        }
    }
}

}  // namespace

class FuzzDesignsTest : public QObject {
    Q_OBJECT

    int parseErrors_ = 0, invalid_ = 0, valid_ = 0, tried_ = 0;
    QString failure_;  // what the last failed case found

    // Runs one mutant through parse + analysis; false (after QFAIL-style reporting) on a violation.
    bool runCase(const std::string& text, const QString& label) {
        ++tried_;
        auto save = [&](const char* why) {
            const QString path = QDir::temp().filePath(QString("strata-fuzz-design-%1.json").arg(label));
            QFile f(path);
            if (f.open(QIODevice::WriteOnly)) f.write(text.data(), qint64(text.size()));
            failure_ = QString("%1 on mutant %2 (seed %3), saved to %4").arg(why, label).arg(kSeed).arg(path);
        };
        Design d;
        try {
            d = parseDesign(text, "fuzz.strata.json");
        } catch (const DesignError& e) {
            if (std::string(e.what()).empty()) { save("empty DesignError message"); return false; }
            ++parseErrors_;
            return true;
        } catch (const std::exception& e) {
            save((std::string("parseDesign threw a non-DesignError: ") + e.what()).c_str());
            return false;
        }
        try {
            QElapsedTimer t;
            t.start();
            const DesignAnalysis a = analyzeDesign(d, 10);
            if (t.elapsed() > 1000) { save("analyzeDesign took over 1 s"); return false; }
            if (a.valid()) {
                if (a.totalParameters < 0 || a.totalParameters >= 2'000'000'000) {
                    save("valid design with absurd parameter count");
                    return false;
                }
                ++valid_;
            } else {
                for (const DesignIssue& i : a.issues)
                    if (i.text().empty()) { save("issue without a message"); return false; }
                ++invalid_;
            }
        } catch (const std::exception& e) {
            save((std::string("analyzeDesign threw: ") + e.what()).c_str());
            return false;
        }
        return true;
    }

private slots:
    // Deep nesting as plain text: the parser must refuse (or handle) it without a stack overflow.
    void deepNesting() {
        for (int depth : {1000, 10000, 100000, 1000000}) {
            for (const char* open : {"[", "{\"a\":"}) {
                const std::string close = open[0] == '[' ? "]" : "}";
                std::string text = R"({"format": "strata.design/1", "nodes": )";
                std::string body;
                body.reserve(size_t(depth) * 5);
                for (int i = 0; i < depth; ++i) body += open;
                body += "1";
                for (int i = 0; i < depth; ++i) body += close;
                // In "nodes", in a param, and unterminated.
                QVERIFY2(runCase(text + body + "}", QString("deep-nodes-%1").arg(depth)), qPrintable(failure_));
                QVERIFY2(runCase(R"({"format": "strata.design/1", "nodes": [{"id": "in", "type": "Input", "params": {"channels": )" +
                                    body + "}}]}",
                                QString("deep-param-%1").arg(depth)), qPrintable(failure_));
                QVERIFY2(runCase(text + body.substr(0, body.size() / 2), QString("deep-open-%1").arg(depth)), qPrintable(failure_));
            }
        }
    }

    void mutants() {
        const std::vector<std::string> seeds = seedTexts();
        QVERIFY(seeds.size() >= 4);
        // Every seed is itself a valid design: otherwise the mutants would start out broken.
        for (const std::string& s : seeds) {
            const DesignAnalysis a = analyzeDesign(parseDesign(s), 10);
            QVERIFY2(a.valid(), a.valid() ? "" : a.issues[0].text().c_str());
        }

        std::mt19937 rng(kSeed);
        QElapsedTimer budget;
        budget.start();
        int i = 0;
        for (; i < kMaxMutants && budget.elapsed() < kBudgetMs; ++i) {
            json root = json::parse(seeds[size_t(i) % seeds.size()]);
            const int edits = 1 + int(rng() % 4);
            for (int k = 0; k < edits; ++k) mutateTree(root, rng);
            std::string text = (rng() % 2) ? root.dump() : root.dump(2);
            if (rng() % 4 == 0) mutateText(text, rng);
            QVERIFY2(runCase(text, QString::number(i)), qPrintable(failure_));
        }
        // Edge cases that are not mutants of anything.
        for (const char* text : {"", " ", "null", "[]", "{}", "\"x\"", "1e999", "-", "{\"format\":\"strata.design/1\"}",
                                 "{\"format\":\"strata.design/1\",\"nodes\":[]}",
                                 "{\"format\":\"strata.design/1\",\"nodes\":{}}", "\xef\xbb\xbf{}", "{\"a\":1,\"a\":2}"})
            QVERIFY2(runCase(text, "fixed"), qPrintable(failure_));
        qInfo("fuzzed %d designs: %d parse errors, %d invalid, %d valid (%d mutants in %lld ms, seed %u)", tried_,
              parseErrors_, invalid_, valid_, i, static_cast<long long>(budget.elapsed()), kSeed);
        QCOMPARE(parseErrors_ + invalid_ + valid_, tried_);
        QVERIFY(tried_ >= 500);   // the time budget must leave room for a real sample
        QVERIFY(invalid_ > 0);    // the mutants reach the analysis, not only the parser
        QVERIFY(parseErrors_ > 0);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_APPLESS_MAIN(FuzzDesignsTest)
#include "test_fuzz_designs.moc"
