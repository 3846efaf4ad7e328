// The experiments' design transforms (design/DesignTransforms.h) and the training-data fraction
// (data/DataFraction.h): parameter counts against hand arithmetic, the deep stack's ids and
// wiring, validity of every variant, error messages, and the fraction's choice of images.
#include "data/DataFraction.h"
#include "design/DesignAnalysis.h"
#include "design/DesignTransforms.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <utility>

#include "support/StringCompare.h"

namespace fs = std::filesystem;

using namespace strata;
using nlohmann::json;

namespace {

// What `f` throws as std::invalid_argument, or "" when it does not throw.
template <typename F>
std::string dtInvalidArgument(F&& f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

int64_t dtParams(const Design& d, int classes = 10) {
    const DesignAnalysis a = analyzeDesign(d, classes);
    if (!a.valid()) throw std::runtime_error("invalid design: " + a.issues.front().text());
    return a.totalParameters;
}

DeepStackSpec dtStack(int channels, int size, int depth, int blockWidth, bool bn = false, bool residual = false) {
    DeepStackSpec s;
    s.channels = channels;
    s.height = s.width = size;
    s.depth = depth;
    s.blockWidth = blockWidth;
    s.batchNorm = bn;
    s.residual = residual;
    return s;
}

std::vector<std::string> dtIds(const Design& d) {
    std::vector<std::string> ids;
    for (const Node& n : d.nodes) ids.push_back(n.id);
    return ids;
}

bool dtHasEdge(const Design& d, const std::string& from, const std::string& to, int port = 0) {
    return std::find(d.edges.begin(), d.edges.end(), Edge{from, to, port}) != d.edges.end();
}

Node dtNode(const std::string& id, const std::string& type, json params = json::object()) {
    Node n;
    n.id = id;
    n.type = type;
    n.params = std::move(params);
    return n;
}

// Input(1, 28, 28) -> Flatten -> Linear 100 -> ReLU -> Linear 50 -> ReLU -> Linear classes -> Output.
Design dtMlp() {
    Design d;
    d.name = "mlp";
    d.nodes = {dtNode("in", "Input", {{"channels", 1}, {"height", 28}, {"width", 28}}),
               dtNode("flat", "Flatten"),
               dtNode("fc1", "Linear", {{"out_features", 100}}),
               dtNode("r1", "ReLU"),
               dtNode("fc2", "Linear", {{"out_features", 50}}),
               dtNode("r2", "ReLU"),
               dtNode("fc3", "Linear", {{"out_features", "classes"}}),
               dtNode("out", "Output")};
    for (size_t i = 0; i + 1 < d.nodes.size(); ++i) d.edges.push_back({d.nodes[i].id, d.nodes[i + 1].id, 0});
    return d;
}

// Creates DIR/<class>/<file> as empty files (scanning reads names only) and returns DIR.
std::string dtFolder(const QTemporaryDir& tmp, const std::vector<std::pair<std::string, std::string>>& files) {
    const fs::path root = fs::path(tmp.path().toStdString()) / "data";
    for (const auto& [cls, file] : files) {
        fs::create_directories(root / cls);
        std::ofstream(root / cls / file) << "";
    }
    return root.string();
}

}  // namespace

class TestDesignTransforms : public QObject {
    Q_OBJECT

private slots:
    void deepStackParameterCounts() {
        // 1x28x28, depth 20, width 16, 10 classes.
        //   stem  Conv2d 1->16 3x3:   16*1*9 + 16   =   160
        //   block Conv2d 16->16 3x3:  16*16*9 + 16  =  2320, x20 = 46400
        //   block BatchNorm2d(16):    2*16          =    32, x20 =   640
        //   head  Linear 16->10:      16*10 + 10    =   170
        //   Add, activations, pooling, Flatten: 0
        QCOMPARE(dtParams(deepStack(dtStack(1, 28, 20, 16))), int64_t(160 + 46400 + 170));  // 46730
        QCOMPARE(dtParams(deepStack(dtStack(1, 28, 20, 16, true))), int64_t(46730 + 640));  // 47370
        QCOMPARE(dtParams(deepStack(dtStack(1, 28, 20, 16, false, true))), int64_t(46730));
        QCOMPARE(dtParams(deepStack(dtStack(1, 28, 20, 16, true, true))), int64_t(47370));

        // 3x32x32, depth 3, width 8: stem 8*3*9 + 8 = 224; block 8*8*9 + 8 = 584 (x3 = 1752);
        // BatchNorm 2*8 = 16 (x3 = 48); head 8*10 + 10 = 90. With 7 classes the head is 8*7 + 7 = 63.
        QCOMPARE(dtParams(deepStack(dtStack(3, 32, 3, 8))), int64_t(224 + 1752 + 90));
        QCOMPARE(dtParams(deepStack(dtStack(3, 32, 3, 8, true, true))), int64_t(224 + 1752 + 48 + 90));
        QCOMPARE(dtParams(deepStack(dtStack(3, 32, 3, 8)), 7), int64_t(224 + 1752 + 63));

        const DesignAnalysis a = analyzeDesign(deepStack(dtStack(3, 32, 3, 8, true)));
        QCOMPARE(a.find("stem")->parameters, int64_t(224));
        QCOMPARE(a.find("b2_conv")->parameters, int64_t(584));
        QCOMPARE(a.find("b2_bn")->parameters, int64_t(16));
        QCOMPARE(a.find("head")->parameters, int64_t(90));
        QCOMPARE(a.find("pool")->output, (Shape{8, 1, 1}));
        QCOMPARE(a.find("b3_act")->output, (Shape{8, 32, 32}));
    }

