// The token layers compiled (compile/TokenModules.h): output shapes, parameter names, shapes
// and counts as PyTorch has them, values against PyTorch's own formulas (nn.MultiheadAttention,
// nn.LayerNorm over the last axis), the attention weights kept for the views, and the vit-tiny
// template training a step.
#ifndef Q_MOC_RUN
#include <torch/torch.h>
#endif

#include <QtTest>

#ifndef Q_MOC_RUN
#include "compile/BatchedMatmul.h"
#include "compile/GraphModule.h"
#include "compile/TokenModules.h"
#include "design/CheckpointLayout.h"
#include "design/Templates.h"
#include "support/TestData.h"
#endif

using namespace strata;

namespace {

Design vitTiny() { return loadDesign(test::templateFile("vit-tiny").toStdString()); }

// Input 1x8x8 -> PatchEmbed p=4 D=8 (4 tokens) -> the given token layers -> TokenPool -> head.
Design tokenChain(const std::string& layersJson) {
    return parseDesign(R"({"format": "strata.design/1", "name": "t", "nodes": [
      {"id": "in", "type": "Input", "params": {"channels": 1, "height": 8, "width": 8}},
      {"id": "patch", "type": "PatchEmbed", "params": {"patch_size": 4, "embed_dim": 8}}, )" +
                       layersJson + R"(,
      {"id": "pool", "type": "TokenPool", "params": {"mode": "mean"}},
      {"id": "head", "type": "Linear", "params": {"out_features": "classes"}},
      {"id": "out", "type": "Output"}]})");
}

std::map<std::string, torch::Tensor> namedParameters(const torch::nn::Module& m) {
    std::map<std::string, torch::Tensor> out;
    for (const auto& p : m.named_parameters()) out[p.key()] = p.value();
    return out;
}

}  // namespace

class TestTokenLayers : public QObject {
    Q_OBJECT

private slots:
    void vitTinyRunsWithAnalyzedShapesAndTorchNames() {
        torch::manual_seed(0);
        GraphModule m(vitTiny(), 10);
        const auto params = namedParameters(*m);
        int64_t total = 0;
        for (const auto& [name, p] : params) total += p.numel();
        QCOMPARE(total, m->analysis().totalParameters);
        QCOMPARE(total, int64_t(139018));
        QCOMPARE(params.at("patch.weight").sizes(), torch::IntArrayRef({64, 1, 4, 4}));
        QCOMPARE(params.at("cls.token").sizes(), torch::IntArrayRef({1, 1, 64}));
        QCOMPARE(params.at("pos.embedding").sizes(), torch::IntArrayRef({1, 50, 64}));
        QCOMPARE(params.at("b1_attn.in_proj_weight").sizes(), torch::IntArrayRef({192, 64}));
        QCOMPARE(params.at("b1_attn.in_proj_bias").sizes(), torch::IntArrayRef({192}));
        QCOMPARE(params.at("b1_attn.out_proj.weight").sizes(), torch::IntArrayRef({64, 64}));
        QCOMPARE(params.at("b1_attn.out_proj.bias").sizes(), torch::IntArrayRef({64}));
        QCOMPARE(params.at("b1_ln1.weight").sizes(), torch::IntArrayRef({64}));
        // The torch-free layout (what run files are checked against) lists the same arrays.
        const std::vector<ExpectedArray> layout = checkpointLayout(m->analysis());
        QCOMPARE(layout.size(), params.size());
        for (const ExpectedArray& a : layout) QVERIFY2(params.count(a.name) && params.at(a.name).sizes() == torch::IntArrayRef(a.shape), a.name.c_str());

        std::map<std::string, torch::Tensor> outputs;
        const torch::Tensor y = m->forward(torch::randn({3, 1, 28, 28}), outputs);
        QCOMPARE(y.sizes(), torch::IntArrayRef({3, 10}));
        for (const CompiledLayer& layer : m->layers()) {
            std::vector<int64_t> expected{3};
            expected.insert(expected.end(), layer.output.begin(), layer.output.end());
            QVERIFY2(outputs.at(layer.id).sizes() == torch::IntArrayRef(expected), layer.id.c_str());
        }
    }

