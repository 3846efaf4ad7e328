// Shape inference, parameter counts and costs (MACs, output bytes) of every layer type, checked
// against values computed by hand (PyTorch's formulas, fvcore's MACs), plus the shipped
// templates and the layer registry itself.
#include "design/DesignAnalysis.h"
#include "design/DesignCost.h"

#include <QtTest/QtTest>
#include <cmath>
#include <map>
#include "support/DesignChains.h"
#include "support/TestData.h"

#include "support/StringCompare.h"

using namespace strata;
using nlohmann::json;
using test::Layer;
using test::chain;

namespace {

// The chains' Output class check may complain (the tests look at one layer, not at logits):
// only issues naming other nodes are failures.
std::string issuesText(const DesignAnalysis& a) {
    std::string s;
    for (const DesignIssue& i : a.issues) s += i.text() + "\n";
    return s;
}

// The analysis of `id`. Connectivity issues are expected in the partial designs built here; any
// other issue of the node is printed, since the comparisons that follow will fail on it.
NodeAnalysis node(const DesignAnalysis& a, const std::string& id) {
    for (const DesignIssue& i : a.issues)
        if (i.node == id && i.field != "edges") qWarning("%s", i.text().c_str());
    const NodeAnalysis* n = a.find(id);
    if (!n) qFatal("no node %s", id.c_str());
    return *n;
}

// The shape or param message that the analysis reports for node `id` (connectivity aside).
std::string issueOf(const DesignAnalysis& a, const std::string& id) {
    std::string found;
    for (const DesignIssue& i : a.issues)
        if (i.node == id && i.field != "edges") found += i.message;
    return found;
}

Design loadTemplate(const std::string& name) {
    return loadDesign(test::templateFile(QString::fromStdString(name)).toStdString());
}

bool hasType(const Design& d, const std::string& type) {
    for (const Node& n : d.nodes)
        if (n.type == type) return true;
    return false;
}

}  // namespace

class TestShapeInference : public QObject {
    Q_OBJECT

private slots:
    void shapeToStringShowsTheBatch() {
        QCOMPARE(shapeToString({32, 28, 28}), std::string("[N, 32, 28, 28]"));
        QCOMPARE(shapeToString({10}), std::string("[N, 10]"));
        QCOMPARE(shapeToString({}), std::string("[N]"));
    }

    void input() {
        const DesignAnalysis a = chain({3, 32, 40}, {{"f", "Flatten"}, {"fc", "Linear", {{"out_features", 10}}}});
        QVERIFY2(a.valid(), issuesText(a).c_str());
        const NodeAnalysis n = node(a, "in");
        QCOMPARE(n.output, (Shape{3, 32, 40}));
        QCOMPARE(n.parameters, int64_t(0));
        QCOMPARE(n.depth, 0);
        QVERIFY(n.inputs.empty());
        QCOMPARE(node(a, "f").output, (Shape{3840}));
        QCOMPARE(node(a, "out").output, (Shape{10}));  // Output passes its logits through
        QCOMPARE(node(a, "out").depth, 3);
    }

