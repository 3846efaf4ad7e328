// Token sequences [T, D] in shape inference: the transformer layers (PatchEmbed, ClassToken,
// PositionEmbedding, MultiheadAttention, TokenPool), Linear, LayerNorm and the elementwise
// layers on tokens, every validation message of the new layers (on the node to change, with
// the fix), the layers that refuse tokens, parameter counts against PyTorch's formulas worked
// out by hand, and the MACs of the cost overlay.
#include "design/DesignAnalysis.h"
#include "design/DesignCost.h"
#include "design/DesignTransforms.h"

#include <QtTest/QtTest>

#include "support/DesignChains.h"
#include "support/TestData.h"

using namespace strata;
using nlohmann::json;
using test::Layer;
using test::chain;

namespace {

// The messages the analysis reports for node `id`.
std::string issueOf(const DesignAnalysis& a, const std::string& id) {
    std::string found;
    for (const DesignIssue& i : a.issues)
        if (i.node == id) found += i.message;
    return found;
}

const NodeAnalysis& node(const DesignAnalysis& a, const std::string& id) {
    const NodeAnalysis* n = a.find(id);
    if (!n) qFatal("no node %s", id.c_str());
    return *n;
}

const Layer kPatch{"patch", "PatchEmbed", {{"patch_size", 4}, {"embed_dim", 64}}};
const Layer kPool{"pool", "TokenPool"};
const Layer kHead{"head", "Linear", {{"out_features", "classes"}}};

}  // namespace

class TestTokenShapes : public QObject {
    Q_OBJECT

private slots:
    void patchEmbedCutsTheImageIntoTokens() {
        const auto a = chain({3, 32, 24}, {kPatch, kPool, kHead});
        QVERIFY(a.valid());
        QCOMPARE(node(a, "patch").output, (Shape{8 * 6, 64}));
        // nn.Conv2d(3, 64, 4, stride=4): 64·3·4·4 + 64.
        QCOMPARE(node(a, "patch").parameters, int64_t(64 * 3 * 16 + 64));
        QCOMPARE(node(a, "pool").output, (Shape{64}));
        QCOMPARE(shapeToString(node(a, "patch").output), std::string("[N, 48, 64]"));
    }

    void patchMustDivideTheImage() {
        const auto a = chain({1, 28, 30}, {{"patch", "PatchEmbed", {{"patch_size", 4}, {"embed_dim", 8}}}, kPool, kHead});
        QCOMPARE(issueOf(a, "patch"),
                 std::string("PatchEmbed patch_size 4 does not divide the image 28x30; use a patch_size that divides "
                             "both height and width"));
        QCOMPARE(a.issues.front().field, std::string("patch_size"));
        QCOMPARE(a.issues.size(), std::size_t(1));  // nothing cascades downstream
    }

    void patchEmbedRefusesTokensAndFlatInputs() {
        auto a = chain({1, 8, 8}, {kPatch, {"again", "PatchEmbed", {{"patch_size", 2}, {"embed_dim", 8}}}, kPool, kHead});
        QVERIFY(issueOf(a, "again").find("receives tokens [N, 4, 64]; the input is already tokens: remove this "
                                          "PatchEmbed") != std::string::npos);
        a = chain({1, 8, 8}, {{"flat", "Flatten"}, kPatch, kPool, kHead});
        QVERIFY(issueOf(a, "patch").find("move it before the Flatten") != std::string::npos);
    }

    void classTokenAndPositionEmbedding() {
        const auto a = chain({1, 28, 28}, {kPatch, {"cls", "ClassToken"}, {"pos", "PositionEmbedding"}, kPool, kHead});
        QVERIFY(a.valid());
        QCOMPARE(node(a, "cls").output, (Shape{50, 64}));
        QCOMPARE(node(a, "cls").parameters, int64_t(64));        // one [1, 1, D] token
        QCOMPARE(node(a, "pos").output, (Shape{50, 64}));
        QCOMPARE(node(a, "pos").parameters, int64_t(50 * 64));   // [1, T, D], T from the input
    }

    void attentionKeepsTheShapeAndCountsLikeTorch() {
        const auto a = chain({1, 28, 28}, {kPatch, {"attn", "MultiheadAttention", {{"num_heads", 4}}}, kPool, kHead});
        QVERIFY(a.valid());
        QCOMPARE(node(a, "attn").output, (Shape{49, 64}));
        // in_proj [3D, D] + [3D], out_proj [D, D] + [D]: 4·64·64 + 4·64.
        QCOMPARE(node(a, "attn").parameters, int64_t(16640));
        const auto noBias = chain({1, 28, 28}, {kPatch, {"attn", "MultiheadAttention", {{"num_heads", 8}, {"bias", false}}},
                                                kPool, kHead});
        QCOMPARE(node(noBias, "attn").parameters, int64_t(4 * 64 * 64));
        // 4 T D² for the projections and 2 T² D for the scores and the mix.
        QCOMPARE(nodeMacs(node(a, "attn")), int64_t(4 * 49 * 64 * 64 + 2 * 49 * 49 * 64));
        QCOMPARE(nodeMacs(node(a, "patch")), int64_t(49 * 64 * 16));
    }

