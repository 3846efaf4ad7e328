// The compiler: designs become torch modules whose parameters, names and shapes match the
// design analysis and hand-computed values.
// moc needs only the test class: skipping torch and the engine headers saves it seconds a file.
#ifndef Q_MOC_RUN
#include <torch/torch.h>
#endif

#include <QtTest>

#ifndef Q_MOC_RUN
#include "compile/GraphModule.h"
#include "design/CheckpointLayout.h"
#include "design/Templates.h"
#include "train/TorchState.h"
#include "support/TestData.h"
#endif

using namespace strata;

namespace {

Design templateDesign(const std::string& name) {
    return loadDesign(test::templateFile(QString::fromStdString(name)).toStdString());
}

int64_t countParameters(const torch::nn::Module& m) {
    int64_t n = 0;
    for (const auto& p : m.parameters()) n += p.numel();
    return n;
}

Design chain(const std::string& nodesJson) {
    return parseDesign(R"({"format": "strata.design/1", "name": "t", "nodes": [
      {"id": "in", "type": "Input", "params": {"channels": 3, "height": 8, "width": 8}}, )" +
                       nodesJson + R"(, {"id": "out", "type": "Output"}]})");
}

// The torch-free checkpoint layout must list exactly the module's parameters and buffers, in
// order, with their shapes and types: the run reader trusts it in place of building the module.
void compareLayoutWithModule(const GraphModule& m, const std::string& what) {
    const std::vector<NamedArray> state = moduleState(*m);
    const std::vector<ExpectedArray> layout = checkpointLayout(m->analysis());
    QVERIFY2(layout.size() == state.size(), (what + ": " + std::to_string(layout.size()) + " expected arrays, module has " +
                                              std::to_string(state.size())).c_str());
    for (size_t i = 0; i < layout.size(); ++i) {
        const std::string where = what + ": " + layout[i].name;
        QVERIFY2(findArray(state, layout[i].name), where.c_str());
        const NamedArray& a = *findArray(state, layout[i].name);
        QVERIFY2(a.shape == layout[i].shape, where.c_str());
        QVERIFY2((a.type == NamedArray::Type::Int64) == layout[i].integer, where.c_str());
    }
}

}  // namespace

class GraphModuleTest : public QObject {
    Q_OBJECT
private slots:
    void referenceCnnMatchesHandCount() {
        GraphModule m(templateDesign("reference-cnn"), 10);
        // conv1 32*1*9+32, conv2 64*32*9+64, fc1 3136*128+128, fc2 128*10+10
        QCOMPARE(countParameters(*m), int64_t(320 + 18496 + 401536 + 1290));
        QCOMPARE(countParameters(*m), int64_t(421642));
        auto named = m->named_parameters();
        QVERIFY(named.contains("conv1.weight"));
        QCOMPARE(named["conv1.weight"].sizes(), torch::IntArrayRef({32, 1, 3, 3}));
        QVERIFY(named.contains("fc2.bias"));
    }

    void photoTemplatesMatchHandCount() {
        // photo-cnn, 3x96x96: conv1 16*3*9+16 = 448 (-> 16x94x94, pool 4 -> 23x23),
        // conv2 32*16*9+32 = 4640 (-> 32x21x21, pool 4 -> 5x5), fc 32*5*5*10+10 = 8010.
        QCOMPARE(countParameters(*GraphModule(templateDesign("photo-cnn"), 10)), int64_t(448 + 4640 + 8010));
        // photo-resnet, 3x96x96: stem_conv 32*3*9+32 = 896, BatchNorm2d 2*C each;
        // stage 1 (32 wide): 2 x (32*32*9+32) = 2 x 9248; transition 64*32*9+64 = 18496;
        // stage 2 (64 wide): 2 x (64*64*9+64) = 2 x 36928; fc 64*10+10 = 650.
        // BatchNorm2d: stem, 2 in stage 1 (3 x 64), transition, 2 in stage 2 (3 x 128).
        QCOMPARE(countParameters(*GraphModule(templateDesign("photo-resnet"), 10)),
                 int64_t(896 + 2 * 9248 + 18496 + 2 * 36928 + 650 + 3 * 64 + 3 * 128));
        QCOMPARE(countParameters(*GraphModule(templateDesign("photo-resnet"), 10)), int64_t(112970));
    }

    void everyTemplateRunsWithAnalyzedShapes() {
        for (const std::string name :
             {"mlp", "lenet", "reference-cnn", "resnet-mini", "photo-cnn", "photo-resnet", "vit-tiny"}) {
            GraphModule m(templateDesign(name), 7);
            QCOMPARE(countParameters(*m), m->analysis().totalParameters);
            compareLayoutWithModule(m, name);
            std::map<std::string, torch::Tensor> outputs;
            std::vector<int64_t> input{2};  // the Input's [C, H, W]: 1x28x28 gray or 3x96x96 RGB
            input.insert(input.end(), m->layers().front().output.begin(), m->layers().front().output.end());
            torch::Tensor y = m->forward(torch::randn(input), outputs);
            QCOMPARE(y.sizes(), torch::IntArrayRef({2, 7}));
            for (const CompiledLayer& layer : m->layers()) {
                std::vector<int64_t> expected{2};
                expected.insert(expected.end(), layer.output.begin(), layer.output.end());
                QVERIFY2(outputs.at(layer.id).sizes() == torch::IntArrayRef(expected), (name + ":" + layer.id).c_str());
            }
        }
    }

