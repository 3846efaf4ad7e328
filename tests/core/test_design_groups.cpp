// Blocks (design/DesignGroups.h): the optional "groups" list of the file with its checks and
// byte-identical round trips, grouping and ungrouping, Repeat ×N with fresh ids, skip edges and
// a shape check, groups following deleted and renamed nodes, and a flat graph that is the
// same with or without blocks.
#include "design/DesignGroups.h"

#include <QtTest/QtTest>

#include <fstream>
#include <sstream>

#include "design/DesignAnalysis.h"
#include "support/StringCompare.h"

using namespace strata;

namespace {

const std::string kResnet = std::string(STRATA_SOURCE_DIR) + "/resources/templates/resnet-mini.strata.json";

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string parseError(const std::string& text) {
    try {
        parseDesign(text, "net.strata.json");
    } catch (const DesignError& e) {
        return e.what();
    }
    return "";
}

// Two ReLUs with the given "groups" value.
std::string withGroups(const std::string& groups) {
    return R"({"format": "strata.design/1", "nodes": [{"id": "a", "type": "ReLU"}, {"id": "b", "type": "ReLU"}],
               "groups": )" + groups + "}";
}

bool hasEdge(const Design& d, const Edge& e) { return std::find(d.edges.begin(), d.edges.end(), e) != d.edges.end(); }

// The resnet-mini template without its blocks, its nodes in one column 100 apart (file order),
// whatever the template's own layout.
Design plainResnet() {
    Design d = flatDesign(loadDesign(kResnet));
    for (std::size_t i = 0; i < d.nodes.size(); ++i) {
        d.nodes[i].hasPos = true;
        d.nodes[i].x = 0;
        d.nodes[i].y = 100.0 * double(i);
    }
    return d;
}

std::vector<std::string> block1Nodes() {
    return {"b1_conv1", "b1_bn1", "b1_relu1", "b1_conv2", "b1_bn2", "b1_add", "b1_relu"};
}

