#pragma once
// Checks of an exported ONNX model against `strata predict`, with an independent runtime —
// OpenCV's dnn module for convolutional designs, ONNX Runtime (the npm package
// onnxruntime-node, run by tests/support/ort_predict.mjs) for any design, token layers
// included — and with the Python onnx package's checker when it is installed.
// Header-only: only the ONNX tests include it (and link opencv_dnn).
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QStringList>
#include <QTemporaryFile>

#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cmath>

#include "export/OnnxExport.h"
#include "train/TrainedModel.h"
#include "support/StrataProcess.h"

namespace strata::test {

// Exports and trainings of the templates take longer than a plain command.
inline StrataRun runStrataCommand(const QStringList& args, int timeoutMs = 180000) { return runStrata(args, timeoutMs); }

// `strata predict RUN IMAGE... --top <all classes>`: per image, class -> probability, and the
// best class (the first printed).
struct PredictLine {
    QString top;
    QMap<QString, double> probability;
};

inline QMap<QString, PredictLine> parsePredict(const QString& out) {
    QMap<QString, PredictLine> result;
    for (const QString& line : out.split('\n', Qt::SkipEmptyParts)) {
        const QStringList parts = line.split(' ', Qt::SkipEmptyParts);
        PredictLine p;
        for (int i = 1; i < parts.size(); ++i) {
            const int colon = parts[i].lastIndexOf(':');
            const QString name = parts[i].left(colon);
            if (i == 1) p.top = name;
            p.probability[name] = parts[i].mid(colon + 1).toDouble();
        }
        result[parts.value(0)] = p;
    }
    return result;
}

inline QStringList jsonStrings(const std::string& text) {
    QStringList list;
    for (const auto& v : QJsonDocument::fromJson(QByteArray::fromStdString(text)).array()) list << v.toString();
    return list;
}

// The ONNX Runtime the tests use: installed by installer/bootstrap.sh test into the build tree
// (build/onnxruntime-node), or wherever STRATA_ORT_MODULES (a node_modules folder) points.
inline constexpr const char* kOrtPackage = "onnxruntime-node@1.30.0";

inline QString ortModulesDir() {
    const QString env = QProcessEnvironment::systemEnvironment().value("STRATA_ORT_MODULES");
    if (!env.isEmpty()) return env;
    return QFileInfo(QStringLiteral(STRATA_BIN)).dir().filePath("../onnxruntime-node/node_modules");
}

// "" when node and the onnxruntime-node package are there, else why not and how to get them
// (the ONNX Runtime checks QSKIP with this message).
inline QString ortMissingReason() {
    const QString install = QString("; installer/bootstrap.sh test installs it, or run: npm install --prefix "
                                    "build/onnxruntime-node --ignore-scripts %1").arg(kOrtPackage);
    if (QStandardPaths::findExecutable("node").isEmpty()) return "ONNX Runtime check: node is not installed" + install;
    if (!QFileInfo::exists(ortModulesDir() + "/onnxruntime-node/package.json"))
        return "ONNX Runtime check: " + QDir::cleanPath(ortModulesDir()) + " has no onnxruntime-node" + install;
    return {};
}

enum class OnnxRuntime { OpenCv, Ort };

// The model's output on `blob` ([N, C, H, W] float32) by ONNX Runtime, as a [N, classes] matrix;
// an empty matrix and `failure` set when it does not run.
inline cv::Mat runOrt(const QString& onnxPath, const cv::Mat& blob, QString& failure) {
    auto fail = [&failure](const QString& why) {
        failure = "ONNX Runtime: " + why;
        return cv::Mat();
    };
    QTemporaryFile input(QDir::tempPath() + "/strata-ort-XXXXXX.f32");
    const qint64 bytes = qint64(blob.total() * sizeof(float));
    if (!input.open() || input.write(reinterpret_cast<const char*>(blob.ptr<float>()), bytes) != bytes ||
        !input.flush())
        return fail("cannot write the input file " + input.fileName());
    QStringList args{QStringLiteral(STRATA_SOURCE_DIR "/tests/support/ort_predict.mjs"), ortModulesDir(), onnxPath,
                     input.fileName()};
    for (int d = 0; d < 4; ++d) args << QString::number(blob.size[d]);
    QProcess p;
    p.start(QStandardPaths::findExecutable("node"), args);
    if (!p.waitForFinished(120000)) return fail("timed out");
    const QByteArray out = p.readAllStandardOutput();
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return fail(QString::fromUtf8(p.readAllStandardError()));
    const QJsonObject result = QJsonDocument::fromJson(out).object();
    const QJsonArray dims = result["dims"].toArray(), values = result["probabilities"].toArray();
    if (dims.size() != 2 || values.size() != dims[0].toInt() * dims[1].toInt())
        return fail("unexpected output " + QString::fromUtf8(out.left(200)));
    cv::Mat probabilities(dims[0].toInt(), dims[1].toInt(), CV_32F);
    for (int i = 0; i < values.size(); ++i) probabilities.ptr<float>()[i] = float(values[i].toDouble());
    return probabilities;
}

// The model's output on `blob` by OpenCV's dnn module; `failure` set when it does not run.
inline cv::Mat runOpenCv(const QString& onnxPath, const cv::Mat& blob, QString& failure) {
    try {
        cv::dnn::Net net = cv::dnn::readNetFromONNX(onnxPath.toStdString());
        net.setInput(blob);
        return net.forward().clone();
    } catch (const cv::Exception& e) {
        failure = QString("OpenCV: ") + e.what();
        return {};
    }
}

// The outcome of one model checked on a set of images.
struct OnnxComparison {
    QString failure;        // empty when everything agreed
    double maxDifference = 0;  // largest |p_onnx - p_predict| over images and classes
    double exactDifference = 0;  // the same against TrainedModel::predict unrounded (predict prints 4 decimals)
    double meanTop = 0;        // mean top-1 probability: how far the model is from uniform
    int images = 0;
};

// Runs the ONNX file with `runtime` on `images` (one batch, so the batch dimension is dynamic),
// preprocessed only from the model's metadata as a user of the file would (decode, channel
// order, bilinear resize, scale to [0, 1]), and compares with `strata predict` on the run:
// equal top-1 classes, probabilities within `tolerance` (predict prints 4 decimals), and within
// 1e-5 of the unrounded probabilities (float32 rounding; a wrong op shows far above it).
inline OnnxComparison compareOnnxWithPredict(const QString& onnxPath, const QString& runPath,
                                             const QStringList& images, OnnxRuntime runtime = OnnxRuntime::OpenCv,
                                             double tolerance = 1e-4) {
    OnnxComparison r;
    std::map<std::string, std::string> meta;
    try {
        meta = readOnnxMetadata(onnxPath.toStdString());
    } catch (const std::exception& e) {
        r.failure = e.what();
        return r;
    }
    const QStringList classes = jsonStrings(meta["classes"]);
    if (classes.isEmpty()) return {"metadata \"classes\" is missing or empty"};
    if (meta["input"] != kOnnxInputMeaning) return {"metadata \"input\" is \"" + QString::fromStdString(meta["input"]) + "\""};
    const bool rgb = meta["channels"] == "rgb";
    const int height = std::stoi(meta.at("height")), width = std::stoi(meta.at("width"));

    const StrataRun predicted =
        runStrataCommand(QStringList{"predict", runPath} + images + QStringList{"--top", QString::number(classes.size())});
    if (predicted.code != 0) return {"strata predict failed: " + predicted.err};
    const QMap<QString, PredictLine> expected = parsePredict(predicted.out);

    std::vector<cv::Mat> decoded;
    for (const QString& path : images) {
        cv::Mat img = cv::imread(path.toStdString(), rgb ? cv::IMREAD_COLOR : cv::IMREAD_GRAYSCALE);
        if (img.empty()) return {"cannot read " + path};
        decoded.push_back(img);
    }
    // imread gives BGR: swapRB makes it the RGB order the model was trained on.
    const cv::Mat blob = cv::dnn::blobFromImages(decoded, 1.0 / 255.0, cv::Size(width, height), cv::Scalar(),
                                                 /*swapRB=*/rgb, /*crop=*/false);
    QString failure;
    const cv::Mat probabilities =
        runtime == OnnxRuntime::Ort ? runOrt(onnxPath, blob, failure) : runOpenCv(onnxPath, blob, failure);
    if (!failure.isEmpty()) return {failure};
    if (probabilities.dims != 2 || probabilities.rows != images.size() || probabilities.cols != classes.size())
        return {QString("the runtime's output is not [%1, %2]").arg(images.size()).arg(classes.size())};

    for (int i = 0; i < images.size(); ++i) {
        if (!expected.contains(images[i])) return {"strata predict printed no line for " + images[i]};
        const PredictLine& want = expected[images[i]];
        const float* row = probabilities.ptr<float>(i);
        const int best = int(std::max_element(row, row + classes.size()) - row);
        r.meanTop += row[best] / images.size();
        if (classes[best] != want.top)
            r.failure += QString("%1: ONNX top-1 %2 (%3), strata predict %4 (%5); ")
                             .arg(images[i], classes[best]).arg(row[best]).arg(want.top).arg(want.probability[want.top]);
        for (int c = 0; c < classes.size(); ++c) {
            const double diff = std::abs(double(row[c]) - want.probability.value(classes[c], -1.0));
            r.maxDifference = std::max(r.maxDifference, diff);
            if (diff > tolerance)
                r.failure += QString("%1: %2 ONNX %3 vs predict %4; ")
                                 .arg(images[i], classes[c]).arg(row[c]).arg(want.probability.value(classes[c]));
        }
    }
    // The unrounded figure, from the model strata predict uses, loaded in this process.
    const strata::TrainedModel model(runPath.toStdString());
    for (int i = 0; i < images.size(); ++i) {
        const strata::Prediction exact = model.predict(images[i].toStdString(), int(classes.size()));
        for (const auto& [name, p] : exact.top) {
            const int c = int(classes.indexOf(QString::fromStdString(name)));
            if (c >= 0) r.exactDifference = std::max(r.exactDifference, std::abs(double(probabilities.at<float>(i, c)) - p));
        }
    }
    if (r.exactDifference > 1e-5)
        r.failure += QString("unrounded probabilities differ by up to %1 from the run's").arg(r.exactDifference);
    r.images = images.size();
    return r;
}

// compareOnnxWithPredict on `images`, logged under `name`; "" when the model agreed with
// predict on exactly `expectedImages` images, else what went wrong.
inline QString onnxAgreesWithPredict(const QString& name, const QString& onnxPath, const QString& runPath,
                                     const QStringList& images, int expectedImages,
                                     OnnxRuntime runtime = OnnxRuntime::OpenCv) {
    const OnnxComparison c = compareOnnxWithPredict(onnxPath, runPath, images, runtime);
    qInfo("%s (%s): %d images, mean top-1 probability %.3f, max |p_onnx - p_predict| = %.2g (unrounded %.2g)",
          qPrintable(name), runtime == OnnxRuntime::Ort ? "ONNX Runtime" : "OpenCV", c.images, c.meanTop,
          c.maxDifference, c.exactDifference);
    if (!c.failure.isEmpty()) return c.failure;
    if (c.images != expectedImages) return QString("compared %1 images, expected %2").arg(c.images).arg(expectedImages);
    return {};
}

// The first `perClass` images of each class folder of `dir`.
inline QStringList someImages(const QString& dir, int perClass) {
    QStringList images;
    for (const QString& cls : QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QStringList files = QDir(dir + "/" + cls).entryList({"*.png"}, QDir::Files, QDir::Name);
        for (int i = 0; i < std::min<int>(perClass, files.size()); ++i) images << dir + "/" + cls + "/" + files[i];
    }
    return images;
}

// True when /usr/bin/python3 can import onnx (python3-onnx).
inline bool pythonHasOnnx() {
    QProcess p;
    p.start("/usr/bin/python3", {"-c", "import onnx"});
    return p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

// onnx.checker.check_model with full_check (strict shape inference) on each file; also that
// the opset is kOnnxOpset and the metadata keys are present. Returns "" or the failure.
inline QString pythonCheckOnnx(const QStringList& files) {
    const QString script = QString(R"(
import json, sys, onnx
for path in sys.argv[1:]:
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    assert [o.version for o in m.opset_import if o.domain in ('', 'ai.onnx')] == [%1], path
    meta = {p.key: p.value for p in m.metadata_props}
    for key in ('classes', 'mean', 'std', 'input'):
        assert key in meta, (path, key)
    assert len(json.loads(meta['mean'])) == len(json.loads(meta['std'])) == m.graph.input[0].type.tensor_type.shape.dim[1].dim_value, path
    assert m.graph.input[0].type.tensor_type.shape.dim[0].dim_param, path
print('ok', len(sys.argv) - 1)
)").arg(kOnnxOpset);
    QProcess p;
    p.start("/usr/bin/python3", QStringList{"-c", script} + files);
    if (!p.waitForFinished(120000)) return "python timed out";
    const QString out = QString::fromUtf8(p.readAllStandardOutput()), err = QString::fromUtf8(p.readAllStandardError());
    if (p.exitCode() != 0 || !out.startsWith("ok")) return out + err;
    return {};
}

}  // namespace strata::test
