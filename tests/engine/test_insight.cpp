// The feature-hierarchy computations on small known inputs: a hand-set vertical-edge filter,
// linear probes on separable and random data, Grad-CAM on a hand-made object, layer roles,
// receptive fields, the silhouette, the gradient-norm history and the /features round trip.
// moc needs only the test class: skipping torch and the engine headers saves it seconds a file.
#ifndef Q_MOC_RUN
#include <torch/torch.h>
#endif

#include <QDir>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#ifndef Q_MOC_RUN
#include "compile/GraphModule.h"
#include "design/DesignTransforms.h"
#include "insight/Activations.h"
#include "insight/GradientNorms.h"
#include "insight/Insight.h"
#include "insight/LayerRoles.h"
#include "insight/LinearProbe.h"
#include "insight/Patches.h"
#include "insight/Preflight.h"
#include "insight/Projection.h"
#include "insight/ReceptiveField.h"
#include "insight/Saliency.h"
#include "insight/SnapshotCompute.h"
#include "runs/RunFile.h"
#include "support/TestData.h"
#endif

using namespace strata;

namespace {

// Input 1x8x8 -> Conv2d(1, k3, no padding) -> Flatten -> Linear(2) -> Output.
Design edgeDesign() {
    return parseDesign(R"({"format": "strata.design/1", "name": "edge", "nodes": [
      {"id": "in", "type": "Input", "params": {"channels": 1, "height": 8, "width": 8}},
      {"id": "edge", "type": "Conv2d", "params": {"out_channels": 1, "kernel_size": 3}},
      {"id": "flat", "type": "Flatten"},
      {"id": "fc", "type": "Linear", "params": {"out_features": 2}},
      {"id": "out", "type": "Output"}]})");
}

// Dark left half, bright right half (columns 4..7): one vertical edge between columns 3 and 4.
torch::Tensor verticalEdgeImage() {
    torch::Tensor x = torch::zeros({1, 8, 8});
    x.narrow(2, 4, 4).fill_(1.0f);
    return x;
}

Picture mapOf(const LayerActivations& a, size_t i) { return a.maps.at(i); }

// The stabilizer experiment's 20-block stack of width 16 (DesignTransforms), on 16x16 inputs
// to keep the test quick; the pre-flight runs on its seeded random batch.
PreflightReport stackPreflight(const std::string& activation, bool batchNorm, bool residual) {
    DeepStackSpec spec;
    spec.height = spec.width = 16;
    spec.activation = activation;
    spec.batchNorm = batchNorm;
    spec.residual = residual;
    return preflight(deepStack(spec), PreflightInputs{});
}

QString preflightSummary(const PreflightReport& r) {
    QString s = QString("ratio %1 (%2 / %3)").arg(r.gradientRatio).arg(QString::fromStdString(r.inputMost),
                                                                        QString::fromStdString(r.headMost));
    for (const PreflightFinding& f : r.findings) s += "; " + QString::fromStdString(f.text);
    return s;
}

// Black 16x16 images with one white pixel: normalized by the folder's statistics, every other
// pixel is negative, so a ReLU on the input is almost entirely zero.
void writeSparseFolder(const QString& dir) {
    for (const char* cls : {"a", "b"}) {
        QDir().mkpath(dir + "/" + cls);
        for (int i = 0; i < 4; ++i) {
            QImage img(16, 16, QImage::Format_Grayscale8);
            img.fill(0);
            img.setPixel(i, cls[0] == 'a' ? 3 : 12, qRgb(255, 255, 255));
            QVERIFY(img.save(QString("%1/%2/%3.png").arg(dir, cls).arg(i)));
        }
    }
}

}  // namespace

class InsightTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { at::set_num_threads(1); }  // tiny tensors: threads only add overhead

    void verticalEdgeFilterGivesExpectedMapAndPatch() {
        torch::NoGradGuard noGrad;
        GraphModule model(edgeDesign(), 2);
        auto params = model->named_parameters();
        // [-1 0 1] in every row: responds to dark-to-bright steps from left to right.
        params["edge.weight"].copy_(torch::tensor({-1.0f, 0.0f, 1.0f}).repeat({3, 1}).view({1, 1, 3, 3}));
        params["edge.bias"].zero_();

        std::map<std::string, torch::Tensor> outputs;
        model->forward(verticalEdgeImage().unsqueeze(0), outputs, {"edge"});
        const torch::Tensor map = outputs.at("edge")[0];  // [1, 6, 6]
        // Output column j sees input columns j..j+2: it straddles the edge for j = 2 and 3.
        torch::Tensor expected = torch::zeros({1, 6, 6});
        expected.narrow(2, 2, 2).fill_(3.0f);
        QVERIFY(torch::allclose(map, expected));

        LayerDepth layer{"edge", "Conv2d", 1, "early", true};
        const LayerActivations act = layerActivations(map, layer, 4);
        QCOMPARE(act.channels, std::vector<int>({0}));
        const Picture p = mapOf(act, 0);
        QCOMPARE(p.width, 6);
        for (int y = 0; y < 6; ++y)
            for (int x = 0; x < 6; ++x) QCOMPARE(int(p.pixels[size_t(y * 6 + x)]), (x == 2 || x == 3) ? 255 : 0);

        // The sample: uniform, horizontal edge, vertical edge, reversed vertical edge.
        SampleSet sample;
        torch::Tensor images = torch::zeros({4, 1, 8, 8});
        images[0].fill_(0.5f);
        images[1].narrow(1, 4, 4).fill_(1.0f);
        images[2].copy_(verticalEdgeImage());
        images[3].copy_(1.0f - verticalEdgeImage());
        sample.images = images;
        sample.pixels = images.mul(255).round().to(torch::kUInt8);
        sample.labels = torch::zeros({4}, torch::kInt64);
        sample.paths = {"uniform", "horizontal", "vertical", "reversed"};

        const auto fields = receptiveFields(model->analysis());
        PatchCollector collector(act, fields.at("edge"), 2);
        outputs.clear();
        model->forward(images, outputs, {"edge"});
        collector.add(outputs.at("edge").narrow(0, 0, 2), 0);  // fed in two batches
        collector.add(outputs.at("edge").narrow(0, 2, 2), 2);
        const LayerPatches patches = collector.finish(sample);
        QCOMPARE(patches.crops.size(), size_t(1));
        QCOMPARE(patches.crops[0].size(), size_t(2));
        QCOMPARE(patches.activations[0][0], 3.0f);
        const Picture crop = patches.crops[0][0];
        QCOMPARE(crop.width, 3);
        QCOMPARE(crop.height, 3);
        // The 3x3 receptive field of the strongest position (row 0, column 2): input columns
        // 2..4, dark, dark, bright: the vertical edge itself.
        for (int y = 0; y < 3; ++y) {
            QCOMPARE(int(crop.pixels[size_t(y * 3 + 0)]), 0);
            QCOMPARE(int(crop.pixels[size_t(y * 3 + 1)]), 0);
            QCOMPARE(int(crop.pixels[size_t(y * 3 + 2)]), 255);
        }
        QVERIFY(patches.activations[0][1] < 3.0f);  // no other image has that edge
    }

    void probeSeparatesSeparableAndNotRandom() {
        torch::manual_seed(3);
        const int64_t n = 400, classes = 4;
        torch::Tensor labels = torch::arange(n, torch::kInt64).remainder(classes);
        // Class means far apart in 16-D, unit noise: linearly separable.
        torch::Tensor centres = torch::randn({classes, 16}) * 6;
        torch::Tensor separable = centres.index_select(0, labels) + torch::randn({n, 16});
        const double good = linearProbeAccuracy(separable, labels, int(classes));
        QVERIFY2(good > 0.97, std::to_string(good).c_str());

        torch::Tensor noise = torch::randn({n, 16});
        const double chance = linearProbeAccuracy(noise, labels, int(classes));
        QVERIFY2(chance < 0.45, std::to_string(chance).c_str());  // chance is 0.25
        QVERIFY2(chance > 0.05, std::to_string(chance).c_str());
    }

    void silhouetteSeesSeparation() {
        torch::manual_seed(4);
        torch::Tensor labels = torch::arange(200, torch::kInt64).remainder(2);
        torch::Tensor apart = labels.to(torch::kFloat32).unsqueeze(1) * 20 + torch::randn({200, 2});
        QVERIFY(silhouetteScore(apart, labels) > 0.8);
        torch::Tensor mixed = torch::randn({200, 2});
        QVERIFY(std::fabs(silhouetteScore(mixed, labels)) < 0.1);

        const FeatureProjection p = projectFeatures(torch::cat({apart, torch::randn({200, 5}) * 0.1}, 1), labels, "x");
        QCOMPARE(p.x.size(), size_t(200));
        QCOMPARE(p.labels.size(), size_t(200));
        QVERIFY(p.silhouette > 0.8);
        QVERIFY(p.silhouetteFull > 0.8);
    }

    void gradCamPeaksOnTheObject() {
        // 1x1 conv (identity) -> ReLU -> Flatten -> Linear(2): class 1 sums the right half.
        GraphModule model(parseDesign(R"({"format": "strata.design/1", "name": "cam", "nodes": [
          {"id": "in", "type": "Input", "params": {"channels": 1, "height": 8, "width": 8}},
          {"id": "conv", "type": "Conv2d", "params": {"out_channels": 1, "kernel_size": 1}},
          {"id": "relu", "type": "ReLU"},
          {"id": "flat", "type": "Flatten"},
          {"id": "fc", "type": "Linear", "params": {"out_features": 2}},
          {"id": "out", "type": "Output"}]})"), 2);
        {
            torch::NoGradGuard noGrad;
            auto p = model->named_parameters();
            p["conv.weight"].fill_(1.0f);
            p["conv.bias"].zero_();
            torch::Tensor w = torch::zeros({2, 8, 8});
            w[0].narrow(1, 0, 4).fill_(0.1f);
            w[1].narrow(1, 4, 4).fill_(0.1f);
            p["fc.weight"].copy_(w.view({2, 64}));
            p["fc.bias"].zero_();
        }
        // A bright 2x2 square at rows 5..6, columns 5..6 on a faint background.
        torch::Tensor image = torch::full({1, 1, 8, 8}, 0.05f);
        image[0][0].narrow(0, 5, 2).narrow(1, 5, 2).fill_(1.0f);
        Picture shown;
        shown.width = shown.height = 8;
        shown.pixels.assign(64, 0);
        const SaliencyView v = saliencyMap(*model, image, shown, {"left", "right"});
        QCOMPARE(QString::fromStdString(v.method), QString("grad-cam"));
        QCOMPARE(QString::fromStdString(v.layer), QString("relu"));
        QCOMPARE(QString::fromStdString(v.predicted), QString("right"));
        QCOMPARE(v.heat.width, 8);
        int best = 0;
        for (int i = 1; i < 64; ++i)
            if (v.heat.pixels[size_t(i)] > v.heat.pixels[size_t(best)]) best = i;
        QVERIFY(best / 8 >= 5 && best / 8 <= 6 && best % 8 >= 5 && best % 8 <= 6);
        QCOMPARE(int(v.heat.pixels[size_t(best)]), 255);
        QVERIFY(v.heat.pixels[0] < 40);  // far from the square
        QCOMPARE(v.overlay.channels, 3);
        for (const auto& p : model->parameters()) QVERIFY(!p.grad().defined());  // left untouched

        // No convolution: the input gradient, non-zero only where the predicted class looks.
        GraphModule dense(parseDesign(R"({"format": "strata.design/1", "name": "dense", "nodes": [
          {"id": "in", "type": "Input", "params": {"channels": 1, "height": 8, "width": 8}},
          {"id": "flat", "type": "Flatten"},
          {"id": "fc", "type": "Linear", "params": {"out_features": 2}},
          {"id": "out", "type": "Output"}]})"), 2);
        {
            torch::NoGradGuard noGrad;
            auto p = dense->named_parameters();
            torch::Tensor w = torch::zeros({2, 8, 8});
            w[0].narrow(1, 0, 4).fill_(0.1f);
            w[1].narrow(1, 4, 4).fill_(0.1f);
            p["fc.weight"].copy_(w.view({2, 64}));
            p["fc.bias"].zero_();
        }
        const SaliencyView g = saliencyMap(*dense, image, shown, {"left", "right"});
        QCOMPARE(QString::fromStdString(g.method), QString("input-gradient"));
        QCOMPARE(int(g.heat.pixels[0]), 0);     // left half
        QCOMPARE(int(g.heat.pixels[7]), 255);   // right half
    }

    void layerRolesOnReferenceCnn() {
        const DesignAnalysis a = analyzeDesign(loadDesign(test::templateFile("reference-cnn").toStdString()), 10);
        const std::vector<LayerDepth> layers = hierarchyLayers(a);
        QStringList ids;
        for (const LayerDepth& l : layers) ids << QString::fromStdString(l.id);
        // Input, Output, Flatten and the logits (fc2) have no place in the hierarchy.
        QCOMPARE(ids, QStringList({"conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "fc1", "relu3"}));
        QCOMPARE(QString::fromStdString(layerWithRole(layers, "early")->id), QString("pool1"));   // depth 3 of 10
        QCOMPARE(QString::fromStdString(layerWithRole(layers, "middle")->id), QString("relu2"));  // depth 5
        QCOMPARE(QString::fromStdString(layerWithRole(layers, "deep")->id), QString("fc1"));      // depth 8
        QVERIFY(layers[0].spatial);
        QVERIFY(!layerWithRole(layers, "deep")->spatial);
        QVERIFY(isPinnableLayer(a, "fc2"));
        QVERIFY(!isPinnableLayer(a, "in"));
        QVERIFY(!isPinnableLayer(a, "nope"));

        const auto fields = receptiveFields(a);
        QCOMPARE(fields.at("conv1").size, 3.0);
        QCOMPARE(fields.at("pool1").size, 4.0);
        QCOMPARE(fields.at("pool1").jump, 2.0);
        QCOMPARE(fields.at("pool1").start, 0.5);
        QCOMPARE(fields.at("pool2").size, 10.0);
        QCOMPARE(fields.at("pool2").jump, 4.0);
        QCOMPARE(fields.at("pool2").start, 1.5);
        QVERIFY(fields.at("fc1").global);
        const CropBox corner = cropBox(fields.at("pool2"), 0, 0, 28, 28);  // shifted inside the image
        QCOMPARE(corner.x, 0);
        QCOMPARE(corner.width, 10);
    }

    void layerRolesOnLongChain() {
        const DesignAnalysis a = analyzeDesign(test::longChainDesign(84), 10);
        const std::vector<LayerDepth> layers = hierarchyLayers(a);
        // 80 conv/ReLU layers at depths 1..80, Flatten 81, logits 82.
        QCOMPARE(layers.size(), size_t(80));
        const int d = 82;
        int last = 0;
        for (const char* role : {"early", "middle", "deep"}) {
            const LayerDepth* l = layerWithRole(layers, role);
            QVERIFY(l);
            const double target = (role == std::string("early") ? 0.25 : role == std::string("middle") ? 0.5 : 0.75) * d;
            QVERIFY2(std::fabs(l->depth - target) <= 1.0, role);
            QVERIFY(l->depth > last);
            last = l->depth;
        }
        // Three candidates take the three roles in order.
        const DesignAnalysis tiny = analyzeDesign(parseDesign(test::tinyCnnDesign().toStdString()), 3);
        const std::vector<LayerDepth> few = hierarchyLayers(tiny);
        QCOMPARE(int(few.size()), 3);  // conv1, relu1, pool1
        QCOMPARE(few[0].role, std::string("early"));
        QCOMPARE(few[1].role, std::string("middle"));
        QCOMPARE(few[2].role, std::string("deep"));
    }

    void gradientNormsStayBoundedAndFinite() {
        GraphModule model(parseDesign(test::tinyCnnDesign(8).toStdString()), 3);
        GradientNormsObserver norms;
        torch::Tensor x = torch::randn({4, 1, 8, 8});
        torch::Tensor y = torch::tensor({0, 1, 2, 0}, torch::kInt64);
        // More steps than columns: the history must have been compacted once (400 -> 200).
        const int64_t steps = 460;
        for (int64_t step = 1; step <= steps; ++step) {
            model->zero_grad();
            torch::nn::functional::cross_entropy(model->forward(x), y).backward();
            norms.afterBackward(*model, step);
        }
        const GradientHistory h = norms.history();
        QCOMPARE(h.layers, std::vector<std::string>({"conv1", "fc"}));  // one row per layer with parameters
        QVERIFY(h.steps.size() <= GradientNormsObserver::kMaxColumns);
        QCOMPARE(h.steps.size(), size_t(230));  // 200 pairs of single steps, then 30 columns of 2
        QCOMPARE(h.norms.size(), h.layers.size() * h.steps.size());
        for (float v : h.norms) QVERIFY(std::isfinite(v) && v > 0);
        for (size_t i = 2; i < h.steps.size(); ++i) QCOMPARE(h.steps[i] - h.steps[i - 1], h.steps[1] - h.steps[0]);
        QCOMPARE(h.steps.back(), steps);
    }

    // One step's value per layer is the norm of all its parameters' gradients together, as
    // torch computes it (the hook sums squares in plain C++; bench_studio_training shows why).
    void gradientNormsMatchTorchPerLayer() {
        at::set_num_threads(2);
        torch::manual_seed(4);
        GraphModule model(parseDesign(test::tinyCnnDesign(8).toStdString()), 3);
        GradientNormsObserver norms;
        model->zero_grad();
        torch::nn::functional::cross_entropy(model->forward(torch::randn({5, 1, 8, 8})),
                                             torch::tensor({0, 1, 2, 0, 1}, torch::kInt64))
            .backward();
        norms.afterBackward(*model, 1);
        QCOMPARE(at::get_num_threads(), 2);
        const GradientHistory h = norms.history();
        QCOMPARE(h.steps, std::vector<int64_t>({1}));
        for (size_t r = 0; r < h.layers.size(); ++r) {
            double squares = 0;
            for (const auto& item : model->named_parameters())
                if (item.key().rfind(h.layers[r] + ".", 0) == 0)
                    squares += item.value().grad().to(torch::kFloat64).square().sum().item<double>();
            QVERIFY(squares > 0);
            QVERIFY2(std::abs(h.norms[r] - std::sqrt(squares)) <= 1e-5 * std::sqrt(squares),
                     qPrintable(QString::fromStdString(h.layers[r])));
        }
    }

    // The verdicts the stabilizer experiment's training agrees with (README): the plain sigmoid
    // and ReLU stacks, which stay at chance, are flagged on their input-most weights; the
    // stacks with BatchNorm or residual connections, which train, are not.
    void preflightFlagsVanishingStacks() {
        at::set_num_threads(2);
        const PreflightReport sigmoid = stackPreflight("Sigmoid", false, false);
        QVERIFY2(sigmoid.findings.size() == 1, qPrintable(preflightSummary(sigmoid)));
        QCOMPARE(sigmoid.findings[0].node, std::string("stem"));
        QVERIFY2(sigmoid.findings[0].text.find("(vanishing); add BatchNorm") != std::string::npos,
                 qPrintable(preflightSummary(sigmoid)));
        QCOMPARE(sigmoid.inputMost, std::string("stem"));
        QCOMPARE(sigmoid.headMost, std::string("b20_conv"));  // the last weights before the head
        QVERIFY(sigmoid.gradientRatio < 1e-10);
        const PreflightReport relu = stackPreflight("ReLU", false, false);
        QVERIFY2(relu.findings.size() == 1 && relu.gradientRatio < 1.0 / kPreflightGradientFactor,
                 qPrintable(preflightSummary(relu)));
        // Residual connections alone do not rescue sigmoid (test accuracy 0.100 in the experiment).
        const PreflightReport sigmoidRes = stackPreflight("Sigmoid", false, true);
        QVERIFY2(sigmoidRes.findings.size() == 1, qPrintable(preflightSummary(sigmoidRes)));
        for (const auto& [activation, bn, res] : {std::tuple{"Sigmoid", true, false}, std::tuple{"ReLU", false, true},
                                                  std::tuple{"ReLU", true, false}, std::tuple{"ReLU", true, true}}) {
            const PreflightReport r = stackPreflight(activation, bn, res);
            QVERIFY2(r.findings.empty(), qPrintable(QString(activation) + ": " + preflightSummary(r)));
            QVERIFY(r.gradientRatio > 1.0 / kPreflightGradientFactor && r.gradientRatio < kPreflightGradientFactor);
        }
        // Measured per node with a module: ReLUs get a zero share, others NaN; weights only where there are some.
        for (const PreflightNode& n : relu.nodes) {
            QVERIFY(n.type == "ReLU" ? n.deadShare >= 0 && n.deadShare < kPreflightDeadReluShare : std::isnan(n.deadShare));
            QVERIFY(std::isfinite(n.outputStd) && std::isfinite(n.outputGradientNorm));
            QCOMPARE(std::isnan(n.weightGradientNorm), n.type != "Conv2d" && n.type != "Linear");
        }
    }

    // A ReLU on an input that is negative almost everywhere once normalized by the folder's
    // statistics (as training normalizes it): the dead-ReLU finding names it.
    void preflightFindsDeadRelus() {
        QTemporaryDir tmp;
        writeSparseFolder(tmp.filePath("sparse"));
        const Design design = parseDesign(R"({"format": "strata.design/1", "name": "dead", "nodes": [
          {"id": "in", "type": "Input", "params": {"channels": 1, "height": 16, "width": 16}},
          {"id": "relu1", "type": "ReLU"}, {"id": "flat", "type": "Flatten"},
          {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}}, {"id": "out", "type": "Output"}]})");
        PreflightInputs inputs;
        inputs.dataDir = tmp.filePath("sparse").toStdString();
        const PreflightReport r = preflight(design, inputs);
        QCOMPARE(r.images, 8);
        QVERIFY2(r.findings.size() == 1 && r.findings[0].node == "relu1", qPrintable(preflightSummary(r)));
        QCOMPARE(r.findings[0].text, std::string("node \"relu1\": 100 % of outputs are zero (dead ReLUs); use "
                                                  "LeakyReLU or add BatchNorm before it"));
        QVERIFY(r.nodes.at(0).deadShare >= 0.99);
        // The same design on standard-normal images: half the outputs are zero, no finding.
        const PreflightReport random = preflight(design, PreflightInputs{});
        QVERIFY2(random.findings.empty(), qPrintable(preflightSummary(random)));
        QVERIFY(std::abs(random.nodes.at(0).deadShare - 0.5) < 0.05);
        inputs.dataDir = tmp.filePath("missing").toStdString();
        QVERIFY_THROWS_EXCEPTION(DataError, preflight(design, inputs));
    }

    void snapshotRoundTripsThroughTheRunFile() {
        QTemporaryDir tmp;
        GraphModule model(parseDesign(test::tinyResidualDesign(8).toStdString()), 3);
        torch::manual_seed(1);
        SampleSet sample;
        sample.pixels = torch::randint(0, 256, {30, 1, 8, 8}, torch::kInt64).to(torch::kUInt8);
        sample.images = sample.pixels.to(torch::kFloat32).div(255);
        sample.labels = torch::arange(30, torch::kInt64).remainder(3);
        for (int i = 0; i < 30; ++i) sample.paths.push_back("img" + std::to_string(i) + ".png");
        SnapshotRequest req;
        req.classes = {"a", "b", "c"};
        req.sample = &sample;
        req.probe = sample.images.narrow(0, 0, 1);
        req.probePixels = sample.pixels[0];
        req.pinnedLayer = "fc";
        req.topChannels = 4;
        req.patchesPerChannel = 3;
        FeatureSnapshot s = computeSnapshotOn(*model, req, 2);
        s.gradients = {{"stem", "fc"}, {10, 20, 30}, {1, 2, 3, 4, 5, 6}};
        s.projection.hasInitialSilhouette = true;
        s.projection.initialSilhouette = -0.25;
        QVERIFY(model->is_training());  // the mode is restored
        QCOMPARE(QString::fromStdString(s.filtersLayer), QString("stem"));
        QCOMPARE(s.filters.width, 3 * 3 + 2);  // 8 kernels of 3x3 in a 3x3 grid
        QCOMPARE(int(s.activations.size()), 4);  // early, middle, deep + the pinned logits
        QCOMPARE(QString::fromStdString(s.activations.back().layer), QString("fc"));
        QCOMPARE(QString::fromStdString(s.pinnedLayer), QString("fc"));
        QCOMPARE(s.patches.size(), s.activations.size());
        QCOMPARE(s.patches[0].crops[0].size(), size_t(3));
        QCOMPARE(s.probe.size(), s.layers.size());
        QCOMPARE(s.projection.x.size(), size_t(30));
        int confusionTotal = 0;
        for (const auto& row : s.confusion.counts)
            for (int64_t v : row) confusionTotal += int(v);
        QCOMPARE(confusionTotal, 30);
        QCOMPARE(s.sampleImages, 30);

        RunData run;
        run.designJson = test::tinyResidualDesign(8).toStdString();
        storeSnapshot(s, run);
        const std::string path = tmp.filePath("r.h5").toStdString();
        writeRunFile(path, run);
        FeatureSnapshot back;
        QVERIFY(readSnapshot(readRunFile(path), back));
        QCOMPARE(back.epoch, 2);
        QCOMPARE(back.classes, s.classes);
        QCOMPARE(back.layers.size(), s.layers.size());
        for (size_t i = 0; i < s.layers.size(); ++i) {
            QCOMPARE(back.layers[i].id, s.layers[i].id);
            QCOMPARE(back.layers[i].role, s.layers[i].role);
            QCOMPARE(back.layers[i].spatial, s.layers[i].spatial);
        }
        QCOMPARE(back.filters.pixels, s.filters.pixels);
        QCOMPARE(back.probeImage.pixels, s.probeImage.pixels);
        QCOMPARE(back.pinnedLayer, s.pinnedLayer);
        QCOMPARE(back.activations.size(), s.activations.size());
        for (size_t i = 0; i < s.activations.size(); ++i) {
            QCOMPARE(back.activations[i].channels, s.activations[i].channels);
            QCOMPARE(back.activations[i].maps.size(), s.activations[i].maps.size());
            QCOMPARE(back.activations[i].maps[0].pixels, s.activations[i].maps[0].pixels);
            QCOMPARE(back.patches[i].crops.size(), s.patches[i].crops.size());
            QCOMPARE(back.patches[i].crops[0][1].pixels, s.patches[i].crops[0][1].pixels);
            QCOMPARE(back.patches[i].activations, s.patches[i].activations);
        }
        QCOMPARE(back.probe.size(), s.probe.size());
        QCOMPARE(back.probe[0].accuracy, s.probe[0].accuracy);
        QCOMPARE(back.projection.x, s.projection.x);
        QCOMPARE(back.projection.labels, s.projection.labels);
        QCOMPARE(back.projection.silhouette, s.projection.silhouette);
        QVERIFY(back.projection.hasInitialSilhouette);
        QCOMPARE(back.projection.initialSilhouette, -0.25);
        QCOMPARE(back.gradients.layers, s.gradients.layers);
        QCOMPARE(back.gradients.steps, s.gradients.steps);
        QCOMPARE(back.gradients.norms, s.gradients.norms);
        QCOMPARE(back.confusion.counts, s.confusion.counts);
        QCOMPARE(back.confusion.examplePaths, s.confusion.examplePaths);
        QCOMPARE(back.saliency.method, s.saliency.method);
        QCOMPARE(back.saliency.overlay.pixels, s.saliency.overlay.pixels);

        RunData none;
        QVERIFY(!readSnapshot(none, back));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(InsightTest)
#include "test_insight.moc"