    void deepStackIdsAndWiring() {
        const Design plain = deepStack(dtStack(1, 28, 2, 16));
        QCOMPARE(dtIds(plain), (std::vector<std::string>{"in", "stem", "stem_act", "b1_conv", "b1_act", "b2_conv",
                                                          "b2_act", "pool", "flat", "head", "out"}));
        QVERIFY(dtHasEdge(plain, "stem_act", "b1_conv"));
        QVERIFY(dtHasEdge(plain, "b1_conv", "b1_act"));
        QVERIFY(dtHasEdge(plain, "b1_act", "b2_conv"));
        QVERIFY(dtHasEdge(plain, "b2_act", "pool"));
        QCOMPARE(plain.edges.size(), plain.nodes.size() - 1);  // a chain
        QCOMPARE(plain.findNode("head")->params, (json{{"out_features", "classes"}}));
        QCOMPARE(plain.findNode("b1_conv")->params, (json{{"out_channels", 16}, {"kernel_size", 3}, {"padding", 1}}));
        QCOMPARE(plain.findNode("pool")->params, (json{{"output_size", 1}}));
        QCOMPARE(plain.findNode("b1_act")->type, std::string("ReLU"));

        const Design bn = deepStack(dtStack(1, 28, 2, 16, true));
        QCOMPARE(dtIds(bn), (std::vector<std::string>{"in", "stem", "stem_act", "b1_conv", "b1_bn", "b1_act", "b2_conv",
                                                       "b2_bn", "b2_act", "pool", "flat", "head", "out"}));
        QCOMPARE(bn.findNode("b1_bn")->type, std::string("BatchNorm2d"));
        QVERIFY(dtHasEdge(bn, "b1_conv", "b1_bn"));
        QVERIFY(dtHasEdge(bn, "b1_bn", "b1_act"));

        // Residual: act(x + f(x)); the Add takes the conv path on port 0 and the block input on port 1.
        const Design res = deepStack(dtStack(1, 28, 2, 16, true, true));
        QCOMPARE(dtIds(res), (std::vector<std::string>{"in", "stem", "stem_act", "b1_conv", "b1_bn", "b1_add", "b1_act",
                                                        "b2_conv", "b2_bn", "b2_add", "b2_act", "pool", "flat", "head",
                                                        "out"}));
        QCOMPARE(res.findNode("b1_add")->type, std::string("Add"));
        QVERIFY(dtHasEdge(res, "b1_bn", "b1_add", 0));
        QVERIFY(dtHasEdge(res, "stem_act", "b1_add", 1));
        QVERIFY(dtHasEdge(res, "b1_add", "b1_act"));
        QVERIFY(dtHasEdge(res, "b2_bn", "b2_add", 0));
        QVERIFY(dtHasEdge(res, "b1_act", "b2_add", 1));
        const DesignAnalysis a = analyzeDesign(res);
        QCOMPARE(a.inputsOf.at("b2_add"), (std::vector<std::string>{"b2_bn", "b1_act"}));
        QCOMPARE(a.inputsOf.at("b2_conv"), (std::vector<std::string>{"b1_act"}));

        // Residual without BatchNorm: the conv feeds the Add directly.
        const Design resPlain = deepStack(dtStack(1, 28, 1, 16, false, true));
        QVERIFY(!resPlain.findNode("b1_bn"));
        QVERIFY(dtHasEdge(resPlain, "b1_conv", "b1_add", 0));
        QVERIFY(dtHasEdge(resPlain, "stem_act", "b1_add", 1));

        QCOMPARE(res.name, std::string("deep-d2-w16-relu-bn-res"));
        DeepStackSpec named = dtStack(1, 28, 2, 16);
        named.name = "my-stack";
        QCOMPARE(deepStack(named).name, std::string("my-stack"));
        // Same spec, same design, node for node.
        QCOMPARE(designToString(deepStack(dtStack(3, 16, 5, 4, true, true))),
                 designToString(deepStack(dtStack(3, 16, 5, 4, true, true))));
    }

