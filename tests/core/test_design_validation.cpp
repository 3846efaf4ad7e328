// Validation rules of docs/ARCHITECTURE.md §5: every mistake is reported once, on the node at fault, with
// a message that says how to fix it; analysis never throws for graph problems.
#include "design/DesignAnalysis.h"

#include <QtTest/QtTest>

#include "support/StringCompare.h"

using namespace strata;

namespace {

// A small valid design to break in each test: in -> conv -> relu -> flat -> fc -> out.
const char* kBase = R"({"format": "strata.design/1", "name": "base", "nodes": [
    {"id": "in", "type": "Input", "params": {"channels": 1, "height": 8, "width": 8}},
    {"id": "conv", "type": "Conv2d", "params": {"out_channels": 4, "kernel_size": 3}},
    {"id": "relu", "type": "ReLU"},
    {"id": "flat", "type": "Flatten"},
    {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}},
    {"id": "out", "type": "Output"}]})";

Design base() { return parseDesign(kBase); }

// "in" -> nodes... -> "out" from a list of JSON node objects, chained unless edges are given.
Design design(const std::string& nodes, const std::string& edges = "") {
    std::string text = R"({"format": "strata.design/1", "nodes": [)" + nodes + "]";
    if (!edges.empty()) text += R"(, "edges": [)" + edges + "]";
    return parseDesign(text + "}");
}

const char* kIn = R"({"id": "in", "type": "Input", "params": {"channels": 1, "height": 8, "width": 8}})";

std::vector<std::string> texts(const DesignAnalysis& a) {
    std::vector<std::string> out;
    for (const DesignIssue& i : a.issues) out.push_back(i.text());
    return out;
}

// The analysis must report exactly one issue: this one.
void expectOnly(const DesignAnalysis& a, const std::string& node, const std::string& field, const std::string& text) {
    const std::vector<std::string> all = texts(a);
    std::string joined;
    for (const std::string& t : all) joined += t + "\n";
    QVERIFY2(a.issues.size() == 1, joined.c_str());
    QCOMPARE(a.issues[0].node, node);
    QCOMPARE(a.issues[0].field, field);
    QCOMPARE(a.issues[0].text(), text);
    QVERIFY(!a.valid());
}

bool hasIssue(const DesignAnalysis& a, const std::string& text) {
    for (const DesignIssue& i : a.issues)
        if (i.text() == text) return true;
    return false;
}

std::string joined(const DesignAnalysis& a) {
    std::string s;
    for (const std::string& t : texts(a)) s += t + "\n";
    return s;
}

}  // namespace

class TestDesignValidation : public QObject {
    Q_OBJECT

private slots:
    void baseIsValid() {
        const DesignAnalysis a = analyzeDesign(base());
        QVERIFY2(a.valid(), joined(a).c_str());
        for (const NodeAnalysis& n : a.nodes) QVERIFY(n.ok);
    }

    void issueTextNamesTheNode() {
        QCOMPARE((DesignIssue{"fc", "", "Linear expects"}.text()), std::string("node \"fc\": Linear expects"));
        QCOMPARE((DesignIssue{"", "", "the design has no Input node; add one"}.text()),
                 std::string("the design has no Input node; add one"));
    }

    void needsExactlyOneInput() {
        Design d = base();
        d.nodes[0].type = "ReLU";  // no Input left: "in" becomes a node without input
        DesignAnalysis a = analyzeDesign(d);
        QVERIFY(hasIssue(a, "the design has no Input node; add one"));

        d = base();
        d.nodes.push_back({"in2", "Input", {{"channels", 1}, {"height", 8}, {"width", 8}}});
        d.edges.push_back({"in2", "conv", 0});
        a = analyzeDesign(d);
        QVERIFY2(hasIssue(a, "node \"in2\": a design has exactly one Input, and \"in\" is one already; delete one of them"),
                 joined(a).c_str());
    }