    void conv2d() {
        // floor((32 + 2 - 5) / 2) + 1 = 15; 16 * 3 * 5 * 5 + 16 = 1216.
        DesignAnalysis a = chain({3, 32, 32}, {{"c", "Conv2d", {{"out_channels", 16}, {"kernel_size", 5}, {"stride", 2}, {"padding", 1}}}});
        NodeAnalysis c = node(a, "c");
        QCOMPARE(c.output, (Shape{16, 15, 15}));
        QCOMPARE(c.parameters, int64_t(1216));
        QCOMPARE(c.inputs, (std::vector<Shape>{{3, 32, 32}}));
        QCOMPARE(c.depth, 1);
        // Defaults resolved: stride 1, padding 0, bias true; non-square input.
        a = chain({2, 28, 20}, {{"c", "Conv2d", {{"out_channels", 8}, {"kernel_size", 3}, {"bias", false}}}});
        c = node(a, "c");
        QCOMPARE(c.output, (Shape{8, 26, 18}));
        QCOMPARE(c.parameters, int64_t(8 * 2 * 9));
        QCOMPARE(c.params.i("stride"), int64_t(1));
        QCOMPARE(c.params.i("padding"), int64_t(0));
        QCOMPARE(c.params.b("bias"), false);
        // A kernel larger than the padded input.
        a = chain({1, 4, 4}, {{"c", "Conv2d", {{"out_channels", 8}, {"kernel_size", 5}}}});
        QCOMPARE(issueOf(a, "c"), std::string("Conv2d kernel_size 5 (padding 0) does not fit the input [N, 1, 4, 4]; "
                                              "use a smaller kernel_size, more padding or less pooling before it"));
        QCOMPARE(a.issues.size(), std::size_t(1));
        // On a flat input.
        a = chain({1, 4, 4}, {{"f", "Flatten"}, {"c", "Conv2d", {{"out_channels", 8}, {"kernel_size", 1}}}});
        QCOMPARE(issueOf(a, "c"), std::string("Conv2d expects an image input [N, C, H, W] but receives [N, 16]; move "
                                              "it before the Flatten"));
    }

    void linear() {
        DesignAnalysis a = chain({1, 28, 28}, {{"f", "Flatten"}, {"fc", "Linear", {{"out_features", 100}}}}, 100);
        QVERIFY2(a.valid(), issuesText(a).c_str());
        QCOMPARE(node(a, "fc").output, (Shape{100}));
        QCOMPARE(node(a, "fc").parameters, int64_t(784 * 100 + 100));
        a = chain({1, 28, 28}, {{"f", "Flatten"}, {"fc", "Linear", {{"out_features", 100}, {"bias", false}}}}, 100);
        QCOMPARE(node(a, "fc").parameters, int64_t(78400));
    }

    void classesAreResolved() {
        const DesignAnalysis a = chain({1, 28, 28}, {{"f", "Flatten"}, {"fc", "Linear", {{"out_features", "classes"}}}}, 3);
        QVERIFY2(a.valid(), issuesText(a).c_str());
        QCOMPARE(a.classes, 3);
        QCOMPARE(node(a, "fc").params.i("out_features"), int64_t(3));
        QCOMPARE(node(a, "fc").output, (Shape{3}));
        QCOMPARE(node(a, "fc").parameters, int64_t(784 * 3 + 3));
        QCOMPARE(a.totalParameters, int64_t(2355));
    }

    void activations_data() {
        QTest::addColumn<QString>("type");
        for (const char* t : {"ReLU", "GELU", "Sigmoid", "Tanh", "LeakyReLU"}) QTest::newRow(t) << t;
    }

    void activations() {
        QFETCH(QString, type);
        DesignAnalysis a = chain({3, 9, 7}, {{"act", type.toStdString()}});
        NodeAnalysis n = node(a, "act");
        QCOMPARE(n.output, (Shape{3, 9, 7}));
        QCOMPARE(n.parameters, int64_t(0));
        a = chain({3, 9, 7}, {{"f", "Flatten"}, {"act", type.toStdString()}});
        QCOMPARE(node(a, "act").output, (Shape{189}));
    }

    void leakyReluSlope() {
        DesignAnalysis a = chain({1, 4, 4}, {{"act", "LeakyReLU"}});
        QCOMPARE(node(a, "act").params.f("negative_slope"), 0.01);
        a = chain({1, 4, 4}, {{"act", "LeakyReLU", {{"negative_slope", 0.2}}}});
        QCOMPARE(node(a, "act").params.f("negative_slope"), 0.2);
    }