    // Attention as nn.MultiheadAttention computes it (batch_first, need_weights averaged).
    void attentionMatchesTorchMultiheadAttention() {
        torch::manual_seed(3);
        SelfAttention mine(16, 4, 0.0, true);
        torch::manual_seed(3);
        torch::nn::MultiheadAttention ref(torch::nn::MultiheadAttentionOptions(16, 4));
        // The same draws in the same order give the same initial weights.
        QVERIFY(torch::equal(mine->in_proj_weight, ref->in_proj_weight));
        QVERIFY(torch::equal(mine->out_proj->weight, ref->out_proj->weight));
        QVERIFY(torch::equal(mine->in_proj_bias, ref->in_proj_bias));
        {
            torch::NoGradGuard g;
            mine->in_proj_bias.uniform_(-0.5, 0.5);
            mine->out_proj->bias.uniform_(-0.5, 0.5);
            ref->in_proj_bias.copy_(mine->in_proj_bias);
            ref->out_proj->bias.copy_(mine->out_proj->bias);
        }
        const torch::Tensor x = torch::randn({2, 5, 16});
        mine->keepAttention = true;
        const torch::Tensor y = mine(x);
        const torch::Tensor seq = x.transpose(0, 1);  // torch's default is [T, N, D]
        auto [expected, weights] = ref->forward(seq, seq, seq);
        QVERIFY(torch::allclose(y, expected.transpose(0, 1), 1e-5, 1e-5));
        QCOMPARE(mine->lastAttention.sizes(), torch::IntArrayRef({2, 4, 5, 5}));
        QVERIFY(torch::allclose(mine->lastAttention.mean(1), weights, 1e-5, 1e-6));
        QVERIFY(torch::allclose(mine->lastAttention.sum(-1), torch::ones({2, 4, 5}), 1e-5, 1e-6));
    }

    // The attention products' own kernel: values and both gradients as torch::matmul's.
    void batchedMatmulMatchesTorch() {
        const torch::Tensor a = torch::randn({6, 5, 7}, torch::requires_grad());
        const torch::Tensor b = torch::randn({6, 7, 3}, torch::requires_grad());
        const torch::Tensor grad = torch::randn({6, 5, 3});
        const torch::Tensor mine = batchedMatmul(a, b.transpose(1, 2).contiguous().transpose(1, 2));
        mine.backward(grad);
        const torch::Tensor ga = a.grad().clone(), gb = b.grad().clone();
        a.grad().zero_();
        b.grad().zero_();
        const torch::Tensor expected = torch::matmul(a, b);
        expected.backward(grad);
        QVERIFY(torch::allclose(mine, expected, 1e-5, 1e-5));
        QVERIFY(torch::allclose(ga, a.grad(), 1e-5, 1e-5));
        QVERIFY(torch::allclose(gb, b.grad(), 1e-5, 1e-5));
    }

    void patchEmbedIsAStridedConvolutionFlattened() {
        torch::manual_seed(1);
        PatchEmbed mine(3, 4, 6);
        torch::manual_seed(1);
        torch::nn::Conv2d conv(torch::nn::Conv2dOptions(3, 6, 4).stride(4));
        QVERIFY(torch::equal(mine->weight, conv->weight));
        QVERIFY(torch::equal(mine->bias, conv->bias));
        const torch::Tensor x = torch::randn({2, 3, 8, 12});
        const torch::Tensor expected = conv(x).flatten(2).transpose(1, 2);
        QCOMPARE(mine(x).sizes(), torch::IntArrayRef({2, 6, 6}));
        QVERIFY(torch::allclose(mine(x), expected, 1e-5, 1e-6));
        // Channels-last images (as training feeds them) give the same tokens.
        QVERIFY(torch::allclose(mine(x.contiguous(at::MemoryFormat::ChannelsLast)), expected, 1e-5, 1e-6));
    }