    void deepStackVariantsValidate() {
        for (int channels : {1, 3})
            for (const char* act : {"ReLU", "Tanh", "Sigmoid"})
                for (bool bn : {false, true})
                    for (bool res : {false, true}) {
                        DeepStackSpec s = dtStack(channels, 28, 4, 8, bn, res);
                        s.activation = act;
                        const Design d = deepStack(s);
                        const std::string what = d.name + " channels " + std::to_string(channels);
                        const DesignAnalysis a = analyzeDesign(d, 10);
                        QVERIFY2(a.valid(), (what + ": " + (a.valid() ? "" : a.issues.front().text())).c_str());
                        QCOMPARE(a.find("head")->output, (Shape{10}));
                        QCOMPARE(d.findNode("b4_act")->type, std::string(act));
                        QCOMPARE(d.findNode("stem_act")->type, std::string(act));
                        // The saved file reads back to the same, valid design.
                        const Design back = parseDesign(designToString(d));
                        QCOMPARE(designToString(back), designToString(d));
                        QVERIFY(analyzeDesign(back).valid());
                    }
        // The extremes of each field's range.
        QVERIFY(analyzeDesign(deepStack(dtStack(1, 1, 1, 1))).valid());
        QVERIFY(analyzeDesign(deepStack(dtStack(1, 8, 200, 4, true, true))).valid());
        // The activation's letter case is free; the layer type is canonical.
        DeepStackSpec lower = dtStack(1, 28, 1, 4);
        lower.activation = "tanh";
        QCOMPARE(deepStack(lower).findNode("b1_act")->type, std::string("Tanh"));
    }