    void attentionNeedsTokens() {
        auto a = chain({1, 28, 28}, {{"attn", "MultiheadAttention", {{"num_heads", 4}}}, {"flat", "Flatten"}, kHead});
        QCOMPARE(issueOf(a, "attn"), std::string("MultiheadAttention needs tokens [N, T, D] but receives [N, 1, 28, 28]; "
                                                 "add PatchEmbed before it to cut the image into patch tokens"));
        a = chain({1, 28, 28}, {kPatch, kPool, {"attn", "MultiheadAttention", {{"num_heads", 4}}}, kHead});
        QVERIFY(issueOf(a, "attn").find("receives [N, 64]; take its input from before the TokenPool") != std::string::npos);
    }

    void headsMustDivideTheWidth() {
        const auto a = chain({1, 28, 28}, {kPatch, {"attn", "MultiheadAttention", {{"num_heads", 5}}}, kPool, kHead});
        QCOMPARE(issueOf(a, "attn"), std::string("MultiheadAttention num_heads 5 does not divide the token width 64; "
                                                 "use a num_heads that divides 64"));
        QCOMPARE(a.issues.front().field, std::string("num_heads"));
        const auto drop = chain({1, 28, 28}, {kPatch, {"attn", "MultiheadAttention", {{"num_heads", 4}, {"dropout", 1.0}}},
                                              kPool, kHead});
        QVERIFY(issueOf(drop, "attn").find("param \"dropout\" is 1.0, must be in [0, 1)") != std::string::npos);
    }

    void classTokenPositionAndPoolNeedTokens() {
        for (const char* type : {"ClassToken", "PositionEmbedding", "TokenPool"}) {
            const auto a = chain({1, 8, 8}, {{"t", type}, {"flat", "Flatten"}, kHead});
            QVERIFY2(issueOf(a, "t").find(std::string(type) + " needs tokens [N, T, D] but receives [N, 1, 8, 8]; add "
                                                              "PatchEmbed before it") != std::string::npos,
                     type);
        }
    }

    void tokenPoolModes() {
        auto a = chain({1, 8, 8}, {kPatch, {"pool", "TokenPool", {{"mode", "mean"}}}, kHead});
        QVERIFY(a.valid());
        QCOMPARE(node(a, "pool").output, (Shape{64}));
        a = chain({1, 8, 8}, {kPatch, {"pool", "TokenPool", {{"mode", "max"}}}, kHead});
        QCOMPARE(issueOf(a, "pool"), std::string("param \"mode\" must be one of \"cls\" or \"mean\", got \"max\""));
        a = chain({1, 8, 8}, {kPatch, {"pool", "TokenPool", {{"mode", 1}}}, kHead});
        QVERIFY(!a.valid());
    }

    void linearAndElementwiseLayersActOnTokens() {
        const auto a = chain({1, 28, 28}, {kPatch, {"fc1", "Linear", {{"out_features", 128}}}, {"gelu", "GELU"},
                                           {"drop", "Dropout"}, {"fc2", "Linear", {{"out_features", 64}}}, kPool, kHead});
        QVERIFY(a.valid());
        QCOMPARE(node(a, "fc1").output, (Shape{49, 128}));
        QCOMPARE(node(a, "fc1").parameters, int64_t(64 * 128 + 128));  // over the last axis only
        QCOMPARE(node(a, "gelu").output, (Shape{49, 128}));
        QCOMPARE(node(a, "drop").output, (Shape{49, 128}));
        QCOMPARE(node(a, "fc2").parameters, int64_t(128 * 64 + 64));
        QCOMPARE(nodeMacs(node(a, "fc1")), int64_t(49 * 64 * 128));  // each token is a row
    }

    void layerNormPerTokenOrWholeSample() {
        const auto a = chain({1, 28, 28}, {kPatch, {"last", "LayerNorm", {{"normalized_shape", "last"}}},
                                           {"all", "LayerNorm"}, kPool, kHead});
        QVERIFY(a.valid());
        QCOMPARE(node(a, "last").parameters, int64_t(2 * 64));
        QCOMPARE(node(a, "all").parameters, int64_t(2 * 49 * 64));  // the old form, the default
        QCOMPARE(node(a, "all").params.s("normalized_shape"), std::string("all"));
        const auto bad = chain({1, 28, 28}, {{"ln", "LayerNorm", {{"normalized_shape", "first"}}}, {"flat", "Flatten"}, kHead});
        QCOMPARE(issueOf(bad, "ln"), std::string("param \"normalized_shape\" must be one of \"all\" or \"last\", got \"first\""));
    }