    void layersAreTopologicalWithDepth() {
        GraphModule m(templateDesign("resnet-mini"), 10);
        const auto& layers = m->layers();
        QCOMPARE(layers.front().type, std::string("Input"));
        QCOMPARE(layers.front().depth, 0);
        QCOMPARE(layers.back().type, std::string("Output"));
        for (size_t i = 1; i < layers.size(); ++i) QVERIFY(layers[i].depth >= 1);
    }

    void parameterCountsPerLayerType_data() {
        QTest::addColumn<QString>("nodes");
        QTest::addColumn<qint64>("expected");
        // Input 3x8x8 throughout; each row lists the layers between Input and Output.
        QTest::newRow("conv no bias") << R"({"id": "c", "type": "Conv2d", "params": {"out_channels": 4, "kernel_size": 3, "bias": false}},
            {"id": "f", "type": "Flatten"}, {"id": "l", "type": "Linear", "params": {"out_features": "classes"}})"
                                      << qint64(4 * 3 * 9 + (4 * 6 * 6) * 10 + 10);
        QTest::newRow("batchnorm2d") << R"({"id": "b", "type": "BatchNorm2d"}, {"id": "p", "type": "AdaptiveAvgPool2d"},
            {"id": "f", "type": "Flatten"}, {"id": "l", "type": "Linear", "params": {"out_features": 10, "bias": false}})"
                                     << qint64(2 * 3 + 3 * 10);
        QTest::newRow("layernorm+bn1d") << R"({"id": "f", "type": "Flatten"}, {"id": "n", "type": "LayerNorm"},
            {"id": "b", "type": "BatchNorm1d"}, {"id": "l", "type": "Linear", "params": {"out_features": 10}})"
                                        << qint64(2 * 192 + 2 * 192 + 192 * 10 + 10);
        QTest::newRow("pools+activations") << R"({"id": "m", "type": "MaxPool2d", "params": {"kernel_size": 2}},
            {"id": "a", "type": "AvgPool2d", "params": {"kernel_size": 2, "stride": 1}}, {"id": "g", "type": "GELU"},
            {"id": "s", "type": "Sigmoid"}, {"id": "t", "type": "Tanh"}, {"id": "lr", "type": "LeakyReLU"},
            {"id": "d", "type": "Dropout2d"}, {"id": "f", "type": "Flatten"}, {"id": "d1", "type": "Dropout"},
            {"id": "l", "type": "Linear", "params": {"out_features": 10}})"
                                           << qint64(3 * 3 * 3 * 10 + 10);
    }

    void parameterCountsPerLayerType() {
        QFETCH(QString, nodes);
        QFETCH(qint64, expected);
        GraphModule m(chain(nodes.toStdString()), 10);
        QCOMPARE(countParameters(*m), int64_t(expected));
        QCOMPARE(m->analysis().totalParameters, int64_t(expected));
        compareLayoutWithModule(m, QTest::currentDataTag());
        QCOMPARE(m->forward(torch::randn({4, 3, 8, 8})).sizes(), torch::IntArrayRef({4, 10}));
    }

    void concatJoinsChannels() {
        Design d = parseDesign(R"({"format": "strata.design/1", "name": "cat", "nodes": [
          {"id": "in", "type": "Input", "params": {"channels": 1, "height": 4, "width": 4}},
          {"id": "a", "type": "Conv2d", "params": {"out_channels": 2, "kernel_size": 1}},
          {"id": "b", "type": "Conv2d", "params": {"out_channels": 3, "kernel_size": 1}},
          {"id": "cat", "type": "Concat"}, {"id": "f", "type": "Flatten"},
          {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}}, {"id": "out", "type": "Output"}],
          "edges": [{"from": "in", "to": "a"}, {"from": "in", "to": "b"}, {"from": "a", "to": "cat", "port": 0},
                    {"from": "b", "to": "cat", "port": 1}, {"from": "cat", "to": "f"}, {"from": "f", "to": "fc"},
                    {"from": "fc", "to": "out"}]})");
        GraphModule m(d, 4);
        std::map<std::string, torch::Tensor> out;
        m->forward(torch::randn({1, 1, 4, 4}), out, {"cat"});
        QCOMPARE(out.size(), size_t(1));
        QCOMPARE(out.at("cat").sizes(), torch::IntArrayRef({1, 5, 4, 4}));
    }

    // The training's forward runs a ReLU that only feeds a MaxPool2d after the pool; values and
    // every gradient equal the node-by-node order exactly (the forward that keeps outputs runs
    // each node as designed). A ReLU read by anything else stays where it is.
    void reluBeforePoolRunsAfterItExactly() {
        const Design d = chain(R"({"id": "c1", "type": "Conv2d", "params": {"out_channels": 6, "kernel_size": 3}},
          {"id": "r1", "type": "ReLU"}, {"id": "p1", "type": "MaxPool2d", "params": {"kernel_size": 3, "stride": 2, "padding": 1}},
          {"id": "c2", "type": "Conv2d", "params": {"out_channels": 4, "kernel_size": 1}},
          {"id": "r2", "type": "ReLU"}, {"id": "p2", "type": "MaxPool2d", "params": {"kernel_size": 2}},
          {"id": "f", "type": "Flatten"}, {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}})");
        torch::manual_seed(5);
        GraphModule m(d, 3);
        QCOMPARE(m->layers()[2].runsAfter, std::string("p1"));
        QCOMPARE(m->layers()[5].runsAfter, std::string("p2"));
        // Many exact zeros and ties after the ReLU: the cases where the order could matter.
        const torch::Tensor x = torch::randn({4, 3, 8, 8}).clamp_min(-0.2).round();
        auto gradients = [&](bool keepOutputs) {
            m->zero_grad();
            std::map<std::string, torch::Tensor> kept;
            const torch::Tensor y = keepOutputs ? m->forward(x, kept) : m->forward(x);
            (y * torch::arange(y.numel()).view(y.sizes())).sum().backward();
            std::vector<torch::Tensor> g{y.detach().clone()};
            for (const auto& p : m->parameters()) g.push_back(p.grad().clone());
            return g;
        };
        const auto designed = gradients(true), deferred = gradients(false);
        for (size_t i = 0; i < designed.size(); ++i) QVERIFY2(torch::equal(designed[i], deferred[i]), std::to_string(i).c_str());

        const Design shared = parseDesign(R"({"format": "strata.design/1", "name": "s", "nodes": [
          {"id": "in", "type": "Input", "params": {"channels": 1, "height": 4, "width": 4}},
          {"id": "r", "type": "ReLU"}, {"id": "p", "type": "MaxPool2d", "params": {"kernel_size": 2}},
          {"id": "q", "type": "AvgPool2d", "params": {"kernel_size": 2}}, {"id": "a", "type": "Add"},
          {"id": "f", "type": "Flatten"}, {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}},
          {"id": "out", "type": "Output"}],
          "edges": [{"from": "in", "to": "r"}, {"from": "r", "to": "p"}, {"from": "r", "to": "q"},
                    {"from": "p", "to": "a", "port": 0}, {"from": "q", "to": "a", "port": 1}, {"from": "a", "to": "f"},
                    {"from": "f", "to": "fc"}, {"from": "fc", "to": "out"}]})");
        GraphModule s(shared, 2);
        for (const CompiledLayer& layer : s->layers()) QVERIFY2(layer.runsAfter.empty(), layer.id.c_str());
    }

    // Channels-last weights change the memory order only: the same values, names and
    // checkpoint arrays, and outputs and gradients within float rounding of the NCHW module.
    void channelsLastKeepsValuesAndGradients() {
        torch::manual_seed(9);
        GraphModule plain(templateDesign("photo-resnet"), 4);
        torch::manual_seed(9);
        GraphModule last(templateDesign("photo-resnet"), 4);
        last->useChannelsLast();
        const auto a = plain->named_parameters(), b = last->named_parameters();
        for (const auto& p : a) {
            const torch::Tensor& q = b[p.key()];
            QVERIFY2(torch::equal(p.value(), q), p.key().c_str());
            if (q.dim() == 4) QVERIFY2(q.is_contiguous(at::MemoryFormat::ChannelsLast), p.key().c_str());
            QVERIFY2(tensorToArray(p.key(), p.value()).f32 == tensorToArray(p.key(), q).f32, p.key().c_str());
        }
        const torch::Tensor x = torch::randn({2, 3, 96, 96});
        const torch::Tensor ya = plain->forward(x), yb = last->forward(x.contiguous(at::MemoryFormat::ChannelsLast));
        QVERIFY(torch::allclose(ya, yb, 1e-4, 1e-5));
        ya.sum().backward();
        yb.sum().backward();
        for (const auto& p : a)
            QVERIFY2(torch::allclose(p.value().grad(), b[p.key()].grad(), 1e-3, 1e-5), p.key().c_str());
    }

    void invalidDesignThrowsNamingNode() {
        try {
            GraphModule m(chain(R"({"id": "fc", "type": "Linear", "params": {"out_features": 10}})"), 10);
            QFAIL("expected DesignError");
        } catch (const DesignError& e) {
            QVERIFY2(std::string(e.what()).find("node \"fc\"") != std::string::npos, e.what());
        }
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(GraphModuleTest)
#include "test_graph_module.moc"