    void batchNorm2d() {
        DesignAnalysis a = chain({16, 14, 14}, {{"bn", "BatchNorm2d"}});
        NodeAnalysis n = node(a, "bn");
        QCOMPARE(n.output, (Shape{16, 14, 14}));
        QCOMPARE(n.parameters, int64_t(32));
        QCOMPARE(n.params.f("eps"), 1e-5);
        QCOMPARE(n.params.f("momentum"), 0.1);
        a = chain({16, 14, 14}, {{"f", "Flatten"}, {"bn", "BatchNorm2d"}});
        QCOMPARE(issueOf(a, "bn"), std::string("BatchNorm2d expects an image input [N, C, H, W] but receives [N, 3136]; "
                                               "use BatchNorm1d on flat inputs"));
    }

    void batchNorm1d() {
        DesignAnalysis a = chain({2, 5, 5}, {{"f", "Flatten"}, {"bn", "BatchNorm1d", {{"momentum", 0.5}}}});
        NodeAnalysis n = node(a, "bn");
        QCOMPARE(n.output, (Shape{50}));
        QCOMPARE(n.parameters, int64_t(100));
        QCOMPARE(n.params.f("momentum"), 0.5);
        a = chain({2, 5, 5}, {{"bn", "BatchNorm1d"}});
        QCOMPARE(issueOf(a, "bn"), std::string("BatchNorm1d expects a flat input [N, F] but receives [N, 2, 5, 5]; use "
                                               "BatchNorm2d on images"));
    }

    void layerNorm() {
        DesignAnalysis a = chain({8, 5, 5}, {{"ln", "LayerNorm"}});
        QCOMPARE(node(a, "ln").output, (Shape{8, 5, 5}));
        QCOMPARE(node(a, "ln").parameters, int64_t(2 * 200));
        QCOMPARE(node(a, "ln").params.b("elementwise_affine"), true);
        a = chain({8, 5, 5}, {{"ln", "LayerNorm", {{"elementwise_affine", false}}}});
        QCOMPARE(node(a, "ln").parameters, int64_t(0));
        a = chain({8, 5, 5}, {{"f", "Flatten"}, {"ln", "LayerNorm"}});
        QCOMPARE(node(a, "ln").output, (Shape{200}));
        QCOMPARE(node(a, "ln").parameters, int64_t(400));
    }

    void dropout() {
        DesignAnalysis a = chain({3, 8, 8}, {{"d", "Dropout"}});
        QCOMPARE(node(a, "d").output, (Shape{3, 8, 8}));
        QCOMPARE(node(a, "d").params.f("p"), 0.5);
        QCOMPARE(node(a, "d").parameters, int64_t(0));
        a = chain({3, 8, 8}, {{"f", "Flatten"}, {"d", "Dropout", {{"p", 0.25}}}});
        QCOMPARE(node(a, "d").output, (Shape{192}));
        QCOMPARE(node(a, "d").params.f("p"), 0.25);
    }

    void dropout2d() {
        DesignAnalysis a = chain({3, 8, 8}, {{"d", "Dropout2d", {{"p", 0.1}}}});
        QCOMPARE(node(a, "d").output, (Shape{3, 8, 8}));
        QCOMPARE(node(a, "d").params.f("p"), 0.1);
        a = chain({3, 8, 8}, {{"f", "Flatten"}, {"d", "Dropout2d"}});
        QCOMPARE(issueOf(a, "d"), std::string("Dropout2d expects an image input [N, C, H, W] but receives [N, 192]; use "
                                              "Dropout on flat inputs"));
    }

    void pools_data() {
        QTest::addColumn<QString>("type");
        QTest::newRow("max") << "MaxPool2d";
        QTest::newRow("avg") << "AvgPool2d";
    }

