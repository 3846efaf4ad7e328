// End to end: the ONNX export of each transformer layer on its own (PatchEmbed, ClassToken,
// PositionEmbedding, MultiheadAttention with and without bias, Linear/GELU/Dropout/Add on
// tokens, LayerNorm over the last axis on tokens and on images, TokenPool cls and mean),
// trained briefly, exported, run by ONNX Runtime (tests/support/ort_predict.mjs) and compared
// with `strata predict`: the same top-1, probabilities within 1e-4. OpenCV 4.6 cannot run
// these graphs, so without node and onnxruntime-node the tests skip, saying how to install it.
#include <QTemporaryDir>
#include <QtTest>

#include "support/OnnxCheck.h"
#include "support/TestData.h"

using namespace strata::test;

namespace {

// 1 x 16 x 16 gray images; `middle` holds the layers between the Input and the classifier
// (a chain; the classifier is a Linear to the classes).
QByteArray chainDesign(const QByteArray& middle) {
    return R"({"format": "strata.design/1", "name": "tokens", "nodes": [
  {"id": "in", "type": "Input", "params": {"channels": 1, "height": 16, "width": 16}},
  {"id": "patch", "type": "PatchEmbed", "params": {"patch_size": 4, "embed_dim": 8}},)" +
           middle + R"(
  {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}},
  {"id": "out", "type": "Output"}]})";
}

// An MLP block on tokens with a residual Add: Linear / GELU / Dropout / Linear without bias.
QByteArray tokenMlpDesign() {
    return R"({"format": "strata.design/1", "name": "token-mlp", "nodes": [
  {"id": "in", "type": "Input", "params": {"channels": 1, "height": 16, "width": 16}},
  {"id": "patch", "type": "PatchEmbed", "params": {"patch_size": 4, "embed_dim": 8}},
  {"id": "up", "type": "Linear", "params": {"out_features": 16}},
  {"id": "gelu", "type": "GELU"},
  {"id": "drop", "type": "Dropout", "params": {"p": 0.1}},
  {"id": "down", "type": "Linear", "params": {"out_features": 8, "bias": false}},
  {"id": "res", "type": "Add"},
  {"id": "pool", "type": "TokenPool", "params": {"mode": "mean"}},
  {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}},
  {"id": "out", "type": "Output"}],
 "edges": [
  {"from": "in", "to": "patch"}, {"from": "patch", "to": "up"}, {"from": "up", "to": "gelu"},
  {"from": "gelu", "to": "drop"}, {"from": "drop", "to": "down"},
  {"from": "patch", "to": "res", "port": 0}, {"from": "down", "to": "res", "port": 1},
  {"from": "res", "to": "pool"}, {"from": "pool", "to": "fc"}, {"from": "fc", "to": "out"}]})";
}

// LayerNorm "last" on an image [C, H, W] normalizes along the width, as torch's LayerNorm([W]).
QByteArray imageLayerNormDesign() {
    return R"({"format": "strata.design/1", "name": "image-ln", "nodes": [
  {"id": "in", "type": "Input", "params": {"channels": 1, "height": 16, "width": 16}},
  {"id": "conv", "type": "Conv2d", "params": {"out_channels": 4, "kernel_size": 3}},
  {"id": "ln", "type": "LayerNorm", "params": {"normalized_shape": "last"}},
  {"id": "flat", "type": "Flatten"},
  {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}},
  {"id": "out", "type": "Output"}]})";
}

}  // namespace

class OnnxTokensTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QStringList exported_;

    QString path(const QString& name) const { return tmp_.filePath(name); }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        makeImageFolder(path("data"), {"diag", "horizontal", "vertical"}, 12, 16, 7);
    }

    void eachTokenLayerMatchesPredict_data() {
        QTest::addColumn<QByteArray>("design");
        QTest::newRow("PatchEmbed, TokenPool mean") << chainDesign(R"(
  {"id": "pool", "type": "TokenPool", "params": {"mode": "mean"}},)");
        QTest::newRow("PositionEmbedding") << chainDesign(R"(
  {"id": "pos", "type": "PositionEmbedding"},
  {"id": "pool", "type": "TokenPool", "params": {"mode": "mean"}},)");
        QTest::newRow("ClassToken") << chainDesign(R"(
  {"id": "cls", "type": "ClassToken"},
  {"id": "pool", "type": "TokenPool", "params": {"mode": "mean"}},)");
        QTest::newRow("MultiheadAttention, 2 heads, TokenPool cls") << chainDesign(R"(
  {"id": "cls", "type": "ClassToken"},
  {"id": "pos", "type": "PositionEmbedding"},
  {"id": "attn", "type": "MultiheadAttention", "params": {"num_heads": 2}},
  {"id": "pool", "type": "TokenPool", "params": {"mode": "cls"}},)");
        QTest::newRow("MultiheadAttention, 1 head, no bias") << chainDesign(R"(
  {"id": "attn", "type": "MultiheadAttention", "params": {"num_heads": 1, "bias": false, "dropout": 0.1}},
  {"id": "pool", "type": "TokenPool", "params": {"mode": "mean"}},)");
        QTest::newRow("MultiheadAttention, 8 heads of width 1") << chainDesign(R"(
  {"id": "attn", "type": "MultiheadAttention", "params": {"num_heads": 8}},
  {"id": "pool", "type": "TokenPool", "params": {"mode": "mean"}},)");
        QTest::newRow("LayerNorm last on tokens") << chainDesign(R"(
  {"id": "ln", "type": "LayerNorm", "params": {"normalized_shape": "last"}},
  {"id": "ln2", "type": "LayerNorm", "params": {"normalized_shape": "last", "elementwise_affine": false, "eps": 0.001}},
  {"id": "pool", "type": "TokenPool", "params": {"mode": "mean"}},)");
        QTest::newRow("Linear, GELU, Dropout, Add on tokens") << tokenMlpDesign();
        QTest::newRow("LayerNorm last on an image") << imageLayerNormDesign();
        QTest::newRow("Flatten of tokens") << chainDesign(R"(
  {"id": "flat", "type": "Flatten"},)");
    }

    // One epoch at a high learning rate: trained, non-uniform weights (attention biases and the
    // class token move off their zero start).
    void eachTokenLayerMatchesPredict() {
        QFETCH(QByteArray, design);
        if (const QString missing = ortMissingReason(); !missing.isEmpty()) QSKIP(qPrintable(missing));
        const QString name = QString("design%1").arg(exported_.size());
        const QString run = path(name + ".h5"), onnx = path(name + ".onnx");
        StrataRun r = runStrataCommand({"train", writeText(path(name + ".strata.json"), design), "--data", path("data"),
                                        "--epochs", "1", "--lr", "0.01", "--batch-size", "8", "--threads", "2",
                                        "--run", run});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = runStrataCommand({"export", run, "--onnx", onnx});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("opset 13"), qPrintable(r.out));
        exported_ << onnx;
        const QString failure = onnxAgreesWithPredict(QTest::currentDataTag(), onnx, run, someImages(path("data"), 4),
                                                      12, OnnxRuntime::Ort);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
    }

    void pythonOnnxCheckerAcceptsTheExports() {
        if (exported_.isEmpty()) QSKIP("no exports (ONNX Runtime is not installed)");
        QCOMPARE(exported_.size(), 10);
        if (!pythonHasOnnx()) QSKIP("/usr/bin/python3 cannot import onnx (python3-onnx not installed)");
        const QString failure = pythonCheckOnnx(exported_);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(OnnxTokensTest)
#include "test_onnx_tokens.moc"