    void deepStackLayout() {
        // Every node has a position, no two share one, rows sit 100 apart, and a long stack
        // wraps into columns of at most 32 rows instead of one endless column.
        for (bool res : {false, true}) {
            const Design d = deepStack(dtStack(1, 28, 60, 4, true, res));
            std::set<std::pair<double, double>> seen;
            double maxX = 0, maxY = 0;
            for (const Node& n : d.nodes) {
                QVERIFY2(n.hasPos, n.id.c_str());
                QVERIFY2(seen.insert({n.x, n.y}).second, n.id.c_str());
                QCOMPARE(std::fmod(n.y, 100.0), 0.0);
                maxX = std::max(maxX, n.x);
                maxY = std::max(maxY, n.y);
            }
            QVERIFY(maxX > 0);
            QVERIFY(maxY <= 31 * 100);
            // A block never splits across columns: its conv and act share the column.
            for (int k = 1; k <= 60; ++k) {
                const std::string p = "b" + std::to_string(k) + "_";
                const double column = std::floor(d.findNode(p + "act")->x / 450);
                QCOMPARE(std::floor(d.findNode(p + "conv")->x / 450), column);
                QVERIFY(d.findNode(p + "conv")->y < d.findNode(p + "act")->y);
            }
        }
        // Residual bodies sit beside the column, as in the resnet-mini template.
        const Design res = deepStack(dtStack(1, 28, 1, 4, false, true));
        QCOMPARE(res.findNode("b1_conv")->x - res.findNode("b1_add")->x, 200.0);
        QCOMPARE(res.findNode("b1_add")->x, res.findNode("stem_act")->x);
    }

    void deepStackRejectsBadFields() {
        auto err = [](DeepStackSpec s) { return dtInvalidArgument([&] { deepStack(s); }); };
        DeepStackSpec s = dtStack(1, 28, 0, 16);
        QCOMPARE(err(s), std::string("--depth must be between 1 and 200, got 0"));
        s.depth = 201;
        QCOMPARE(err(s), std::string("--depth must be between 1 and 200, got 201"));
        s = dtStack(1, 28, 3, 0);
        QCOMPARE(err(s), std::string("--width must be between 1 and 4096, got 0"));
        s.blockWidth = 4097;
        QCOMPARE(err(s), std::string("--width must be between 1 and 4096, got 4097"));
        s = dtStack(65, 28, 3, 8);
        QCOMPARE(err(s), std::string("--channels must be between 1 and 64, got 65"));
        s = dtStack(1, 0, 3, 8);
        QCOMPARE(err(s), std::string("--input-size height must be between 1 and 4096, got 0"));
        s = dtStack(1, 28, 3, 8);
        s.activation = "GELU";
        QCOMPARE(err(s), std::string("--activation must be ReLU, Tanh or Sigmoid, got \"GELU\""));
        // Each field in range, the whole too large: 200 blocks of 4096*4096*9 + 4096 parameters
        // (~151 million each) pass the 2,000,000,000 limit of a design.
        s = dtStack(1, 8, 200, 4096);
        const std::string tooLarge = err(s);
        QVERIFY2(tooLarge.find("is not a valid design") != std::string::npos, tooLarge.c_str());
    }