    void flattenJoinsTheTokens() {
        const auto a = chain({1, 8, 8}, {kPatch, {"flat", "Flatten"}, kHead});
        QVERIFY(a.valid());
        QCOMPARE(node(a, "flat").output, (Shape{4 * 64}));
    }

    // Layers for feature maps refuse tokens with a fix that fits a sequence.
    void imageAndFlatLayersRefuseTokens() {
        struct Case {
            Layer layer;
            std::string expected;
        };
        const std::vector<Case> cases = {
            {{"l", "Conv2d", {{"out_channels", 8}, {"kernel_size", 3}}},
             "Conv2d expects an image input [N, C, H, W] but receives tokens [N, 4, 64]; tokens [N, T, D] have no image "
             "grid: move it before the PatchEmbed"},
            {{"l", "MaxPool2d", {{"kernel_size", 2}}}, "MaxPool2d expects an image input [N, C, H, W] but receives tokens"},
            {{"l", "AdaptiveAvgPool2d"}, "move it before the PatchEmbed"},
            {{"l", "BatchNorm2d"}, "use LayerNorm with normalized_shape \"last\" on tokens"},
            {{"l", "BatchNorm1d"},
             "BatchNorm1d expects a flat input [N, F] but receives tokens [N, 4, 64]; use LayerNorm with "
             "normalized_shape \"last\" on tokens"},
            {{"l", "Dropout2d"}, "use Dropout on tokens"},
        };
        for (const Case& c : cases) {
            const auto a = chain({1, 8, 8}, {kPatch, c.layer, kPool, kHead});
            QVERIFY2(issueOf(a, "l").find(c.expected) != std::string::npos, (c.layer.type + ": " + issueOf(a, "l")).c_str());
        }
    }

    void outputWantsPooledTokens() {
        const auto a = chain({1, 8, 8}, {kPatch, kHead});
        QVERIFY(issueOf(a, "out").find("but receives [N, 4, 10]; end the design with a TokenPool and a Linear") !=
                std::string::npos);
    }

    void concatOfTokensSaysToPool() {
        Design d;
        d.nodes = {{"in", "Input", {{"channels", 1}, {"height", 8}, {"width", 8}}},
                   {"patch", "PatchEmbed", {{"patch_size", 4}, {"embed_dim", 8}}},
                   {"cat", "Concat"},
                   {"pool", "TokenPool"},
                   {"out", "Output"}};
        d.edges = {{"in", "patch", 0}, {"patch", "cat", 0}, {"patch", "cat", 1}, {"cat", "pool", 0}, {"pool", "out", 0}};
        QVERIFY(issueOf(analyzeDesign(d, 8), "cat").find("pool the tokens with a TokenPool first") != std::string::npos);
    }

    void vitTinyTemplate() {
        const Design d = loadDesign(test::templateFile("vit-tiny").toStdString());
        const DesignAnalysis a = analyzeDesign(d, 10);
        QVERIFY(a.valid());
        // patch 1,088 + cls 64 + pos 3,200 + 4 blocks of (2 LayerNorms 256 + attention 16,640 +
        // MLP 8,320 + 8,256) + norm 128 + head 650.
        QCOMPARE(a.totalParameters, int64_t(1088 + 64 + 3200 + 4 * (256 + 16640 + 8320 + 8256) + 128 + 650));
        QCOMPARE(node(a, "b4_add2").output, (Shape{50, 64}));
        QCOMPARE(d.groups.size(), std::size_t(4));
        QVERIFY(designCost(a).totalMacs > 4 * nodeMacs(node(a, "b1_attn")));
    }

    // Width experiments scale the token width with the MLPs, so the residual Adds still match.
    void vitTinyWidensAsAWhole() {
        const Design d = loadDesign(test::templateFile("vit-tiny").toStdString());
        const DesignAnalysis a = analyzeDesign(widthMultiplied(d, 0.5), 10);
        QVERIFY(a.valid());
        QCOMPARE(node(a, "patch").output, (Shape{49, 32}));
        QCOMPARE(node(a, "b1_fc1").output, (Shape{50, 64}));
        QCOMPARE(node(a, "head").parameters, int64_t(32 * 10 + 10));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_APPLESS_MAIN(TestTokenShapes)
#include "test_token_shapes.moc"
