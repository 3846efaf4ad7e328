// End to end: `strata export RUN.h5 --onnx OUT.onnx` on trained runs, checked by independent
// runtimes against `strata predict` (OpenCV's dnn module for the convolutional designs, ONNX
// Runtime for all), and by the Python onnx checker. The designs together use every layer type
// of docs/ARCHITECTURE.md §5 (zooDesign, and tokenZooDesign for the transformer layers, which
// OpenCV 4.6 cannot run).
#include <QTemporaryDir>
#include <QtTest>

#include "design/LayerRegistry.h"
#include "runs/RunFile.h"
#include "support/OnnxCheck.h"
#include "support/TestData.h"

using namespace strata::test;

namespace {

// Every layer type in one small RGB design, with the settings that differ between runtimes:
// stride and no bias, pooling with padding (AvgPool counts the padding), a three-input Add,
// Concat, LayerNorm on images and on features (with and without affine), adaptive pooling to
// a size that does not divide the input (uneven windows), BatchNorm1d, both dropouts.
QByteArray zooDesign() {
    return R"({"format": "strata.design/1", "name": "zoo", "nodes": [
  {"id": "in", "type": "Input", "params": {"channels": 3, "height": 12, "width": 12}},
  {"id": "c1", "type": "Conv2d", "params": {"out_channels": 6, "kernel_size": 3, "stride": 2, "padding": 1, "bias": false}},
  {"id": "bn", "type": "BatchNorm2d", "params": {"eps": 0.001, "momentum": 0.3}},
  {"id": "lrelu", "type": "LeakyReLU", "params": {"negative_slope": 0.1}},
  {"id": "gelu", "type": "GELU"},
  {"id": "d2", "type": "Dropout2d", "params": {"p": 0.2}},
  {"id": "mp", "type": "MaxPool2d", "params": {"kernel_size": 3, "stride": 1, "padding": 1}},
  {"id": "ap", "type": "AvgPool2d", "params": {"kernel_size": 3, "stride": 1, "padding": 1}},
  {"id": "cat", "type": "Concat"},
  {"id": "c2", "type": "Conv2d", "params": {"out_channels": 6, "kernel_size": 1}},
  {"id": "sig", "type": "Sigmoid"},
  {"id": "th", "type": "Tanh"},
  {"id": "add", "type": "Add"},
  {"id": "ln", "type": "LayerNorm"},
  {"id": "adapt", "type": "AdaptiveAvgPool2d", "params": {"output_size": 4}},
  {"id": "flat", "type": "Flatten"},
  {"id": "fc1", "type": "Linear", "params": {"out_features": 16}},
  {"id": "bn1", "type": "BatchNorm1d"},
  {"id": "relu", "type": "ReLU"},
  {"id": "lnf", "type": "LayerNorm", "params": {"elementwise_affine": false}},
  {"id": "drop", "type": "Dropout", "params": {"p": 0.1}},
  {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}},
  {"id": "out", "type": "Output"}],
 "edges": [
  {"from": "in", "to": "c1"}, {"from": "c1", "to": "bn"}, {"from": "bn", "to": "lrelu"},
  {"from": "lrelu", "to": "gelu"}, {"from": "gelu", "to": "d2"},
  {"from": "d2", "to": "mp"}, {"from": "d2", "to": "ap"},
  {"from": "mp", "to": "cat", "port": 0}, {"from": "ap", "to": "cat", "port": 1},
  {"from": "cat", "to": "c2"}, {"from": "d2", "to": "sig"}, {"from": "d2", "to": "th"},
  {"from": "c2", "to": "add", "port": 0}, {"from": "sig", "to": "add", "port": 1}, {"from": "th", "to": "add", "port": 2},
  {"from": "add", "to": "ln"}, {"from": "ln", "to": "adapt"}, {"from": "adapt", "to": "flat"},
  {"from": "flat", "to": "fc1"}, {"from": "fc1", "to": "bn1"}, {"from": "bn1", "to": "relu"},
  {"from": "relu", "to": "lnf"}, {"from": "lnf", "to": "drop"}, {"from": "drop", "to": "fc"},
  {"from": "fc", "to": "out"}]})";
}

