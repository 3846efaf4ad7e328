// Attention maps (insight/AttentionMaps.h, AttentionCompute.h) on cases with a known answer:
// weights that make one head attend only to one patch, rollout of identity and uniform
// attention, mean attention distances of heads looking at themselves or at one far patch, and
// the receptive field sizes of a small CNN for the comparison chart.
#ifndef Q_MOC_RUN
#include <torch/torch.h>
#endif

#include <QtTest>

#include <cmath>

#ifndef Q_MOC_RUN
#include "compile/GraphModule.h"
#include "compile/TokenModules.h"
#include "design/Design.h"
#include "insight/Activations.h"
#include "insight/AttentionCompute.h"
#endif

using namespace strata;

namespace {

// Input 1x8x8 -> PatchEmbed p=4 D=4 (a 2x2 grid) -> ClassToken -> PositionEmbedding ->
// MultiheadAttention (2 heads of width 2) -> TokenPool cls -> head.
Design oneBlock(bool classToken) {
    const std::string cls = classToken ? R"({"id": "cls", "type": "ClassToken"},)" : "";
    return parseDesign(R"({"format": "strata.design/1", "name": "t", "nodes": [
      {"id": "in", "type": "Input", "params": {"channels": 1, "height": 8, "width": 8}},
      {"id": "patch", "type": "PatchEmbed", "params": {"patch_size": 4, "embed_dim": 4}}, )" +
                       cls + R"(
      {"id": "pos", "type": "PositionEmbedding"},
      {"id": "attn", "type": "MultiheadAttention", "params": {"num_heads": 2}},
      {"id": "pool", "type": "TokenPool", "params": {"mode": ")" + std::string(classToken ? "cls" : "mean") + R"("}},
      {"id": "head", "type": "Linear", "params": {"out_features": "classes"}},
      {"id": "out", "type": "Output"}]})");
}

// Zero images give zero patch tokens; the position embedding marks patch `target` (token
// 1 + target) with 1 in dimension 0, which head 0's keys read and its constant query of 100
// multiplies: head 0 attends only to that patch. Head 1's query is 0: it attends uniformly.
void pointHeadZeroAt(GraphModuleImpl& m, int target, int firstPatch) {
    torch::NoGradGuard noGrad;
    for (auto& p : m.parameters()) p.zero_();
    auto params = m.named_parameters();
    params["pos.embedding"][0][firstPatch + target][0] = 1.0;
    params["attn.in_proj_weight"][4 + 0][0] = 1.0;  // key dimension 0 = token dimension 0
    params["attn.in_proj_bias"][0] = 100.0;         // head 0's query, dimension 0
}

SampleSet zeroSample(int count) {
    SampleSet s;
    s.images = torch::zeros({count, 1, 8, 8});
    s.pixels = torch::zeros({count, 1, 8, 8}, torch::kUInt8);
    s.labels = torch::zeros({count}, torch::kInt64);
    s.paths.assign(size_t(count), "zero.png");
    return s;
}

Picture grayPicture(int side) {
    Picture p;
    p.width = p.height = side;
    p.pixels.assign(size_t(side) * side, 100);
    return p;
}

}  // namespace

class TestAttentionMaps : public QObject {
    Q_OBJECT

private slots:
    void oneHeadAttendsToOnePatch() {
        GraphModule m(oneBlock(true), 3);
        pointHeadZeroAt(*m, 3, 1);
        const AttentionView v = attentionOn(*m, torch::zeros({1, 1, 8, 8}), grayPicture(8), zeroSample(3));
        QVERIFY(v.classToken);
        QCOMPARE(v.gridHeight, 2);
        QCOMPARE(v.gridWidth, 2);
        QCOMPARE(v.blocks.size(), size_t(1));
        const AttentionBlock& b = v.blocks[0];
        QCOMPARE(b.layer, std::string("attn"));
        QCOMPARE(b.headMaps.size(), size_t(2));
        // Head 0: one-hot at patch 3 (bottom right); head 1: 1/5 to each of the 5 tokens.
        for (int j = 0; j < 4; ++j) {
            QVERIFY(std::abs(b.headMaps[0][size_t(j)] - (j == 3 ? 1.0f : 0.0f)) < 1e-5f);
            QVERIFY(std::abs(b.headMaps[1][size_t(j)] - 0.2f) < 1e-5f);
            QVERIFY(std::abs(b.meanMap[size_t(j)] - (j == 3 ? 0.6f : 0.1f)) < 1e-5f);
        }
        // Distances over the sample: head 0 from every patch to the bottom-right one's centre
        // (4 sqrt 2, 4, 4, 0 px), head 1 uniform over the 2x2 patches: both 2 + sqrt 2.
        QCOMPARE(v.distanceImages, 3);
        QCOMPARE(b.headDistance.size(), size_t(2));
        QVERIFY(std::abs(b.headDistance[0] - (2 + std::sqrt(2.0))) < 1e-4);
        QVERIFY(std::abs(b.headDistance[1] - (2 + std::sqrt(2.0))) < 1e-4);
        // The model's mode comes back, and the attention weights are not kept afterwards.
        QVERIFY(m->is_training());
        const auto attn = std::dynamic_pointer_cast<SelfAttentionImpl>(*m->named_children().find("attn"));
        QVERIFY(attn && !attn->keepAttention && !attn->lastAttention.defined());
    }