    void needsExactlyOneOutput() {
        Design d = base();
        d.nodes.pop_back();
        d.edges.pop_back();
        DesignAnalysis a = analyzeDesign(d);
        QVERIFY2(hasIssue(a, "the design has no Output node; add one"), joined(a).c_str());

        d = base();
        d.nodes.push_back({"out2", "Output"});
        d.edges.push_back({"fc", "out2", 0});
        a = analyzeDesign(d);
        expectOnly(a, "out2", "type",
                   "node \"out2\": a design has exactly one Output, and \"out\" is one already; delete one of them");
    }

    void idsMustBeModuleNames() {
        Design d = base();
        d.nodes[2].id = "1relu.x";
        d.edges[1].to = d.edges[2].from = "1relu.x";
        DesignAnalysis a = analyzeDesign(d);
        expectOnly(a, "1relu.x", "id",
                   "node \"1relu.x\": invalid id; ids become torch module names, so use letters, digits, '_' and "
                   "'-', starting with a letter or '_'");
        d.nodes[2].id = "_relu-1";
        d.edges[1].to = d.edges[2].from = "_relu-1";
        QVERIFY(analyzeDesign(d).valid());
    }

    void idsMustBeUnique() {
        Design d = base();
        d.nodes[2].id = "conv";
        d.edges[1].to = d.edges[2].from = "conv";
        const DesignAnalysis a = analyzeDesign(d);
        QVERIFY2(hasIssue(a, "node \"conv\": duplicate id (nodes[1] and nodes[2]); ids name torch modules, so each "
                             "must be unique"),
                 joined(a).c_str());
        QCOMPARE(a.issues[0].field, std::string("id"));
    }

    void unknownTypeListsKnownTypes() {
        Design d = base();
        d.nodes[2].type = "Relu";
        const DesignAnalysis a = analyzeDesign(d);
        expectOnly(a, "relu", "type",
                   "node \"relu\": unknown layer type \"Relu\" (known: Input, Output, Conv2d, Linear, ReLU, LeakyReLU, "
                   "GELU, Sigmoid, Tanh, BatchNorm2d, BatchNorm1d, LayerNorm, MaxPool2d, AvgPool2d, "
                   "AdaptiveAvgPool2d, Dropout, Dropout2d, Add, Concat, Flatten, PatchEmbed, ClassToken, "
                   "PositionEmbedding, MultiheadAttention, TokenPool)");
        // Nothing downstream complains: the unknown node's output is simply unknown.
        QVERIFY(a.find("fc")->output.empty());
        QVERIFY(!a.find("fc")->ok);
    }

    void unknownParamNamesKnownOnes() {
        Design d = base();
        d.nodes[1].params["kernal_size"] = 3;
        DesignAnalysis a = analyzeDesign(d);
        expectOnly(a, "conv", "kernal_size",
                   "node \"conv\": unknown param \"kernal_size\" for Conv2d (known: out_channels, kernel_size, stride, "
                   "padding, bias)");
        d = base();
        d.nodes[2].params["inplace"] = true;
        a = analyzeDesign(d);
        expectOnly(a, "relu", "inplace", "node \"relu\": unknown param \"inplace\" for ReLU (ReLU takes no params)");
    }

    void missingRequiredParam() {
        Design d = base();
        d.nodes[1].params.erase("out_channels");
        const DesignAnalysis a = analyzeDesign(d);
        expectOnly(a, "conv", "out_channels",
                   "node \"conv\": missing required param \"out_channels\" for Conv2d: number of filters (output "
                   "channels)");
    }