    void pools() {
        QFETCH(QString, type);
        const std::string t = type.toStdString();
        // Stride defaults to kernel_size: 28 -> 14.
        DesignAnalysis a = chain({6, 28, 28}, {{"p", t, {{"kernel_size", 2}}}});
        NodeAnalysis p = node(a, "p");
        QCOMPARE(p.output, (Shape{6, 14, 14}));
        QCOMPARE(p.params.i("stride"), int64_t(2));
        QCOMPARE(p.params.i("padding"), int64_t(0));
        QCOMPARE(p.parameters, int64_t(0));
        // floor((28 - 3) / 3) + 1 = 9; an explicit 0 also means "same as kernel_size".
        a = chain({6, 28, 28}, {{"p", t, {{"kernel_size", 3}, {"stride", 0}}}});
        QCOMPARE(node(a, "p").output, (Shape{6, 9, 9}));
        QCOMPARE(node(a, "p").params.i("stride"), int64_t(3));
        // floor((28 + 2 - 3) / 1) + 1 = 28.
        a = chain({6, 28, 28}, {{"p", t, {{"kernel_size", 3}, {"stride", 1}, {"padding", 1}}}});
        QCOMPARE(node(a, "p").output, (Shape{6, 28, 28}));
        // floor((7 - 2) / 2) + 1 = 3 (odd sizes round down).
        a = chain({6, 7, 7}, {{"p", t, {{"kernel_size", 2}}}});
        QCOMPARE(node(a, "p").output, (Shape{6, 3, 3}));
        // torch's rule: padding at most half the kernel.
        a = chain({6, 28, 28}, {{"p", t, {{"kernel_size", 3}, {"padding", 2}}}});
        QCOMPARE(issueOf(a, "p"), t + " padding 2 is more than half of kernel_size 3; use padding <= 1");
        QCOMPARE(a.issues.at(0).field, std::string("padding"));
        // A window larger than the image.
        a = chain({6, 2, 2}, {{"p", t, {{"kernel_size", 3}}}});
        QCOMPARE(issueOf(a, "p"), t + " kernel_size 3 does not fit the input [N, 6, 2, 2]; use a smaller kernel_size "
                                      "or less pooling before it");
    }

    void adaptiveAvgPool() {
        DesignAnalysis a = chain({32, 7, 7}, {{"g", "AdaptiveAvgPool2d"}});
        QCOMPARE(node(a, "g").output, (Shape{32, 1, 1}));
        QCOMPARE(node(a, "g").params.i("output_size"), int64_t(1));
        a = chain({32, 7, 7}, {{"g", "AdaptiveAvgPool2d", {{"output_size", 4}}}});
        QCOMPARE(node(a, "g").output, (Shape{32, 4, 4}));
        QCOMPARE(node(a, "g").parameters, int64_t(0));
    }

    void flatten() {
        const DesignAnalysis a = chain({64, 7, 7}, {{"f", "Flatten"}, {"f2", "Flatten"}});
        QCOMPARE(node(a, "f").output, (Shape{3136}));
        QCOMPARE(node(a, "f2").output, (Shape{3136}));
        QCOMPARE(node(a, "f").parameters, int64_t(0));
    }