    void withoutClassTokenTheMapIsTheMeanOverQueries() {
        GraphModule m(oneBlock(false), 3);
        pointHeadZeroAt(*m, 0, 0);
        const AttentionView v = attentionOn(*m, torch::zeros({1, 1, 8, 8}), grayPicture(8), zeroSample(0));
        QVERIFY(!v.classToken);
        const AttentionBlock& b = v.blocks.at(0);
        for (int j = 0; j < 4; ++j) {
            QVERIFY(std::abs(b.headMaps[0][size_t(j)] - (j == 0 ? 1.0f : 0.0f)) < 1e-5f);
            QVERIFY(std::abs(b.headMaps[1][size_t(j)] - 0.25f) < 1e-5f);
        }
        QCOMPARE(v.distanceImages, 0);
        QVERIFY(b.headDistance.empty());
    }

    void rolloutOfIdentityAndUniformAttention() {
        const torch::Tensor identity = torch::eye(5).expand({3, 5, 5});
        QVERIFY(torch::allclose(rolloutMatrix({identity, identity, identity}), torch::eye(5, torch::kFloat64)));
        // Uniform attention: after the identity is mixed in, the class token's row still gives
        // every patch the same share.
        const torch::Tensor uniform = torch::full({2, 5, 5}, 0.2);
        const torch::Tensor r = rolloutMatrix({uniform, uniform});
        QVERIFY(torch::allclose(r.sum(-1), torch::ones(5, torch::kFloat64)));
        TokenGrid grid{2, 2, 4, 1};
        const torch::Tensor map = patchAttention(r.unsqueeze(0), grid)[0];
        QVERIFY(torch::allclose(map, map[0].expand({4})));
        // One block alone: (A + I) row-normalized.
        const torch::Tensor single = rolloutMatrix({uniform});
        QVERIFY(torch::allclose(single, (torch::full({5, 5}, 0.2, torch::kFloat64) + torch::eye(5, torch::kFloat64)) / 2));
    }

    void distanceOfSelfAttentionIsZeroAndOfOneFarPatchKnown() {
        TokenGrid grid{3, 3, 4, 1};  // 3x3 patches of 4 px behind a class token
        const int64_t t = 10;
        const torch::Tensor self = torch::eye(t).expand({1, 2, t, t});
        QVERIFY(torch::allclose(attentionDistanceSum(self, grid), torch::zeros(2, torch::kFloat64)));
        // Every query attends to patch 8 (bottom right) only: the mean distance of the 9 patch
        // centres to it, in pixels.
        torch::Tensor far = torch::zeros({2, 1, t, t});
        far.select(3, 1 + 8).fill_(1.0);
        double expected = 0;
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c) expected += 4 * std::hypot(2 - r, 2 - c) / 9;
        const torch::Tensor sum = attentionDistanceSum(far, grid);  // two images
        QVERIFY(std::abs(sum[0].item<double>() - 2 * expected) < 1e-9);
    }

    void receptiveFieldsOfConvolutionsInPixels() {
        GraphModule m(parseDesign(R"({"format": "strata.design/1", "name": "c", "nodes": [
          {"id": "in", "type": "Input", "params": {"channels": 1, "height": 16, "width": 16}},
          {"id": "c1", "type": "Conv2d", "params": {"out_channels": 2, "kernel_size": 3, "padding": 1}},
          {"id": "c2", "type": "Conv2d", "params": {"out_channels": 2, "kernel_size": 3, "padding": 1}},
          {"id": "p", "type": "MaxPool2d", "params": {"kernel_size": 2, "stride": 2}},
          {"id": "c3", "type": "Conv2d", "params": {"out_channels": 2, "kernel_size": 3, "padding": 1}},
          {"id": "f", "type": "Flatten"},
          {"id": "head", "type": "Linear", "params": {"out_features": "classes"}},
          {"id": "out", "type": "Output"}]})"),
                      2);
        QVERIFY(!hasAttention(m->analysis()));
        const std::vector<SightPoint> s = convolutionSight(m->analysis());
        QCOMPARE(s.size(), size_t(3));
        QCOMPARE(s[0].pixels, 3.0);
        QCOMPARE(s[1].pixels, 5.0);
        QCOMPARE(s[2].pixels, 10.0);  // the pool: 6 px with a jump of 2, then 3x3 adds 2 x 2
        QCOMPARE(s[2].order, 3);
    }

    // A token layer's channels show as maps over the patch grid (the class token left out).
    void tokenChannelsAreMapsOverThePatches() {
        // Tokens [cls, p0..p3] x width 3: channel 2 is strongest, high at patch 3 only.
        const torch::Tensor out = torch::tensor({{9.f, 9.f, 9.f},  // the class token: ignored
                                                 {0.f, 0.1f, 1.f}, {0.f, 0.1f, 1.f}, {0.f, 0.1f, 1.f}, {0.f, 0.1f, 5.f}});
        LayerDepth layer;
        layer.id = "b1";
        TokenGrid grid{2, 2, 4, 1};
        const LayerActivations a = layerActivations(out, layer, 2, &grid);
        QCOMPARE(a.channels, std::vector<int>({2, 1}));
        QCOMPARE(a.maps.at(0).width, 2);
        QCOMPARE(a.maps.at(0).height, 2);
        QCOMPARE(a.maps[0].pixels, std::vector<uint8_t>({0, 0, 0, 255}));
        // Without a grid, the T·D values are units, as before.
        QCOMPARE(layerActivations(out, layer, 2).maps.at(0).width, 1);
    }

    void overlayCoversTheImage() {
        const Picture o = attentionOverlay(grayPicture(8), {0, 0, 0, 1}, 2, 2);
        QCOMPARE(o.width, 8);
        QCOMPARE(o.channels, 3);
        // Top-left untouched (gray), bottom-right at full heat (white in the hot colours).
        QCOMPARE(int(o.pixels[0]), 100);
        QVERIFY(o.pixels[(size_t(7) * 8 + 7) * 3] > 200);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_APPLESS_MAIN(TestAttentionMaps)
#include "test_attention_maps.moc"