    void paramTypes_data() {
        QTest::addColumn<int>("node");
        QTest::addColumn<QString>("param");
        QTest::addColumn<QString>("value");  // JSON
        QTest::addColumn<QString>("expected");
        QTest::newRow("int as float") << 1 << "kernel_size" << "3.0" << "param \"kernel_size\" must be an integer, got 3.0";
        QTest::newRow("int as string") << 1 << "kernel_size" << "\"3\"" << "param \"kernel_size\" must be an integer, got \"3\"";
        QTest::newRow("int as bool") << 1 << "stride" << "true" << "param \"stride\" must be an integer, got true";
        QTest::newRow("classes typo") << 4 << "out_features" << "\"clases\""
                                      << "param \"out_features\" must be an integer or \"classes\", got \"clases\"";
        QTest::newRow("classes fraction") << 4 << "out_features" << "2.5"
                                          << "param \"out_features\" must be an integer or \"classes\", got 2.5";
        QTest::newRow("bool as int") << 1 << "bias" << "1" << "param \"bias\" must be true or false, got 1";
        QTest::newRow("bool as string") << 4 << "bias" << "\"false\"" << "param \"bias\" must be true or false, got \"false\"";
        QTest::newRow("input range") << 0 << "channels" << "65" << "param \"channels\" is 65, must be in [1, 64]";
        QTest::newRow("kernel zero") << 1 << "kernel_size" << "0" << "param \"kernel_size\" is 0, must be in [1, 1024]";
        QTest::newRow("padding negative") << 1 << "padding" << "-1" << "param \"padding\" is -1, must be in [0, 1024]";
        QTest::newRow("huge int") << 1 << "out_channels" << "18446744073709551615"
                                  << "param \"out_channels\" is 18446744073709551615, must be in [1, 65536]";
        QTest::newRow("out_features zero") << 4 << "out_features" << "0" << "param \"out_features\" is 0, must be in [1, 100000000]";
    }

    void paramTypes() {
        QFETCH(int, node);
        QFETCH(QString, param);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        Design d = base();
        d.nodes[node].params[param.toStdString()] = nlohmann::json::parse(value.toStdString());
        const DesignAnalysis a = analyzeDesign(d);
        expectOnly(a, d.nodes[node].id, param.toStdString(),
                   "node \"" + d.nodes[node].id + "\": " + expected.toStdString());
    }

    void floatParamsAndOpenRanges() {
        auto withDropout = [](const std::string& params) {
            return design(std::string(kIn) + R"(, {"id": "f", "type": "Flatten"}, {"id": "drop", "type": "Dropout", "params": )" +
                          params + R"(}, {"id": "fc", "type": "Linear", "params": {"out_features": 10}},
                          {"id": "out", "type": "Output"})");
        };
        // p must stay below 1: torch would zero everything.
        expectOnly(analyzeDesign(withDropout(R"({"p": 1})")), "drop", "p", "node \"drop\": param \"p\" is 1, must be in [0, 1)");
        expectOnly(analyzeDesign(withDropout(R"({"p": 1.0})")), "drop", "p",
                   "node \"drop\": param \"p\" is 1.0, must be in [0, 1)");
        expectOnly(analyzeDesign(withDropout(R"({"p": "0.5"})")), "drop", "p",
                   "node \"drop\": param \"p\" must be a number, got \"0.5\"");
        DesignAnalysis ok = analyzeDesign(withDropout(R"({"p": 0.99})"));
        QVERIFY2(ok.valid(), joined(ok).c_str());
        QCOMPARE(ok.find("drop")->params.f("p"), 0.99);
        ok = analyzeDesign(withDropout(R"({"p": 0})"));  // an integer is a fine Float
        QVERIFY(ok.valid());
        QCOMPARE(ok.find("drop")->params.f("p"), 0.0);

        // BatchNorm eps must be above 0.
        const Design bn = design(std::string(kIn) + R"(, {"id": "bn", "type": "BatchNorm2d", "params": {"eps": 0}},
            {"id": "f", "type": "Flatten"}, {"id": "fc", "type": "Linear", "params": {"out_features": 10}},
            {"id": "out", "type": "Output"})");
        expectOnly(analyzeDesign(bn), "bn", "eps", "node \"bn\": param \"eps\" is 0, must be in (0, 1]");
    }

    void edgesMustNameExistingNodes() {
        Design d = base();
        d.edges.push_back({"relu", "ghost", 0});
        DesignAnalysis a = analyzeDesign(d);
        expectOnly(a, "relu", "edges", "node \"relu\": edge to unknown node \"ghost\"");

        d = base();
        d.edges[2].from = "ghost";  // relu -> flat becomes ghost -> flat
        a = analyzeDesign(d);
        QVERIFY2(hasIssue(a, "node \"flat\": edge from unknown node \"ghost\""), joined(a).c_str());
        // relu now leads nowhere: that is a second, real mistake; flat itself is not "unconnected".
        QVERIFY(hasIssue(a, "node \"relu\": does not lead to Output; connect it or delete it"));
        QCOMPARE(a.issues.size(), std::size_t(2));

        d = base();
        d.edges.push_back({"x", "y", 0});
        a = analyzeDesign(d);
        expectOnly(a, "", "edges", "edge \"x\" -> \"y\" names no existing node");
    }