    void widthMultipliedParameterCounts() {
        // mlp: 784 -> 100 -> 50 -> classes (10).
        //   x1:   784*100 + 100 = 78500;  100*50 + 50 = 5050;  50*10 + 10 = 510   -> 84060
        //   x0.5: 784*50 + 50   = 39250;  50*25 + 25  = 1275;  25*10 + 10 = 260   -> 40785
        //   x2:   784*200 + 200 = 157000; 200*100 + 100 = 20100; 100*10 + 10 = 1010 -> 178110
        QCOMPARE(dtParams(dtMlp()), int64_t(78500 + 5050 + 510));
        QCOMPARE(dtParams(widthMultiplied(dtMlp(), 0.5)), int64_t(39250 + 1275 + 260));
        QCOMPARE(dtParams(widthMultiplied(dtMlp(), 2)), int64_t(157000 + 20100 + 1010));
        QCOMPARE(widthMultiplied(dtMlp(), 0.5).name, std::string("mlp-w0.5"));
        QCOMPARE(widthMultiplied(dtMlp(), 2).name, std::string("mlp-w2"));

        // A 3x8x8 deep stack of depth 2, width 16, x1.5 -> width 24:
        //   stem 24*3*9 + 24 = 672; blocks 24*24*9 + 24 = 5208 (x2 = 10416); head 24*10 + 10 = 250.
        // x0.5 -> width 8: stem 8*3*9 + 8 = 224; blocks 584 (x2 = 1168); head 90.
        const Design stack = deepStack(dtStack(3, 8, 2, 16, false, true));
        QCOMPARE(dtParams(widthMultiplied(stack, 1.5)), int64_t(672 + 10416 + 250));
        QCOMPARE(dtParams(widthMultiplied(stack, 0.5)), int64_t(224 + 1168 + 90));

        // resnet-mini (widths 16 and 32) x2 -> 32 and 64:
        //   stem_conv 32*1*9 + 32 = 320, stem_bn 64
        //   b1 convs 2 x (32*32*9 + 32) = 2 x 9248 = 18496, b1 bns 2 x 64 = 128
        //   t_conv 64*32*9 + 64 = 18496, t_bn 128
        //   b2 convs 2 x (64*64*9 + 64) = 2 x 36928 = 73856, b2 bns 2 x 128 = 256
        //   fc 64*10 + 10 = 650                                     -> 112394
        const Design mini = loadDesign(std::string(STRATA_SOURCE_DIR) + "/resources/templates/resnet-mini.strata.json");
        QCOMPARE(dtParams(widthMultiplied(mini, 2)), int64_t(320 + 64 + 18496 + 128 + 18496 + 128 + 73856 + 256 + 650));
        // x1 changes nothing but the name.
        Design same = widthMultiplied(mini, 1);
        QCOMPARE(same.name, std::string("resnet-mini-w1"));
        same.name = mini.name;
        QCOMPARE(designToString(same), designToString(mini));
    }

    void widthMultipliedKeepsHeadAndFloors() {
        // A hidden Linear "classes" stays "classes"; the head (a literal 10, reaching Output
        // through a Dropout) stays 10; rounding is to nearest; the widths floor at 1.
        Design d = dtMlp();
        d.findNode("fc2")->params["out_features"] = "classes";
        d.findNode("fc3")->params["out_features"] = 10;
        d.nodes.insert(d.nodes.end() - 1, dtNode("drop", "Dropout"));
        d.edges.back() = {"fc3", "drop", 0};
        d.edges.push_back({"drop", "out", 0});
        QVERIFY(analyzeDesign(d).valid());

        const Design half = widthMultiplied(d, 0.3);
        QCOMPARE(half.findNode("fc1")->params["out_features"], json(30));
        QCOMPARE(half.findNode("fc2")->params["out_features"], json("classes"));
        QCOMPARE(half.findNode("fc3")->params["out_features"], json(10));
        QCOMPARE(widthMultiplied(d, 0.125).findNode("fc1")->params["out_features"], json(13));  // 12.5 rounds up
        const Design tiny = widthMultiplied(d, 0.001);
        QCOMPARE(tiny.findNode("fc1")->params["out_features"], json(1));  // 0.1 -> 1, not 0
        QCOMPARE(tiny.findNode("fc3")->params["out_features"], json(10));

        // Conv2d floors at 1 too; the deep stack's head stays "classes"; other params untouched.
        const Design stack = widthMultiplied(deepStack(dtStack(1, 28, 2, 16, true, true)), 0.01);
        QCOMPARE(stack.findNode("stem")->params,
                 (json{{"out_channels", 1}, {"kernel_size", 3}, {"padding", 1}}));
        QCOMPARE(stack.findNode("b2_conv")->params["out_channels"], json(1));
        QCOMPARE(stack.findNode("head")->params, (json{{"out_features", "classes"}}));
        // stem 1*1*9 + 1 = 10; blocks 2 x (1*1*9 + 1) = 20 and 2 BatchNorms of 2*1; head 1*10 + 10 = 20.
        QCOMPARE(dtParams(stack), int64_t(10 + 20 + 4 + 20));

        // A convolutional head (Conv2d -> pool -> Flatten -> Output) keeps its width.
        Design convHead;
        convHead.name = "conv-head";
        convHead.nodes = {dtNode("in", "Input", {{"channels", 1}, {"height", 8}, {"width", 8}}),
                          dtNode("c1", "Conv2d", {{"out_channels", 6}, {"kernel_size", 3}}),
                          dtNode("c2", "Conv2d", {{"out_channels", 10}, {"kernel_size", 1}}),
                          dtNode("gap", "AdaptiveAvgPool2d"), dtNode("flat", "Flatten"), dtNode("out", "Output")};
        for (size_t i = 0; i + 1 < convHead.nodes.size(); ++i)
            convHead.edges.push_back({convHead.nodes[i].id, convHead.nodes[i + 1].id, 0});
        const Design wide = widthMultiplied(convHead, 2);
        QCOMPARE(wide.findNode("c1")->params["out_channels"], json(12));
        QCOMPARE(wide.findNode("c2")->params["out_channels"], json(10));
    }