// Every transformer layer in one small gray design, pre-norm blocks as in vit-tiny: patches, class
// token, positions, LayerNorm "last", attention (2 heads; 1 head without bias), an MLP on
// tokens (Linear, GELU, Dropout), residual Adds, both TokenPool modes joined by a Concat.
QByteArray tokenZooDesign() {
    return R"({"format": "strata.design/1", "name": "token-zoo", "nodes": [
  {"id": "in", "type": "Input", "params": {"channels": 1, "height": 16, "width": 16}},
  {"id": "patch", "type": "PatchEmbed", "params": {"patch_size": 4, "embed_dim": 8}},
  {"id": "cls", "type": "ClassToken"},
  {"id": "pos", "type": "PositionEmbedding"},
  {"id": "ln1", "type": "LayerNorm", "params": {"normalized_shape": "last"}},
  {"id": "attn", "type": "MultiheadAttention", "params": {"num_heads": 2}},
  {"id": "res1", "type": "Add"},
  {"id": "ln2", "type": "LayerNorm", "params": {"normalized_shape": "last", "elementwise_affine": false}},
  {"id": "up", "type": "Linear", "params": {"out_features": 16}},
  {"id": "gelu", "type": "GELU"},
  {"id": "drop", "type": "Dropout", "params": {"p": 0.1}},
  {"id": "down", "type": "Linear", "params": {"out_features": 8}},
  {"id": "res2", "type": "Add"},
  {"id": "attn2", "type": "MultiheadAttention", "params": {"num_heads": 1, "bias": false}},
  {"id": "first", "type": "TokenPool", "params": {"mode": "cls"}},
  {"id": "mean", "type": "TokenPool", "params": {"mode": "mean"}},
  {"id": "cat", "type": "Concat"},
  {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}},
  {"id": "out", "type": "Output"}],
 "edges": [
  {"from": "in", "to": "patch"}, {"from": "patch", "to": "cls"}, {"from": "cls", "to": "pos"},
  {"from": "pos", "to": "ln1"}, {"from": "ln1", "to": "attn"},
  {"from": "pos", "to": "res1", "port": 0}, {"from": "attn", "to": "res1", "port": 1},
  {"from": "res1", "to": "ln2"}, {"from": "ln2", "to": "up"}, {"from": "up", "to": "gelu"},
  {"from": "gelu", "to": "drop"}, {"from": "drop", "to": "down"},
  {"from": "res1", "to": "res2", "port": 0}, {"from": "down", "to": "res2", "port": 1},
  {"from": "res2", "to": "attn2"}, {"from": "attn2", "to": "first"}, {"from": "attn2", "to": "mean"},
  {"from": "first", "to": "cat", "port": 0}, {"from": "mean", "to": "cat", "port": 1},
  {"from": "cat", "to": "fc"}, {"from": "fc", "to": "out"}]})";
}

QSet<QString> layerTypesOf(const QByteArray& design) {
    QSet<QString> used;
    for (const auto& n : QJsonDocument::fromJson(design).object()["nodes"].toArray())
        used << n.toObject()["type"].toString();
    return used;
}

}  // namespace

class OnnxExportTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QStringList exported_;  // every .onnx written, for the Python checker

    QString path(const QString& name) const { return tmp_.filePath(name); }

    // Trains `design` on `data`, exports the run and compares ONNX with strata predict: by
    // OpenCV unless `tokens` (then ONNX Runtime only), and by ONNX Runtime whenever installed.
    // One epoch at a high learning rate: enough for confident, non-uniform probabilities.
    void trainExportCompare(const QString& name, const QByteArray& design, const QString& data, bool tokens = false) {
        const QString designFile = writeText(path(name + ".strata.json"), design);
        const QString run = path(name + ".h5"), onnx = path(name + ".onnx");
        StrataRun r = runStrataCommand({"train", designFile, "--data", data, "--epochs", "1", "--lr", "0.01",
                                        "--batch-size", "16", "--threads", "2", "--run", run});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = runStrataCommand({"export", run, "--onnx", onnx});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("opset 13"), qPrintable(r.out));
        QVERIFY(QFileInfo(onnx).size() > 0);
        QVERIFY(QDir(tmp_.path()).entryList({"*.tmp-*"}).isEmpty());  // the atomic write left no temp
        exported_ << onnx;

        if (!tokens) {
            const QString failure = onnxAgreesWithPredict(name, onnx, run, someImages(data, 3), 9);
            QVERIFY2(failure.isEmpty(), qPrintable(failure));
        }
        if (const QString missing = ortMissingReason(); !missing.isEmpty()) {
            if (tokens) QSKIP(qPrintable(missing));
            qInfo("%s", qPrintable(missing));
            return;
        }
        const QString failure = onnxAgreesWithPredict(name, onnx, run, someImages(data, 3), 9, OnnxRuntime::Ort);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        makeImageFolder(path("gray"), {"diag", "horizontal", "vertical"}, 12, 16, 3);
        // Larger than the zoo's 12 x 12 Input, so the bilinear resize is part of the check.
        makeImageFolder(path("rgb"), {"diag", "horizontal", "vertical"}, 12, 14, 4, /*rgb=*/true);
    }

    void everyLayerTypeHasAnOnnxMapping() {
        for (const strata::LayerSpec* spec : strata::LayerRegistry::instance().all())
            QVERIFY2(strata::onnxSupportsLayer(spec->type), spec->type.c_str());
        QVERIFY(!strata::onnxSupportsLayer("Softmax2d"));
    }

    void tinyCnnMatchesPredict() { trainExportCompare("tiny-cnn", tinyCnnDesign(16), path("gray")); }

    void residualWithBatchNormMatchesPredict() {
        trainExportCompare("tiny-residual", tinyResidualDesign(16), path("gray"));
    }

    void everyLayerTypeMatchesPredict() {
        // Covers the registry: a layer type added later must join one of the two designs (or get
        // its own test).
        const QSet<QString> used = layerTypesOf(zooDesign()) + layerTypesOf(tokenZooDesign());
        for (const strata::LayerSpec* spec : strata::LayerRegistry::instance().all())
            QVERIFY2(used.contains(QString::fromStdString(spec->type)), spec->type.c_str());
        trainExportCompare("zoo", zooDesign(), path("rgb"));
    }

    void everyTokenLayerTypeMatchesPredict() { trainExportCompare("token-zoo", tokenZooDesign(), path("gray"), true); }

    void metadataRecordsClassesAndPreprocessing() {
        QVERIFY(QFileInfo::exists(path("zoo.onnx")));
        const auto meta = strata::readOnnxMetadata(path("zoo.onnx").toStdString());
        QCOMPARE(jsonStrings(meta.at("classes")), (QStringList{"diag", "horizontal", "vertical"}));
        const strata::RunData run = strata::readRunSummary(path("zoo.h5").toStdString());
        QCOMPARE(nlohmann::json::parse(meta.at("mean")), run.config.at("mean"));
        QCOMPARE(nlohmann::json::parse(meta.at("std")), run.config.at("std"));
        QCOMPARE(meta.at("channels"), std::string("rgb"));
        QCOMPARE(meta.at("height"), std::string("12"));
        QCOMPARE(meta.at("input"), std::string(strata::kOnnxInputMeaning));
    }

    void pythonOnnxCheckerAcceptsTheExports() {
        QVERIFY(!exported_.isEmpty());
        if (!pythonHasOnnx()) QSKIP("/usr/bin/python3 cannot import onnx (python3-onnx not installed)");
        const QString failure = pythonCheckOnnx(exported_);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
    }

    void badInputExitsTwo() {
        // Missing run file.
        StrataRun r = runStrataCommand({"export", path("missing.h5"), "--onnx", path("x.onnx")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.startsWith("error: ") && r.err.contains("missing.h5"), qPrintable(r.err));
        QCOMPARE(r.err.count('\n'), 1);
        // Output in a folder that does not exist.
        r = runStrataCommand({"export", path("tiny-cnn.h5"), "--onnx", path("no/such/dir/x.onnx")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("does not exist"), qPrintable(r.err));
        // No --onnx.
        r = runStrataCommand({"export", path("tiny-cnn.h5")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--onnx"), qPrintable(r.err));
        // A run whose design holds a layer type no one knows: the error names the node.
        strata::RunData run = strata::readRunFile(path("tiny-cnn.h5").toStdString());
        auto design = nlohmann::json::parse(run.designJson);
        for (auto& node : design["nodes"])
            if (node["id"] == "relu1") node["type"] = "Swish";
        run.designJson = design.dump();
        strata::writeRunFile(path("odd.h5").toStdString(), run);
        r = runStrataCommand({"export", path("odd.h5"), "--onnx", path("odd.onnx")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("\"relu1\"") && r.err.contains("Swish"), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(path("odd.onnx")));
        // A checkpoint that lacks a weight.
        run = strata::readRunFile(path("tiny-cnn.h5").toStdString());
        run.checkpoint.erase(std::remove_if(run.checkpoint.begin(), run.checkpoint.end(),
                                            [](const strata::NamedArray& a) { return a.name == "fc.weight"; }),
                             run.checkpoint.end());
        strata::writeRunFile(path("noweight.h5").toStdString(), run);
        r = runStrataCommand({"export", path("noweight.h5"), "--onnx", path("noweight.onnx")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("fc.weight"), qPrintable(r.err));
        // Help.
        r = runStrataCommand({"export", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("--onnx") && r.out.contains("probabilities"));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(OnnxExportTest)
#include "test_onnx_export.moc"