std::string repeatError(Design& d, const std::string& group, int times) {
    try {
        repeatGroup(d, group, times);
    } catch (const DesignError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

class TestDesignGroups : public QObject {
    Q_OBJECT

private slots:
    void templateRoundTripsByteIdentical() {
        const std::string text = readFile(kResnet);
        const Design d = parseDesign(text);
        QCOMPARE(d.groups.size(), std::size_t(2));
        QCOMPARE(d.groups[0].name, std::string("Residual 16"));
        QCOMPARE(d.groups[0].nodes, (std::vector<std::string>{"b1_conv1", "b1_bn1", "b1_relu1", "b1_conv2", "b1_bn2", "b1_add"}));
        QCOMPARE(designToString(d), text);
    }

    void designsWithoutGroupsWriteNoGroupsField() {
        const Design d = plainResnet();
        QVERIFY(designToString(d).find("groups") == std::string::npos);
        QVERIFY(parseDesign(designToString(d)).groups.empty());
    }

    void groupFieldsRoundTrip() {
        Design d = plainResnet();
        const std::string id = groupNodes(d, block1Nodes(), "Res");
        setGroupCollapsed(d, id, true);
        repeatGroup(d, id, 2);
        const Design back = parseDesign(designToString(d));
        QCOMPARE(back.groups.size(), std::size_t(1));
        QCOMPARE(back.groups[0].id, id);
        QCOMPARE(back.groups[0].name, std::string("Res"));
        QVERIFY(back.groups[0].collapsed);
        QCOMPARE(back.groups[0].repeat, 2);
        QCOMPARE(back.groups[0].nodes, d.groups[0].nodes);
        QCOMPARE(designToString(back), designToString(d));
    }

    void badGroupsNameTheGroup() {
        QVERIFY(parseError(withGroups(R"([{"id": "g1", "nodes": ["a", "zz"]}])")).find(
                    R"(groups[0] ("g1"): node "zz" is not in the design)") != std::string::npos);
        QVERIFY(parseError(withGroups(R"([{"id": "g1", "nodes": ["a"]}, {"id": "g2", "nodes": ["a"]}])"))
                    .find(R"(groups[1] ("g2"): node "a" is already in group "g1")") != std::string::npos);
        QVERIFY(parseError(withGroups(R"([{"id": "g1", "nodes": []}])")).find(R"(groups[0] ("g1"): field "nodes" must be a non-empty)") !=
                std::string::npos);
        QVERIFY(parseError(withGroups(R"([{"id": "g1", "nodes": ["a"]}, {"id": "g1", "nodes": ["b"]}])"))
                    .find("another group has the id") != std::string::npos);
        QVERIFY(parseError(withGroups(R"([{"id": "g1", "nodes": ["a"], "collapsed": 1}])")).find("collapsed") !=
                std::string::npos);
        QVERIFY(parseError(withGroups(R"([{"id": "g1", "nodes": ["a"], "repeat": 0}])")).find("repeat") != std::string::npos);
        QVERIFY(parseError(withGroups(R"([{"id": "g1", "nodes": ["a"], "colapsed": true}])")).find(R"(unknown field "colapsed")") !=
                std::string::npos);
        QVERIFY(parseError(withGroups(R"({"id": "g1"})")).find("groups: must be an array") != std::string::npos);
        QCOMPARE(parseError(withGroups(R"([{"id": "g1", "nodes": ["a", "b"], "collapsed": true}])")), std::string());
    }

    void groupAndUngroup() {
        Design d = plainResnet();
        const std::string id = groupNodes(d, {"b1_relu", "b1_conv1"});  // design order is kept
        QCOMPARE(id, std::string("block1"));
        QCOMPARE(d.groups[0].name, std::string("Block 1"));
        QCOMPARE(d.groups[0].nodes, (std::vector<std::string>{"b1_conv1", "b1_relu"}));
        QCOMPARE(groupOfNode(d, "b1_relu"), &d.groups[0]);
        bool refused = false;
        try {
            groupNodes(d, {"b1_relu", "pool"});
        } catch (const DesignError& e) {
            refused = std::string(e.what()).find(R"(node "b1_relu" is already in block "Block 1")") != std::string::npos;
        }
        QVERIFY(refused);
        QCOMPARE(groupNodes(d, {"pool"}), std::string("block2"));
        ungroup(d, "block1");
        QCOMPARE(d.groups.size(), std::size_t(1));
        QVERIFY(!groupOfNode(d, "b1_relu"));
        QCOMPARE(designToString(flatDesign(d)), designToString(plainResnet()));
    }

    void repeatChainsCopiesWithSkipEdges() {
        Design d = plainResnet();
        const std::string id = groupNodes(d, block1Nodes());
        d.findNode("out")->x = 2000;  // another column (a wrapped layout): it stays
        const double outY = d.findNode("out")->y;
        const std::size_t nodesBefore = d.nodes.size(), edgesBefore = d.edges.size();
        repeatGroup(d, id, 3);
        QCOMPARE(d.findNode("out")->y, outY);
        QCOMPARE(d.nodes.size(), nodesBefore + 14);
        QCOMPARE(d.edges.size(), edgesBefore + 2 * 8);  // six inside, two in (body and skip)
        const DesignAnalysis a = analyzeDesign(d);
        QVERIFY2(a.valid(), a.issues.empty() ? "" : a.issues.front().text().c_str());
        // Copy 2 is fed by block 1's output, on both its body and its skip; copy 3 by copy 2.
        QVERIFY(hasEdge(d, {"b1_relu", "b1_conv1_2", 0}));
        QVERIFY(hasEdge(d, {"b1_relu", "b1_add_2", 1}));
        QVERIFY(hasEdge(d, {"b1_bn2_2", "b1_add_2", 0}));
        QVERIFY(hasEdge(d, {"b1_relu_2", "b1_conv1_3", 0}));
        QVERIFY(hasEdge(d, {"b1_relu_2", "b1_add_3", 1}));
        QVERIFY(hasEdge(d, {"b1_relu_3", "pool", 0}));
        QVERIFY(!hasEdge(d, {"b1_relu", "pool", 0}));
        QCOMPARE(d.groups[0].repeat, 3);
        QCOMPARE(d.groups[0].nodes.size(), std::size_t(21));
        // Copies go below the block, the layers after it move down to make room.
        QCOMPARE(d.findNode("b1_conv1_2")->y, d.findNode("b1_conv1")->y + 700);
        QCOMPARE(d.findNode("pool")->y, 1100.0 + 2 * 700);
        // The copies follow the block in file order.
        auto index = [&](const char* id) { return d.findNode(id) - d.nodes.data(); };
        QVERIFY(index("b1_relu") < index("b1_conv1_2") && index("b1_relu_3") < index("pool"));
        // Three blocks of 16 channels: the parameters grow by two blocks' worth.
        const int64_t blockParams = summarizeBlock(plainResnet(), analyzeDesign(plainResnet()),
                                                   Group{"g", "g", block1Nodes()}).parameters;
        QCOMPARE(a.totalParameters, analyzeDesign(plainResnet()).totalParameters + 2 * blockParams);
    }

    void repeatRefusesWhatDoesNotChain() {
        Design d = plainResnet();
        // Halving 28 px eight times leaves nothing: the shape check refuses, naming a copy.
        const std::string pool = groupNodes(d, {"pool"});
        const Design before = d;
        QVERIFY(repeatError(d, pool, 8).find("cannot repeat 8 times: node \"pool_") != std::string::npos);
        QCOMPARE(designToString(d), designToString(before));
        QCOMPARE(repeatError(d, pool, 2), std::string());
        // Two nodes feeding the block, or the Output inside it.
        Design e = plainResnet();
        const std::string two = groupNodes(e, {"b1_add"});
        QVERIFY(repeatError(e, two, 2).find("inputs from more than one node") != std::string::npos);
        const std::string tail = groupNodes(e, {"fc", "out"});
        QVERIFY(repeatError(e, tail, 2).find("nothing outside it uses its output") != std::string::npos);
        QVERIFY(repeatError(e, tail, 1).find("2 to 32 times") != std::string::npos);
        QVERIFY(repeatError(e, "nope", 2).find("no block \"nope\"") != std::string::npos);
    }

    void groupsFollowDeletesAndRenames() {
        Design d = plainResnet();
        const std::string id = groupNodes(d, {"pool", "t_conv"});
        repeatGroup(d, id, 2);
        QCOMPARE(d.groups[0].repeat, 2);
        renameNodeInGroups(d, "t_conv", "transition");
        QCOMPARE(d.groups[0].nodes[1], std::string("transition"));
        dropNodesFromGroups(d, {"pool"});
        QCOMPARE(d.groups[0].repeat, 1);  // no longer two copies of one unit
        dropNodesFromGroups(d, {"transition", "pool_2", "t_conv_2"});
        QVERIFY(d.groups.empty());
    }

    void blockSummary() {
        const Design d = loadDesign(kResnet);
        const BlockSummary s = summarizeBlock(d, analyzeDesign(d), d.groups[1]);
        QCOMPARE(s.entry, std::string("t_relu"));
        QCOMPARE(s.exit, std::string("b2_add"));
        QCOMPARE(s.input, (Shape{32, 14, 14}));
        QCOMPARE(s.output, (Shape{32, 14, 14}));
        QCOMPARE(s.layers, 6);
        QVERIFY(s.parameters > 18000);
    }

    void analysisAndFlatGraphIgnoreGroups() {
        const Design grouped = loadDesign(kResnet);
        const Design flat = flatDesign(grouped);
        QCOMPARE(designToJson(flat).dump(), designToJson(flatDesign(loadDesign(kResnet))).dump());
        QVERIFY(!designToJson(flat).contains("groups"));
        const DesignAnalysis a = analyzeDesign(grouped), b = analyzeDesign(flat);
        QCOMPARE(a.totalParameters, b.totalParameters);
        QCOMPARE(a.nodes.size(), b.nodes.size());
        QVERIFY(a.valid());
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_APPLESS_MAIN(TestDesignGroups)
#include "test_design_groups.moc"