    void classTokenPositionAndPool() {
        GraphModule m(tokenChain(R"({"id": "cls", "type": "ClassToken"}, {"id": "pos", "type": "PositionEmbedding"},
                                    {"id": "ln", "type": "LayerNorm", "params": {"normalized_shape": "last"}})"),
                      3);
        const auto params = namedParameters(*m);
        QCOMPARE(params.at("cls.token").sizes(), torch::IntArrayRef({1, 1, 8}));
        QVERIFY(torch::equal(params.at("cls.token"), torch::zeros({1, 1, 8})));
        QCOMPARE(params.at("pos.embedding").sizes(), torch::IntArrayRef({1, 5, 8}));
        QCOMPARE(params.at("ln.weight").sizes(), torch::IntArrayRef({8}));
        std::map<std::string, torch::Tensor> out;
        m->forward(torch::randn({2, 1, 8, 8}), out);
        QCOMPARE(out.at("cls").sizes(), torch::IntArrayRef({2, 5, 8}));
        QVERIFY(torch::equal(out.at("cls").select(1, 0), torch::zeros({2, 8})));  // the token leads
        QVERIFY(torch::equal(out.at("cls").narrow(1, 1, 4), out.at("patch")));
        QVERIFY(torch::allclose(out.at("pos"), out.at("cls") + params.at("pos.embedding")));
        // Per token: each token of the LayerNorm's output has mean 0 and (biased) variance 1.
        QVERIFY(torch::allclose(out.at("ln").mean(-1), torch::zeros({2, 5}), 1e-5, 1e-5));
        // (the patch tokens: the class token plus a 0.02-std embedding is too flat for eps to vanish)
        QVERIFY(torch::allclose(out.at("ln").narrow(1, 1, 4).var(-1, false), torch::ones({2, 4}), 1e-3, 1e-3));
        QVERIFY(torch::allclose(out.at("pool"), out.at("ln").mean(1), 1e-6, 1e-6));
    }

    void tokenPoolClsTakesTheFirstToken() {
        TokenPool cls(false), mean(true);
        const torch::Tensor x = torch::randn({2, 3, 4});
        QVERIFY(torch::equal(cls(x), x.select(1, 0)));
        QVERIFY(torch::allclose(mean(x), x.mean(1)));
    }

    // Linear on tokens acts on the last axis, with oneDNN as with torch's own kernel.
    void linearOnTokensActsOnTheLastAxis() {
        torch::manual_seed(2);
        OneDnnLinear fc(torch::nn::LinearOptions(8, 3));
        const torch::Tensor x = torch::randn({2, 5, 8});
        const torch::Tensor expected = torch::nn::functional::linear(x, fc->weight, fc->bias);
        QCOMPARE(fc(x).sizes(), torch::IntArrayRef({2, 5, 3}));
        QVERIFY(torch::allclose(fc(x), expected, 1e-5, 1e-5));
        const torch::Tensor slice = x.select(1, 0);  // not contiguous, as TokenPool "cls" gives
        QVERIFY(torch::allclose(fc(slice), torch::nn::functional::linear(slice, fc->weight, fc->bias), 1e-5, 1e-5));
        // And its gradients.
        const torch::Tensor xg = x.clone().requires_grad_(true);
        fc(xg).square().sum().backward();
        const torch::Tensor xr = x.clone().requires_grad_(true);
        torch::nn::functional::linear(xr, fc->weight.detach(), fc->bias.detach()).square().sum().backward();
        QVERIFY(torch::allclose(xg.grad(), xr.grad(), 1e-4, 1e-5));
    }

    // A training step on vit-tiny: every parameter gets a gradient and the loss is finite.
    void vitTinyTrainsAStep() {
        torch::manual_seed(0);
        GraphModule m(vitTiny(), 10);
        m->useChannelsLast();
        m->train();
        torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(1e-3));
        const torch::Tensor x = torch::randn({8, 1, 28, 28}).contiguous(at::MemoryFormat::ChannelsLast);
        const torch::Tensor labels = torch::randint(0, 10, {8});
        const torch::Tensor loss = torch::cross_entropy_loss(m->forward(x), labels);
        QVERIFY(std::isfinite(loss.item<float>()));
        opt.zero_grad();
        loss.backward();
        for (const auto& p : m->named_parameters())
            QVERIFY2(p.value().grad().defined() && p.value().grad().abs().sum().item<float>() > 0, p.key().c_str());
        opt.step();
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_APPLESS_MAIN(TestTokenLayers)
#include "test_token_layers.moc"
