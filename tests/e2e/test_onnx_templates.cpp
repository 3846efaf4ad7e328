// End to end: the starter designs people actually train — the reference CNN and ResNet-mini
// (BatchNorm, Add, adaptive pooling) on generated 28 x 28 gray images, the photo CNN and the
// photo ResNet (strided convolutions) on generated 96 x 96 RGB images, and the vit-tiny
// transformer — exported after a very short training, run by OpenCV's dnn module (ONNX Runtime
// for vit-tiny: OpenCV 4.6 cannot run attention) and compared with `strata predict`.
#include <QTemporaryDir>
#include <QtTest>

#include "support/OnnxCheck.h"
#include "support/TestData.h"

using namespace strata::test;

class OnnxTemplatesTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QStringList exported_;

    QString path(const QString& name) const { return tmp_.filePath(name); }

    void exportTemplate(const QString& name, const QString& data = "data", OnnxRuntime runtime = OnnxRuntime::OpenCv,
                        int perClass = 3) {
        const QString run = path(name + ".h5"), onnx = path(name + ".onnx");
        StrataRun r = runStrataCommand({"train", templateFile(name), "--data", path(data), "--epochs", "1",
                                        "--batch-size", "16", "--threads", "2", "--run", run});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = runStrataCommand({"export", run, "--onnx", onnx});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        exported_ << onnx;
        const QString failure =
            onnxAgreesWithPredict(name, onnx, run, someImages(path(data), perClass), 3 * perClass, runtime);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        makeImageFolder(path("data"), {"a", "b", "c"}, 10, 28, 5);
        makeImageFolder(path("photos"), {"a", "b", "c"}, 10, 96, 6, /*rgb=*/true);
    }

    void referenceCnn() { exportTemplate("reference-cnn"); }
    void resnetMini() { exportTemplate("resnet-mini"); }
    void photoCnn() { exportTemplate("photo-cnn", "photos"); }
    void photoResnet() { exportTemplate("photo-resnet", "photos"); }

    // 21 images: the figure docs/ARCHITECTURE.md §11 quotes.
    void vitTiny() {
        if (const QString missing = ortMissingReason(); !missing.isEmpty()) QSKIP(qPrintable(missing));
        exportTemplate("vit-tiny", "data", OnnxRuntime::Ort, 7);
        qInfo("vit-tiny.onnx: %lld bytes", QFileInfo(path("vit-tiny.onnx")).size());
    }

    void pythonOnnxCheckerAcceptsTheExports() {
        QCOMPARE(exported_.size(), ortMissingReason().isEmpty() ? 5 : 4);
        if (!pythonHasOnnx()) QSKIP("/usr/bin/python3 cannot import onnx (python3-onnx not installed)");
        const QString failure = pythonCheckOnnx(exported_);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(OnnxTemplatesTest)
#include "test_onnx_templates.moc"