    void widthMultipliedRejects() {
        for (double k : {0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
            const std::string e = dtInvalidArgument([&] { widthMultiplied(dtMlp(), k); });
            QVERIFY2(e.find("the width multiplier must be a positive number") == 0, e.c_str());
        }
        Design broken = dtMlp();
        broken.edges.pop_back();  // fc3 no longer reaches Output
        const std::string e = dtInvalidArgument([&] { widthMultiplied(broken, 2); });
        QVERIFY2(e.find("cannot widen the design \"mlp\": ") == 0, e.c_str());

        // Add(Input, conv): the conv must keep the Input's 3 channels, so widening breaks it.
        Design skip;
        skip.name = "skip";
        skip.nodes = {dtNode("in", "Input", {{"channels", 3}, {"height", 8}, {"width", 8}}),
                      dtNode("c", "Conv2d", {{"out_channels", 3}, {"kernel_size", 3}, {"padding", 1}}),
                      dtNode("sum", "Add"), dtNode("flat", "Flatten"),
                      dtNode("fc", "Linear", {{"out_features", "classes"}}), dtNode("out", "Output")};
        skip.edges = {{"in", "c", 0}, {"c", "sum", 0}, {"in", "sum", 1},
                      {"sum", "flat", 0}, {"flat", "fc", 0}, {"fc", "out", 0}};
        QVERIFY(analyzeDesign(skip).valid());
        const std::string widened = dtInvalidArgument([&] { widthMultiplied(skip, 2); });
        QVERIFY2(widened.find("the design \"skip\" widened by 2 is not valid: node \"sum\"") == 0, widened.c_str());
    }

    void fractionCounts() {
        QCOMPARE(fractionCount(30, 0.1), int64_t(3));  // 0.1 * 30 = 3.0000000000000004 in binary
        QCOMPARE(fractionCount(10, 0.7), int64_t(7));  // 7.000000000000001
        QCOMPARE(fractionCount(10, 0.25), int64_t(3));  // ceil(2.5)
        QCOMPARE(fractionCount(7, 0.5), int64_t(4));   // ceil(3.5)
        QCOMPARE(fractionCount(3, 0.01), int64_t(1));  // at least one
        QCOMPARE(fractionCount(5, 1.0), int64_t(5));
        QCOMPARE(fractionCount(0, 0.5), int64_t(0));
        for (double f : {0.0, -0.5, 1.5, std::nan("")}) {
            const std::string e = dtInvalidArgument([&] { fractionCount(10, f); });
            QVERIFY2(e.find("--data-fraction must be greater than 0 and at most 1") == 0, e.c_str());
        }
    }

    void fractionPicksFirstOfEachClassByName() {
        // Labels and paths out of name order, as after a shuffle: the choice follows the names.
        //   index: 0        1        2        3        4        5        6        7
        const std::vector<int64_t> labels{1, 0, 1, 0, 0, 1, 0, 1};
        const std::vector<std::string> paths{"d/b/4.png", "d/a/3.png", "d/b/1.png", "d/a/1.png",
                                             "d/a/4.png", "d/b/2.png", "d/a/2.png", "d/b/3.png"};
        const std::vector<int64_t> all{0, 1, 2, 3, 4, 5, 6, 7};
        // f = 0.5 of 4 per class: 2 each -> a/1, a/2 (3, 6) and b/1, b/2 (2, 5), in index order.
        QCOMPARE(firstFractionOfEachClass(labels, paths, all, 0.5), (std::vector<int64_t>{2, 3, 5, 6}));
        // f = 0.3: ceil(1.2) = 2 each, the same images.
        QCOMPARE(firstFractionOfEachClass(labels, paths, all, 0.3), (std::vector<int64_t>{2, 3, 5, 6}));
        QCOMPARE(firstFractionOfEachClass(labels, paths, all, 0.01), (std::vector<int64_t>{2, 3}));
        QCOMPARE(firstFractionOfEachClass(labels, paths, all, 1.0), all);
        // Among candidates only (the training part after a validation split), in any order.
        QCOMPARE(firstFractionOfEachClass(labels, paths, {7, 0, 4, 1, 6}, 0.5), (std::vector<int64_t>{1, 6, 7}));
        // Class a: 1 (a/3), 4 (a/4), 6 (a/2) -> ceil(1.5) = 2: a/2, a/3; class b: 7 (b/3), 0 (b/4) -> 1: b/3.

        const std::string e = dtInvalidArgument([&] { firstFractionOfEachClass(labels, paths, {8}, 0.5); });
        QVERIFY2(e.find("out of range") != std::string::npos, e.c_str());
        QVERIFY(!dtInvalidArgument([&] { firstFractionOfEachClass(labels, {"x"}, all, 0.5); }).empty());
        QVERIFY(!dtInvalidArgument([&] { firstFractionOfEachClass(labels, paths, all, 0); }).empty());
    }

    void fractionOnScannedFolderIsStable() {
        // A real folder: class "cat" with 10 images, "dog" with 3, created out of name order.
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const std::string dir = dtFolder(tmp, {{"dog", "z.png"}, {"cat", "img07.png"}, {"cat", "img02.png"},
                                               {"dog", "a.png"}, {"cat", "img10.png"}, {"cat", "img01.png"},
                                               {"cat", "img05.png"}, {"cat", "img03.png"}, {"dog", "m.png"},
                                               {"cat", "img09.png"}, {"cat", "img04.png"}, {"cat", "img08.png"},
                                               {"cat", "img06.png"}});
        const FolderIndex index = scanImageFolder(dir);
        DecodedImages images;  // labels and paths only: the fraction never reads pixels
        for (const FolderEntry& e : index.entries) {
            images.labels.push_back(e.label);
            images.paths.push_back(e.path);
        }
        images.classes = index.classes;

        // f = 0.25: cat ceil(2.5) = 3 -> img01..img03; dog ceil(0.75) = 1 -> a.png.
        const std::vector<int64_t> quarter = firstFractionOfEachClass(images, 0.25);
        std::vector<std::string> names;
        for (int64_t i : quarter) names.push_back(fs::path(images.paths[size_t(i)]).filename().string());
        QCOMPARE(names, (std::vector<std::string>{"img01.png", "img02.png", "img03.png", "a.png"}));
        // The same images on every call, and from a fresh scan.
        QCOMPARE(firstFractionOfEachClass(images, 0.25), quarter);
        DecodedImages again;
        for (const FolderEntry& e : scanImageFolder(dir).entries) {
            again.labels.push_back(e.label);
            again.paths.push_back(e.path);
        }
        QCOMPARE(firstFractionOfEachClass(again, 0.25), quarter);
        // A larger fraction contains the smaller one.
        const std::vector<int64_t> half = firstFractionOfEachClass(images, 0.5);
        QCOMPARE(half.size(), size_t(5 + 2));  // cat 5 of 10, dog ceil(1.5) = 2 of 3
        QVERIFY(std::includes(half.begin(), half.end(), quarter.begin(), quarter.end()));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(TestDesignTransforms)
#include "test_design_transforms.moc"