    void edgesIntoInputOrOutOfOutput() {
        Design d = base();
        d.edges.push_back({"relu", "in", 0});
        DesignAnalysis a = analyzeDesign(d);
        expectOnly(a, "in", "edges", "node \"in\": Input takes no inputs, but an edge comes from \"relu\"; delete it");

        d = base();
        d.edges.push_back({"out", "relu", 0});
        a = analyzeDesign(d);
        QVERIFY2(hasIssue(a, "node \"out\": Output has no outgoing edges, but one leads to \"relu\"; delete it"),
                 joined(a).c_str());
    }

    void singleInputPorts() {
        Design d = base();
        d.edges[1].port = 1;  // conv -> relu on port 1
        DesignAnalysis a = analyzeDesign(d);
        expectOnly(a, "relu", "port", "node \"relu\": edge from \"conv\" uses port 1, but ReLU has one input (port 0)");

        d = base();
        d.edges.push_back({"in", "flat", 0});  // flat now has two inputs
        a = analyzeDesign(d);
        expectOnly(a, "flat", "edges",
                   "node \"flat\": Flatten takes one input but 2 edges lead into it (from \"relu\", \"in\"); join the "
                   "branches with Add or Concat first");
    }

    void multiInputPorts() {
        const std::string nodes = std::string(kIn) + R"(,
            {"id": "a", "type": "ReLU"}, {"id": "b", "type": "Tanh"}, {"id": "sum", "type": "Add"},
            {"id": "f", "type": "Flatten"}, {"id": "fc", "type": "Linear", "params": {"out_features": 10}},
            {"id": "out", "type": "Output"})";
        const std::string tail = R"({"from": "in", "to": "a"}, {"from": "in", "to": "b"},
            {"from": "sum", "to": "f"}, {"from": "f", "to": "fc"}, {"from": "fc", "to": "out"})";
        auto with = [&](const std::string& sumEdges) { return analyzeDesign(design(nodes, tail + ", " + sumEdges)); };

        DesignAnalysis a = with(R"({"from": "a", "to": "sum"}, {"from": "b", "to": "sum", "port": 1})");
        QVERIFY2(a.valid(), joined(a).c_str());
        QCOMPARE(a.inputsOf.at("sum"), (std::vector<std::string>{"a", "b"}));
        a = with(R"({"from": "a", "to": "sum", "port": 1}, {"from": "b", "to": "sum"})");
        QCOMPARE(a.inputsOf.at("sum"), (std::vector<std::string>{"b", "a"}));  // ordered by port

        a = with(R"({"from": "a", "to": "sum"}, {"from": "b", "to": "sum"})");
        expectOnly(a, "sum", "port", "node \"sum\": port 0 receives 2 edges (from \"a\", \"b\"); give each edge its own port");

        a = with(R"({"from": "a", "to": "sum"}, {"from": "b", "to": "sum", "port": 2})");
        expectOnly(a, "sum", "port", "node \"sum\": no edge into port 1; number the ports 0, 1, ... without gaps");

        // b feeds nothing now, which is its own issue; sum's is about its missing input.
        a = with(R"({"from": "a", "to": "sum"})");
        QVERIFY2(hasIssue(a, "node \"sum\": Add needs at least 2 inputs but receives 1; connect another edge into port 1"),
                 joined(a).c_str());
        QVERIFY(hasIssue(a, "node \"b\": does not lead to Output; connect it or delete it"));
        QCOMPARE(a.issues.size(), std::size_t(2));
    }

    void cyclesAreNamedOnce() {
        // in -> a (Add port 0); a -> b; b -> a (port 1); a -> f -> fc -> out.
        const Design d = design(std::string(kIn) + R"(, {"id": "a", "type": "Add"}, {"id": "b", "type": "ReLU"},
            {"id": "f", "type": "Flatten"}, {"id": "fc", "type": "Linear", "params": {"out_features": 10}},
            {"id": "out", "type": "Output"})",
                                R"({"from": "in", "to": "a"}, {"from": "a", "to": "b"}, {"from": "b", "to": "a", "port": 1},
            {"from": "a", "to": "f"}, {"from": "f", "to": "fc"}, {"from": "fc", "to": "out"})");
        const DesignAnalysis a = analyzeDesign(d);
        expectOnly(a, "a", "edges", "node \"a\": is part of a cycle a -> b -> a; remove one of these edges");
        // Every node is still listed, the ones behind the cycle without shapes.
        QCOMPARE(a.nodes.size(), std::size_t(6));
        QVERIFY(!a.find("out")->ok);
        QVERIFY(a.find("out")->output.empty());
    }

    void selfLoopIsACycle() {
        Design d = base();
        d.nodes.insert(d.nodes.begin() + 3, Node{"sum", "Add"});
        d.edges = {{"in", "conv"}, {"conv", "relu"}, {"relu", "sum", 0}, {"sum", "sum", 1},
                   {"sum", "flat"}, {"flat", "fc"}, {"fc", "out"}};
        expectOnly(analyzeDesign(d), "sum", "edges", "node \"sum\": is part of a cycle sum -> sum; remove one of these edges");
    }

    void danglingBranchIsReportedAtItsEnd() {
        Design d = base();
        d.nodes.push_back({"side1", "ReLU"});
        d.nodes.push_back({"side2", "Tanh"});
        d.edges.push_back({"conv", "side1", 0});
        d.edges.push_back({"side1", "side2", 0});
        const DesignAnalysis a = analyzeDesign(d);
        expectOnly(a, "side2", "edges", "node \"side2\": does not lead to Output; connect it or delete it");
        QCOMPARE(a.find("side2")->output, (Shape{4, 6, 6}));  // shapes still inferred: it is fine otherwise
    }

    void floatingChainIsReportedAtItsStart() {
        // x -> sum (port 1) where port 0 comes from the main path: x has no input of its own.
        Design d = base();
        d.nodes.insert(d.nodes.begin() + 3, Node{"sum", "Add"});
        d.nodes.push_back({"x", "Tanh"});
        d.edges = {{"in", "conv"}, {"conv", "relu"}, {"relu", "sum", 0}, {"x", "sum", 1},
                   {"sum", "flat"}, {"flat", "fc"}, {"fc", "out"}};
        const DesignAnalysis a = analyzeDesign(d);
        expectOnly(a, "x", "edges", "node \"x\": is not connected to Input; connect an edge into it or delete it");
    }

    void isolatedNode() {
        Design d = base();
        d.nodes.push_back({"lonely", "GELU"});
        expectOnly(analyzeDesign(d), "lonely", "edges",
                   "node \"lonely\": is not connected to Input or Output; connect it or delete it");
    }

    void shapeErrorsDoNotCascade() {
        // The docs/ARCHITECTURE.md §5 example: a Linear on an image. Its consumers stay quiet.
        const Design d = design(std::string(kIn) + R"(,
            {"id": "conv", "type": "Conv2d", "params": {"out_channels": 64, "kernel_size": 1}},
            {"id": "fc", "type": "Linear", "params": {"out_features": 32}}, {"id": "relu", "type": "ReLU"},
            {"id": "fc2", "type": "Linear", "params": {"out_features": "classes"}}, {"id": "out", "type": "Output"})");
        const DesignAnalysis a = analyzeDesign(d);
        expectOnly(a, "fc", "",
                   "node \"fc\": Linear expects a flat input [N, F] but receives [N, 64, 8, 8]; insert a Flatten "
                   "before it");
        QVERIFY(a.find("conv")->ok);
        QVERIFY(!a.find("fc")->ok && !a.find("relu")->ok && !a.find("fc2")->ok && !a.find("out")->ok);
        QVERIFY(a.find("relu")->output.empty());
    }

    void badParamsDoNotCascade() {
        Design d = base();
        d.nodes[1].params["kernel_size"] = 2000;  // out of range: its shape is unknown, the rest stays quiet
        const DesignAnalysis a = analyzeDesign(d);
        expectOnly(a, "conv", "kernel_size", "node \"conv\": param \"kernel_size\" is 2000, must be in [1, 1024]");
    }

    void outputChecksClassCount() {
        Design d = base();
        d.nodes[4].params["out_features"] = 5;
        DesignAnalysis a = analyzeDesign(d);
        expectOnly(a, "out", "",
                   "node \"out\": Output expects logits [N, 10] (one per class) but receives [N, 5]; set the last "
                   "Linear's out_features to \"classes\"");
        QVERIFY(analyzeDesign(d, 5).valid());

        d = base();
        d.nodes.erase(d.nodes.begin() + 3, d.nodes.begin() + 5);  // conv -> relu -> out
        d.edges = {{"in", "conv"}, {"conv", "relu"}, {"relu", "out"}};
        a = analyzeDesign(d);
        expectOnly(a, "out", "",
                   "node \"out\": Output expects logits [N, 10] (one per class) but receives [N, 4, 6, 6]; end the "
                   "design with Flatten and a Linear with out_features \"classes\"");
    }

    void classesMustBePositive() {
        const DesignAnalysis a = analyzeDesign(base(), 0);
        QVERIFY(hasIssue(a, "classes must be at least 1, got 0"));
    }

    void hugeLayersAreRefusedBeforeAllocation() {
        Design d = base();
        d.nodes[4].params["out_features"] = 100000000;
        DesignAnalysis a = analyzeDesign(d, 100000000);
        // 4*6*6 = 144 inputs: 144e8 weights + 1e8 biases.
        expectOnly(a, "fc", "",
                   "node \"fc\": Linear with 100000000 out_features needs 58.0 GB of weights (14500000000 "
                   "parameters, limit 2000000000); use a smaller out_features");

        // 65536 channels on a 4096 x 4096 image: 2^40 values per sample.
        d = base();
        d.nodes[0].params = {{"channels", 1}, {"height", 4096}, {"width", 4096}};
        d.nodes[1].params = {{"out_channels", 65536}, {"kernel_size", 1}};
        a = analyzeDesign(d);
        expectOnly(a, "conv", "",
                   "node \"conv\": Conv2d output [N, 65536, 4096, 4096] has 1099511627776 values per sample, above "
                   "the limit of 2147483648; use fewer channels or a smaller input");

        // Each layer fits, the whole does not: 784*2e6 + 2e6*500 + ... > 2e9.
        const Design big = design(
            R"({"id": "in", "type": "Input", "params": {"channels": 1, "height": 28, "width": 28}},
            {"id": "f", "type": "Flatten"}, {"id": "fc1", "type": "Linear", "params": {"out_features": 2000000}},
            {"id": "fc2", "type": "Linear", "params": {"out_features": 500}},
            {"id": "fc3", "type": "Linear", "params": {"out_features": "classes"}}, {"id": "out", "type": "Output"})");
        a = analyzeDesign(big);
        expectOnly(a, "", "",
                   "the design needs 10.3 GB of weights (2570005510 parameters, limit 2000000000); make its layers "
                   "smaller");
    }

    void collectsEveryIssueInFileOrder() {
        Design d = base();
        d.nodes[1].params["stride"] = 0;
        d.nodes[2].type = "Relu";
        d.nodes[4].params["bias"] = "yes";
        const DesignAnalysis a = analyzeDesign(d);
        QCOMPARE(a.issues.size(), std::size_t(3));
        QCOMPARE(a.issues[0].node, std::string("conv"));
        QCOMPARE(a.issues[1].node, std::string("relu"));
        QCOMPARE(a.issues[2].node, std::string("fc"));
    }

    void emptyDesignDoesNotThrow() {
        const DesignAnalysis a = analyzeDesign(Design{});
        QCOMPARE(a.issues.size(), std::size_t(2));
        QVERIFY(hasIssue(a, "the design has no Input node; add one"));
        QVERIFY(hasIssue(a, "the design has no Output node; add one"));
        QCOMPARE(a.totalParameters, int64_t(0));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_APPLESS_MAIN(TestDesignValidation)
#include "test_design_validation.moc"
