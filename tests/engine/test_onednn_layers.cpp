// The oneDNN-backed Linear and MaxPool2d layers (compile/OneDnnLayers.h) against libtorch's own:
// same parameters and seeded initialization, the same outputs and gradients, the bf16 autocast
// path untouched, and the plain fallback where oneDNN is off. A wrong weight layout, a lost bias,
// a broken backward or a swallowed autocast would each fail here.
// moc needs only the test class: skipping torch and the engine headers saves it seconds a file.
#ifndef Q_MOC_RUN
#include <torch/torch.h>
#endif

#include <QtTest>

#ifndef Q_MOC_RUN
#include <ATen/autocast_mode.h>

#include "compile/GraphModule.h"
#include "compile/OneDnnLayers.h"
#include "compile/Precision.h"
#include "support/TestData.h"
#endif

using namespace strata;
namespace nn = torch::nn;

namespace {

struct Grads {
    torch::Tensor out, input, weight, bias;
};

// Runs `forward` on a copy of `x` that requires grad, backpropagates `upstream`, returns all.
template <typename Forward>
Grads runWithGrads(Forward forward, const torch::Tensor& x, const torch::Tensor& upstream,
                   const torch::Tensor& weight = {}, const torch::Tensor& bias = {}) {
    auto in = x.detach().clone().requires_grad_(true);
    Grads g;
    g.out = forward(in);
    g.out.backward(upstream);
    g.input = in.grad();
    if (weight.defined()) g.weight = weight.grad().clone();
    if (bias.defined()) g.bias = bias.grad().clone();
    return g;
}

// Restores oneDNN use after a case that turns it off, whatever the case does.
struct MkldnnSwitch {
    explicit MkldnnSwitch(bool on) : was(at::globalContext().userEnabledMkldnn()) {
        at::globalContext().setUserEnabledMkldnn(on);
    }
    ~MkldnnSwitch() { at::globalContext().setUserEnabledMkldnn(was); }
    bool was;
};

}  // namespace

class OneDnnLayersTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        torch::set_num_threads(2);
        if (!at::hasMKLDNN()) QSKIP("libtorch built without MKLDNN: the layers fall back to plain torch");
    }

    void linearInitializesLikeTorchLinear() {
        for (bool bias : {true, false}) {
            torch::manual_seed(7);
            nn::Linear plain(nn::LinearOptions(50, 9).bias(bias));
            torch::manual_seed(7);
            OneDnnLinear fast(nn::LinearOptions(50, 9).bias(bias));
            QVERIFY(torch::equal(plain->weight, fast->weight));
            QCOMPARE(fast->bias.defined(), bias);
            if (bias) QVERIFY(torch::equal(plain->bias, fast->bias));
            // Same names, so checkpoints written before load into the new module.
            auto a = plain->named_parameters(), b = fast->named_parameters();
            QCOMPARE(a.size(), b.size());
            for (const auto& p : a) QVERIFY(b.contains(p.key()));
        }
    }

    void linearMatchesTorchLinearForwardAndBackward() {
        for (bool bias : {true, false}) {
            for (int64_t batch : {1, 64}) {
                torch::manual_seed(3);
                OneDnnLinear fast(nn::LinearOptions(3136, 128).bias(bias));
                nn::Linear plain(nn::LinearOptions(3136, 128).bias(bias));
                plain->weight.data().copy_(fast->weight.data());
                if (bias) plain->bias.data().copy_(fast->bias.data());
                const auto x = torch::randn({batch, 3136});
                QVERIFY(oneDnnTakes(x));
                const auto up = torch::randn({batch, 128});
                const Grads f = runWithGrads([&](auto& in) { return fast(in); }, x, up, fast->weight,
                                             bias ? fast->bias : torch::Tensor());
                const Grads p = runWithGrads([&](auto& in) { return plain(in); }, x, up, plain->weight,
                                             bias ? plain->bias : torch::Tensor());
                QVERIFY(f.out.layout() == torch::kStrided && f.weight.layout() == torch::kStrided);
                QVERIFY2(torch::allclose(f.out, p.out, 1e-4, 1e-4), "forward differs from nn::Linear");
                QVERIFY2(torch::allclose(f.input, p.input, 1e-4, 1e-4), "input gradient differs");
                QVERIFY2(torch::allclose(f.weight, p.weight, 1e-4, 1e-4), "weight gradient differs");
                if (bias) QVERIFY2(torch::allclose(f.bias, p.bias, 1e-4, 1e-4), "bias gradient differs");
            }
        }
    }

    void linearKeepsBf16AutocastPath() {
        OneDnnLinear fast(nn::LinearOptions(16, 4));
        const auto x = torch::randn({8, 16});
        at::autocast::set_cpu_enabled(true);
        at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
        QVERIFY(!oneDnnTakes(x));
        const auto y = fast(x);
        at::autocast::set_cpu_enabled(false);
        at::autocast::clear_cache();
        QCOMPARE(y.scalar_type(), torch::kBFloat16);
    }

    void fallsBackWhereOneDnnIsOff() {
        OneDnnLinear fast(nn::LinearOptions(16, 4));
        const auto x = torch::randn({5, 16});
        const auto viaOneDnn = fast(x);
        {
            MkldnnSwitch off(false);
            QVERIFY(!oneDnnTakes(x));
            QVERIFY(torch::equal(fast(x), torch::nn::functional::linear(x, fast->weight, fast->bias)));
        }
        QVERIFY(torch::allclose(viaOneDnn, fast(x)));
        QVERIFY(!oneDnnTakes(torch::randn({0, 16})));
        QVERIFY(!oneDnnTakes(torch::randn({2, 16}, torch::kDouble)));
        QCOMPARE(fast(torch::randn({0, 16})).size(0), 0);
        QCOMPARE(fast(torch::randn({2, 16}, torch::kDouble).to(torch::kFloat)).size(1), 4);
    }

    void maxPoolMatchesTorchExactly_data() {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("stride");
        QTest::addColumn<int>("padding");
        QTest::addColumn<bool>("overlapping");
        QTest::newRow("2x2 stride 2") << 2 << 2 << 0 << false;
        QTest::newRow("3x3 stride 3 pad 1") << 3 << 3 << 1 << false;
        QTest::newRow("3x3 stride 2 pad 1") << 3 << 2 << 1 << true;
    }

    void maxPoolMatchesTorchExactly() {
        QFETCH(int, kernel);
        QFETCH(int, stride);
        QFETCH(int, padding);
        QFETCH(bool, overlapping);
        const auto options = nn::MaxPool2dOptions(kernel).stride(stride).padding(padding);
        OneDnnMaxPool2d fast(options);
        nn::MaxPool2d plain(options);
        // After a ReLU, as in a CNN: many windows tie at zero, and the gradient must still go to
        // the same element as libtorch's.
        torch::manual_seed(11);
        const auto x = torch::relu(torch::randn({8, 6, 15, 17}));
        const auto up = torch::randn_like(plain(x));
        const Grads f = runWithGrads([&](auto& in) { return fast(in); }, x, up);
        const Grads p = runWithGrads([&](auto& in) { return plain(in); }, x, up);
        QVERIFY2(torch::equal(f.out, p.out), "max pooling forward differs");
        if (overlapping)  // gradient sums of overlapping windows may round differently
            QVERIFY2(torch::allclose(f.input, p.input, 1e-6, 1e-6), "max pooling gradient differs");
        else
            QVERIFY2(torch::equal(f.input, p.input), "max pooling gradient differs");
    }

    // bf16 (what autocast's convolutions hand on) goes to oneDNN where the CPU has its bf16
    // kernels, with the same values and gradients as libtorch's bf16 pooling; elsewhere, to
    // libtorch's.
    void maxPoolBf16MatchesTorch() {
        const auto options = nn::MaxPool2dOptions(2);
        OneDnnMaxPool2d fast(options);
        nn::MaxPool2d plain(options);
        torch::manual_seed(5);
        const auto x = torch::relu(torch::randn({4, 8, 12, 12})).to(torch::kBFloat16);
        QCOMPARE(oneDnnPoolTakes(x), cpuPrecisionSupport().oneDnnBf16);
        QVERIFY(!oneDnnTakes(x));  // Linear leaves bf16 to autocast's own path
        const auto up = torch::randn_like(plain(x));
        const Grads f = runWithGrads([&](auto& in) { return fast(in); }, x, up);
        const Grads p = runWithGrads([&](auto& in) { return plain(in); }, x, up);
        QCOMPARE(f.out.scalar_type(), torch::kBFloat16);
        QVERIFY(torch::equal(f.out, p.out));
        QVERIFY(torch::equal(f.input, p.input));
    }

    // The speed comes from the compiler picking these modules: a design's Linear and MaxPool2d
    // nodes must compile to them, under the same parameter names as before.
    void compiledDesignsUseTheOneDnnLayers() {
        GraphModule net(loadDesign(test::templateFile("reference-cnn").toStdString()), 10);
        int linear = 0, pool = 0;
        for (const auto& child : net->named_children()) {
            linear += child.value()->as<OneDnnLinearImpl>() != nullptr;
            pool += child.value()->as<OneDnnMaxPool2dImpl>() != nullptr;
        }
        QCOMPARE(linear, 2);
        QCOMPARE(pool, 2);
        const auto params = net->named_parameters();
        QVERIFY(params.contains("fc1.weight") && params.contains("fc1.bias"));
        QCOMPARE(params["fc1.weight"].sizes().vec(), (std::vector<int64_t>{128, 3136}));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_APPLESS_MAIN(OneDnnLayersTest)
#include "test_onednn_layers.moc"