    void addAndConcat() {
        // in(1x10x10) -> a: Conv 8 k3 p1 (8x10x10), b: Conv 4 k1 (4x10x10), c: Conv 8 k1 (8x10x10),
        // d: Conv 8 k3 (8x8x8); then merge nodes on chosen ports.
        auto merged = [](const std::string& type, const std::vector<std::string>& from) {
            Design d;
            d.nodes.push_back({"in", "Input", {{"channels", 1}, {"height", 10}, {"width", 10}}});
            d.nodes.push_back({"a", "Conv2d", {{"out_channels", 8}, {"kernel_size", 3}, {"padding", 1}}});
            d.nodes.push_back({"b", "Conv2d", {{"out_channels", 4}, {"kernel_size", 1}}});
            d.nodes.push_back({"c", "Conv2d", {{"out_channels", 8}, {"kernel_size", 1}}});
            d.nodes.push_back({"d", "Conv2d", {{"out_channels", 8}, {"kernel_size", 3}}});
            d.nodes.push_back({"fa", "Flatten"});
            d.nodes.push_back({"m", type});
            for (const char* id : {"a", "b", "c", "d"}) d.edges.push_back({"in", id, 0});
            d.edges.push_back({"a", "fa", 0});
            for (std::size_t port = 0; port < from.size(); ++port) d.edges.push_back({from[port], "m", int(port)});
            return analyzeDesign(d);  // unused branches and the missing Output are reported: look at "m" only
        };
        DesignAnalysis a = merged("Add", {"a", "c"});
        QCOMPARE(node(a, "m").output, (Shape{8, 10, 10}));
        QCOMPARE(node(a, "m").parameters, int64_t(0));
        QCOMPARE(node(a, "m").inputs, (std::vector<Shape>{{8, 10, 10}, {8, 10, 10}}));
        QCOMPARE(node(a, "m").depth, 2);
        a = merged("Add", {"a", "c", "a"});
        QCOMPARE(node(a, "m").output, (Shape{8, 10, 10}));
        a = merged("Add", {"a", "b"});
        QCOMPARE(issueOf(a, "m"), std::string("Add needs inputs of equal shape but receives [N, 8, 10, 10] (port 0) and "
                                              "[N, 4, 10, 10] (port 1); give the branches the same channels "
                                              "(out_channels) and the same pooling"));

        a = merged("Concat", {"a", "b", "c"});
        QCOMPARE(node(a, "m").output, (Shape{20, 10, 10}));
        QCOMPARE(node(a, "m").parameters, int64_t(0));
        a = merged("Concat", {"a", "d"});
        QCOMPARE(issueOf(a, "m"), std::string("Concat joins channels, so its inputs need equal height and width, but "
                                              "receives [N, 8, 10, 10] (port 0) and [N, 8, 8, 8] (port 1); give the "
                                              "branches the same pooling and strides"));
        a = merged("Concat", {"b", "fa"});
        QCOMPARE(issueOf(a, "m"), std::string("Concat needs all inputs images [N, C, H, W] or all flat [N, F] but "
                                              "receives [N, 4, 10, 10] (port 0) and [N, 800] (port 1); flatten both "
                                              "branches or neither"));
    }

