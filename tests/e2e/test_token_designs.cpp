// End to end: transformer designs on the command line. A mis-wired transformer (attention on a
// feature map, heads that do not divide the width, a patch that does not divide the image) is
// refused by `strata check` with exit 2 on the node to change; the vit-tiny template trains,
// resumes to the same result as an uninterrupted run, predicts, and exports to ONNX (checked
// against ONNX Runtime in test_onnx_tokens.cpp and test_onnx_templates.cpp).
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "support/StrataProcess.h"
#include "support/TestData.h"

using namespace strata::test;

namespace {

const QByteArray kHead = R"({"format": "strata.design/1", "name": "bad", "nodes": [
  {"id": "in", "type": "Input", "params": {"channels": 1, "height": 28, "width": 28}},)";
const QByteArray kTail = R"(
  {"id": "pool", "type": "TokenPool"},
  {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}},
  {"id": "out", "type": "Output"}]})";

}  // namespace

class TokenDesignsTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString path(const QString& name) const { return tmp_.filePath(name); }

    QStringList train(const QString& run, int epochs, bool resume = false) {
        QStringList args{"train", templateFile("vit-tiny"), "--data", path("data"), "--epochs", QString::number(epochs),
                         "--batch-size", "8", "--threads", "1", "--seed", "3", "--run", run};
        if (resume) args << "--resume";
        return args;
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        makeImageFolder(path("data"), {"a", "b", "c"}, 8, 28, 5);
    }

    void miswiredTransformersAreRefusedOnTheRightNode_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("attention on a feature map")
            << kHead + R"(
  {"id": "conv", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 3}},
  {"id": "attn", "type": "MultiheadAttention", "params": {"num_heads": 2}},)" + kTail
            << "node \"attn\": MultiheadAttention needs tokens [N, T, D] but receives [N, 8, 26, 26]; add "
               "PatchEmbed before it";
        QTest::newRow("heads not dividing the width")
            << kHead + R"(
  {"id": "patch", "type": "PatchEmbed", "params": {"patch_size": 7, "embed_dim": 30}},
  {"id": "attn", "type": "MultiheadAttention", "params": {"num_heads": 4}},)" + kTail
            << "node \"attn\": MultiheadAttention num_heads 4 does not divide the token width 30";
        QTest::newRow("patch not dividing the image")
            << kHead + R"(
  {"id": "patch", "type": "PatchEmbed", "params": {"patch_size": 5, "embed_dim": 32}},
  {"id": "attn", "type": "MultiheadAttention", "params": {"num_heads": 4}},)" + kTail
            << "node \"patch\": PatchEmbed patch_size 5 does not divide the image 28x28";
    }

    void miswiredTransformersAreRefusedOnTheRightNode() {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const QString design = writeText(path("bad.strata.json"), json);
        const StrataRun r = runStrata({"check", design});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QCOMPARE(errorLines(r.err).size(), 1);  // one mistake, one message
    }

    void vitTinyChecksWithItsCost() {
        const StrataRun r = runStrata({"check", templateFile("vit-tiny"), "--cost"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("total: 139,018 parameters"));
        QVERIFY(r.out.contains("MultiheadAttention"));
    }

    // Two epochs, and one epoch resumed to two: the same weights, so the same evaluation.
    void vitTinyTrainsResumesAndPredicts() {
        const QString whole = path("whole.h5"), resumed = path("resumed.h5");
        StrataRun r = runStrata(train(whole, 2));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = runStrata(train(resumed, 1));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = runStrata(train(resumed, 2, /*resume=*/true));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const StrataRun a = runStrata({"eval", whole, "--data", path("data")});
        const StrataRun b = runStrata({"eval", resumed, "--data", path("data")});
        QVERIFY2(a.code == 0 && b.code == 0, qPrintable(a.err + b.err));
        QCOMPARE(b.out, a.out);

        const QString image = path("data/a/000.png");
        QVERIFY(QFile::exists(image));
        r = runStrata({"predict", whole, image});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(image));
    }

    void vitTinyExportsToOnnx() {
        const QString run = path("whole.h5"), onnx = path("vit.onnx");
        QVERIFY(QFile::exists(run));
        const StrataRun r = runStrata({"export", run, "--onnx", onnx});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("opset 13"), qPrintable(r.out));
        QVERIFY(QFile::exists(onnx));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(TokenDesignsTest)
#include "test_token_designs.moc"