    void concatFlat() {
        // in -> f -> l1 (5), f -> l2 (7); Concat -> [12] -> Linear classes -> out.
        Design d = parseDesign(R"({"format": "strata.design/1", "nodes": [
            {"id": "in", "type": "Input", "params": {"channels": 1, "height": 4, "width": 4}},
            {"id": "f", "type": "Flatten"},
            {"id": "l1", "type": "Linear", "params": {"out_features": 5}},
            {"id": "l2", "type": "Linear", "params": {"out_features": 7}},
            {"id": "cat", "type": "Concat"},
            {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}},
            {"id": "out", "type": "Output"}], "edges": [
            {"from": "in", "to": "f"}, {"from": "f", "to": "l1"}, {"from": "f", "to": "l2"},
            {"from": "l1", "to": "cat"}, {"from": "l2", "to": "cat", "port": 1},
            {"from": "cat", "to": "fc"}, {"from": "fc", "to": "out"}]})");
        const DesignAnalysis a = analyzeDesign(d, 4);
        QVERIFY2(a.valid(), issuesText(a).c_str());
        QCOMPARE(node(a, "cat").output, (Shape{12}));
        QCOMPARE(node(a, "fc").parameters, int64_t(12 * 4 + 4));
        QCOMPARE(a.totalParameters, int64_t((16 * 5 + 5) + (16 * 7 + 7) + 52));
        // Topological order, ties broken by file order.
        std::vector<std::string> order;
        for (const NodeAnalysis& n : a.nodes) order.push_back(n.id);
        QCOMPARE(order, (std::vector<std::string>{"in", "f", "l1", "l2", "cat", "fc", "out"}));
        QCOMPARE(node(a, "cat").depth, 3);
        QCOMPARE(a.inputsOf.at("cat"), (std::vector<std::string>{"l1", "l2"}));
        QVERIFY(a.inputsOf.at("in").empty());
    }

    void referenceCnnTemplate() {
        const DesignAnalysis a = analyzeDesign(loadTemplate("reference-cnn"));
        QVERIFY2(a.valid(), issuesText(a).c_str());
        QCOMPARE(a.totalParameters, int64_t(421642));
        QCOMPARE(node(a, "conv1").parameters, int64_t(320));
        QCOMPARE(node(a, "conv2").parameters, int64_t(18496));
        QCOMPARE(node(a, "fc1").parameters, int64_t(401536));
        QCOMPARE(node(a, "fc2").parameters, int64_t(1290));
        QCOMPARE(node(a, "pool2").output, (Shape{64, 7, 7}));
        QCOMPARE(node(a, "flat").output, (Shape{3136}));
        QCOMPARE(node(a, "out").depth, 11);
        std::vector<std::string> order;
        for (const NodeAnalysis& n : a.nodes) order.push_back(n.id);
        QCOMPARE(order, (std::vector<std::string>{"in", "conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flat",
                                                  "fc1", "relu3", "fc2", "out"}));
        // Three classes: only the last Linear changes (128 * 3 + 3 instead of 1290).
        const DesignAnalysis three = analyzeDesign(loadTemplate("reference-cnn"), 3);
        QVERIFY(three.valid());
        QCOMPARE(node(three, "fc2").output, (Shape{3}));
        QCOMPARE(three.totalParameters, int64_t(421642 - 1290 + 387));
    }

    // MACs of the weights per image (fvcore/thop), output bytes in fp32, and the totals.
    void referenceCnnCost() {
        const DesignCost cost = designCost(analyzeDesign(loadTemplate("reference-cnn")));
        const std::map<std::string, int64_t> macs = {
            {"conv1", 28 * 28 * 32 * 1 * 9},  // 225,792
            {"conv2", 14 * 14 * 64 * 32 * 9}, // 3,612,672
            {"fc1", 3136 * 128},              // 401,408
            {"fc2", 128 * 10}};               // 1,280
        QCOMPARE(cost.nodes.size(), std::size_t(12));
        for (const NodeCost& n : cost.nodes) {
            const auto it = macs.find(n.id);
            QCOMPARE(n.macs, it == macs.end() ? int64_t(0) : it->second);
        }
        QCOMPARE(cost.totalMacs, int64_t(4241152));
        QCOMPARE(cost.totalParameters, int64_t(421642));
        QCOMPARE(cost.find("fc1")->parameters, int64_t(401536));
        QCOMPARE(cost.find("in")->outputBytes, int64_t(1 * 28 * 28 * 4));
        QCOMPARE(cost.find("conv1")->outputBytes, int64_t(32 * 28 * 28 * 4));
        QCOMPARE(cost.find("pool2")->outputBytes, int64_t(64 * 7 * 7 * 4));
        QCOMPARE(cost.find("out")->outputBytes, int64_t(10 * 4));
        QVERIFY(!cost.find("nope"));
        // The head follows the class count.
        QCOMPARE(designCost(analyzeDesign(loadTemplate("reference-cnn"), 3)).totalMacs, int64_t(4241152 - 1280 + 384));
    }

    void macsOfEachLayerType() {
        // Conv2d: output values x in_channels x k². 16x15x15 out, 3 in, k 5 (stride 2, padding 1).
        const json strided = {{"out_channels", 16}, {"kernel_size", 5}, {"stride", 2}, {"padding", 1}};
        DesignAnalysis a = chain({3, 32, 32}, {{"c", "Conv2d", strided}});
        QCOMPARE(nodeMacs(node(a, "c")), int64_t(16 * 15 * 15 * 3 * 25));
        // Non-square input, no bias (the bias adds no multiply).
        a = chain({2, 28, 20}, {{"c", "Conv2d", {{"out_channels", 8}, {"kernel_size", 3}, {"bias", false}}}});
        QCOMPARE(nodeMacs(node(a, "c")), int64_t(8 * 26 * 18 * 2 * 9));
        // Linear: in_features x out_features.
        a = chain({1, 28, 28}, {{"f", "Flatten"}, {"fc", "Linear", {{"out_features", 100}}}}, 100);
        QCOMPARE(nodeMacs(node(a, "fc")), int64_t(784 * 100));
        // A Linear over the last axis of a larger shape (no layer of the registry feeds it one
        // yet) counts each row: 4 x 7 rows of 64 -> 10.
        NodeAnalysis rows;
        rows.type = "Linear";
        rows.inputs = {{4, 7, 64}};
        rows.output = {4, 7, 10};
        QCOMPARE(nodeMacs(rows), int64_t(4 * 7 * 64 * 10));
        // Every other layer type has no weights to multiply, whatever its shapes.
        for (const LayerSpec* spec : LayerRegistry::instance().all()) {
            if (spec->type == "Conv2d" || spec->type == "Linear") continue;
            NodeAnalysis other;
            other.type = spec->type;
            other.inputs = {{8, 10, 10}, {8, 10, 10}};
            other.output = {8, 10, 10};
            QVERIFY2(nodeMacs(other) == 0, spec->type.c_str());
        }
        // Unknown shapes (an error upstream or of its own) cost nothing.
        a = chain({1, 4, 4}, {{"c", "Conv2d", {{"out_channels", 8}, {"kernel_size", 5}}}, {"r", "ReLU"}});
        const DesignCost cost = designCost(a);
        QCOMPARE(cost.find("c")->macs, int64_t(0));
        QCOMPARE(cost.find("c")->outputBytes, int64_t(0));
        QCOMPARE(cost.find("r")->outputBytes, int64_t(0));
        QCOMPARE(cost.totalMacs, int64_t(0));
    }

    void resnetCostSumsTheBranches() {
        // stem 16x28x28 <- 1 x 9; block1 two 16x28x28 <- 16 x 9; transition 32x14x14 <- 16 x 9;
        // block2 two 32x14x14 <- 32 x 9; fc 32 -> 10. Add, BatchNorm and pooling count 0.
        const DesignCost cost = designCost(analyzeDesign(loadTemplate("resnet-mini")));
        const int64_t stem = 16 * 28 * 28 * 9, block1 = 2 * (16 * 28 * 28 * 16 * 9);
        const int64_t transition = 32 * 14 * 14 * 16 * 9, block2 = 2 * (32 * 14 * 14 * 32 * 9);
        QCOMPARE(cost.totalMacs, stem + block1 + transition + block2 + 32 * 10);
        QCOMPARE(cost.find("b1_add")->macs, int64_t(0));
        QCOMPARE(cost.find("b1_add")->outputBytes, int64_t(16 * 28 * 28 * 4));
    }

    void otherTemplates() {
        const DesignAnalysis mlp = analyzeDesign(loadTemplate("mlp"));
        QVERIFY2(mlp.valid(), issuesText(mlp).c_str());
        QCOMPARE(mlp.totalParameters, int64_t(200960 + 32896 + 1290));

        const DesignAnalysis lenet = analyzeDesign(loadTemplate("lenet"));
        QVERIFY2(lenet.valid(), issuesText(lenet).c_str());
        QCOMPARE(node(lenet, "pool2").output, (Shape{16, 5, 5}));
        QCOMPARE(lenet.totalParameters, int64_t(156 + 2416 + 48120 + 10164 + 850));

        const Design resnet = loadTemplate("resnet-mini");
        QVERIFY(hasType(resnet, "Add"));
        QVERIFY(hasType(resnet, "BatchNorm2d"));
        const DesignAnalysis r = analyzeDesign(resnet);
        QVERIFY2(r.valid(), issuesText(r).c_str());
        // stem 160 + 32; block1 2 * (2320 + 32); transition 4640 + 64; block2 2 * (9248 + 64); fc 330.
        QCOMPARE(r.totalParameters, int64_t(192 + 4704 + 4704 + 18624 + 330));
        QCOMPARE(node(r, "b1_add").output, (Shape{16, 28, 28}));
        QCOMPARE(node(r, "b2_add").output, (Shape{32, 14, 14}));
        QCOMPARE(r.inputsOf.at("b1_add"), (std::vector<std::string>{"b1_bn2", "stem_relu"}));
        QCOMPARE(node(r, "gap").output, (Shape{32, 1, 1}));
    }

    void templatesFollowTheConventions_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("size");
        for (const char* t : {"mlp", "lenet", "reference-cnn", "resnet-mini", "vit-tiny"}) QTest::newRow(t) << t << 1 << 28;
        for (const char* t : {"photo-cnn", "photo-resnet"}) QTest::newRow(t) << t << 3 << 96;
    }

    void templatesFollowTheConventions() {
        QFETCH(QString, name);
        QFETCH(int, channels);
        QFETCH(int, size);
        const Design d = loadTemplate(name.toStdString());
        QCOMPARE(d.name, name.toStdString());
        QCOMPARE(d.nodes.front().params, json({{"channels", channels}, {"height", size}, {"width", size}}));
        for (const Node& n : d.nodes) QVERIFY2(n.hasPos, n.id.c_str());
        // Laid out as the canvas' Auto Layout does (design/DesignLayout.h): on the grid, no card
        // (180 × 80) over another.
        for (std::size_t i = 0; i < d.nodes.size(); ++i) {
            QVERIFY2(std::fmod(d.nodes[i].x, 20.0) == 0 && std::fmod(d.nodes[i].y, 20.0) == 0, d.nodes[i].id.c_str());
            for (std::size_t j = 0; j < i; ++j)
                QVERIFY2(std::abs(d.nodes[i].x - d.nodes[j].x) >= 180 || std::abs(d.nodes[i].y - d.nodes[j].y) >= 80,
                         (d.nodes[i].id + " / " + d.nodes[j].id).c_str());
        }
        const Node* last = nullptr;
        for (const Node& n : d.nodes)
            if (n.type == "Linear") last = &n;
        QVERIFY(last);
        QCOMPARE(last->params["out_features"], json("classes"));
        // Valid for any class count.
        QVERIFY(analyzeDesign(d, 2).valid());
    }

    void registryListsEveryLayer() {
        const LayerRegistry& r = LayerRegistry::instance();
        QCOMPARE(r.groups(), (std::vector<std::string>{"Input/Output", "Convolution", "Dense", "Activations",
                                                       "Normalization", "Pooling", "Regularization", "Merge",
                                                       "Reshape", "Transformer"}));
        QCOMPARE(r.all().size(), std::size_t(25));
        for (const LayerSpec* s : r.all()) {
            QVERIFY2(!s->description.empty(), s->type.c_str());
            QVERIFY(s->inferShape && s->paramCount);
            for (const ParamSpec& p : s->params) QVERIFY2(!p.help.empty(), p.name.c_str());
        }
        QVERIFY(r.find("Flatten") && r.find("Flatten")->group == "Reshape");
        QVERIFY(r.find("Conv3d") == nullptr);
        const LayerSpec* conv = r.find("Conv2d");
        QVERIFY(conv->findParam("kernel_size") && conv->findParam("kernel_size")->required());
        QCOMPARE(conv->findParam("stride")->defaultValue, json(1));
        QVERIFY(conv->findParam("in_channels") == nullptr);  // inferred, never written
        QCOMPARE(r.find("Add")->maxInputs, -1);
        QCOMPARE(r.find("Add")->minInputs, 2);
        QCOMPARE(r.find("Input")->maxInputs, 0);
        QVERIFY(!r.find("Output")->hasOutput);
        QCOMPARE(r.find("Linear")->findParam("out_features")->kind, ParamKind::IntOrClasses);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_APPLESS_MAIN(TestShapeInference)
#include "test_shape_inference.moc"
