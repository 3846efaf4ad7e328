// End to end: `strata train --features`, `strata features` and `strata probe` on a tiny design
// trained on a generated folder (and the attention maps of a tiny token design); bad inputs
// exit 2 naming what is wrong.
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "runs/RunFile.h"
#include "support/JsonFile.h"
#include "support/StrataProcess.h"
#include "support/TestData.h"

using namespace strata::test;

namespace {

using Result = StrataRun;

// 16x16 gray -> 16 patches of 4x4 behind a class token -> two attention blocks of 2 heads.
const char* const kTinyVit = R"({"format": "strata.design/1", "name": "tiny-vit", "nodes": [
  {"id": "in", "type": "Input", "params": {"channels": 1, "height": 16, "width": 16}},
  {"id": "patch", "type": "PatchEmbed", "params": {"patch_size": 4, "embed_dim": 8}},
  {"id": "cls", "type": "ClassToken"},
  {"id": "pos", "type": "PositionEmbedding"},
  {"id": "a1", "type": "MultiheadAttention", "params": {"num_heads": 2}},
  {"id": "a2", "type": "MultiheadAttention", "params": {"num_heads": 2}},
  {"id": "pool", "type": "TokenPool", "params": {"mode": "cls"}},
  {"id": "head", "type": "Linear", "params": {"out_features": "classes"}},
  {"id": "out", "type": "Output"}]})";

}  // namespace

class FeaturesCliTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString data_, design_, run_, image_;

    QString path(const QString& name) const { return tmp_.filePath(name); }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        data_ = path("data");
        makeImageFolder(data_, {"diag", "horizontal", "vertical"}, 30, 16, 1);
        design_ = writeText(path("tiny.strata.json"), tinyCnnDesign());
        run_ = path("run.h5");
        image_ = data_ + "/vertical/003.png";
        const Result r = runStrata({"train", design_, "--data", data_, "--epochs", "2", "--batch-size", "16",
                                    "--threads", "1", "--lr", "0.01", "--run", run_, "--features"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("features: epoch 0"), qPrintable(r.err));
        QVERIFY2(r.err.contains("before training"), qPrintable(r.err));
    }

    void trainWithFeaturesStoresASnapshot() {
        // Read as another tool would (h5py): the /features arrays and their JSON metadata.
        const strata::RunData run = strata::readRunFile(run_.toStdString());
        const strata::NamedArray* meta = strata::findArray(run.features, "meta");
        QVERIFY(meta);
        const QJsonObject m = QJsonDocument::fromJson(
                                  QByteArray(reinterpret_cast<const char*>(meta->u8.data()), int(meta->u8.size())))
                                  .object();
        QCOMPARE(m["epoch"].toInt(), 2);
        QCOMPARE(m["classes"].toArray().size(), 3);
        QCOMPARE(m["activations"].toArray().size(), 3);
        QCOMPARE(m["gradients"].toObject()["layers"].toArray().size(), 2);  // conv1, fc
        QVERIFY(m["projection"].toObject().contains("initial_silhouette"));
        QVERIFY(!m["probe"].toArray().isEmpty());
        const strata::NamedArray* filters = strata::findArray(run.features, "filters");
        QVERIFY(filters);
        QCOMPARE(filters->shape.size(), size_t(3));  // [H, W, C]
        const strata::NamedArray* norms = strata::findArray(run.features, "gradients/norms");
        QVERIFY(norms && norms->shape.size() == 2 && norms->shape[0] == 2 && norms->shape[1] > 0);
        QVERIFY(strata::findArray(run.features, "saliency/overlay"));
        // Without --features the run file has no snapshot.
        const QString plain = path("plain.h5");
        const Result r = runStrata({"train", design_, "--data", data_, "--epochs", "1", "--threads", "1", "--run", plain});
        QCOMPARE(r.code, 0);
        QVERIFY(strata::readRunFile(plain.toStdString()).features.empty());
    }

    void featuresWritesIndexAndPictures() {
        const QString out = path("features");
        const Result r = runStrata({"features", run_, "--image", image_, "--out", out, "--threads", "1"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject index = readJson(out + "/index.json");
        QCOMPARE(index["format"].toString(), QString("strata.features/1"));
        QVERIFY(QFile::exists(out + "/" + index["image"].toString()));
        QSet<QString> roles, kinds;
        const QJsonArray items = index["items"].toArray();
        QVERIFY(items.size() >= 8);  // filters, 3 activations, 3 patches, saliency
        for (const auto& v : items) {
            const QJsonObject item = v.toObject();
            const QString file = out + "/" + item["file"].toString();
            QImage img(file);
            QVERIFY2(!img.isNull(), qPrintable(file));
            QVERIFY(img.width() > 8 && img.height() > 8);
            QVERIFY(!item["layer"].toString().isEmpty());
            QVERIFY(item["depth"].isDouble());
            QVERIFY(QSet<QString>({"early", "middle", "deep"}).contains(item["role"].toString()));
            roles << item["role"].toString();
            kinds << item["kind"].toString();
            if (item["kind"].toString() == "filters") QCOMPARE(item["layer"].toString(), QString("conv1"));
        }
        QCOMPARE(roles, QSet<QString>({"early", "middle", "deep"}));
        QCOMPARE(kinds, QSet<QString>({"filters", "activations", "patches", "saliency"}));

        // A pinned layer adds its activations and patches.
        const Result pinned =
            runStrata({"features", run_, "--image", image_, "--out", path("pinned"), "--layer", "fc", "--threads", "1"});
        QVERIFY2(pinned.code == 0, qPrintable(pinned.err));
        QVERIFY(QFile::exists(path("pinned") + "/act_fc.png"));
        QVERIFY(QFile::exists(path("pinned") + "/patches_fc.png"));
    }

    void featuresOfATokenRunWriteAttentionMaps() {
        const QString vit = path("vit.h5");
        const Result t = runStrata({"train", writeText(path("vit.strata.json"), kTinyVit), "--data", data_, "--epochs",
                                    "1", "--threads", "1", "--run", vit});
        QVERIFY2(t.code == 0, qPrintable(t.err));
        const QString out = path("vit-features");
        const Result r = runStrata({"features", vit, "--image", image_, "--out", out, "--samples", "40", "--threads", "1"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("attention distance a1"), qPrintable(r.out));
        const QJsonObject index = readJson(out + "/index.json");
        int maps = 0, rollouts = 0;
        for (const auto& v : index["items"].toArray()) {
            const QJsonObject item = v.toObject();
            const QString kind = item["kind"].toString();
            if (kind != "attention" && kind != "attention_rollout") continue;
            (kind == "attention" ? maps : rollouts) += 1;
            const QImage img(out + "/" + item["file"].toString());
            QVERIFY2(!img.isNull() && img.width() >= 16 * 4, qPrintable(item["file"].toString()));
            QVERIFY(item["layer"].toString() == "a1" || item["layer"].toString() == "a2");
        }
        QCOMPARE(maps, 2 * 3);  // per block: the heads' mean and each of 2 heads
        QCOMPARE(rollouts, 1);
        QVERIFY(QFile::exists(out + "/attention_a2_h1.png"));
        const QJsonObject attention = index["attention"].toObject();
        QCOMPARE(attention["from"].toString(), QString("class_token"));
        QCOMPARE(attention["grid"].toArray().size(), 2);
        QCOMPARE(attention["distance_images"].toInt(), 40);
        const QJsonArray blocks = attention["blocks"].toArray();
        QCOMPARE(blocks.size(), 2);
        for (const auto& v : blocks) {
            // Between 0 and the farthest two patch centres can be (3 patches of 4 px each way).
            const double d = v.toObject()["mean_distance"].toDouble();
            QVERIFY2(d > 0 && d < 4 * 3 * std::sqrt(2.0), qPrintable(QString::number(d)));
            QCOMPARE(v.toObject()["head_distances"].toArray().size(), 2);
        }
        // A CNN run's index has no attention.
        QVERIFY(!readJson(path("features") + "/index.json").contains("attention"));

        // The studio opens the run with its Attention tab in front and waits for the maps.
        QProcess studio;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_CONFIG_HOME", path("config"));  // the user's settings stay out of it
        env.insert("XDG_DATA_HOME", path("share"));
        env.insert("QT_QPA_PLATFORM", "offscreen");
        studio.setProcessEnvironment(env);
        const QString png = path("attention.png");
        studio.start(STRATA_BIN, {"--run", vit, "--show", "features:attention", "--screenshot", png});
        QVERIFY(studio.waitForFinished(120000));
        const QString err = QString::fromUtf8(studio.readAllStandardError());
        QVERIFY2(studio.exitCode() == 0 && !err.contains("warning: --show"), qPrintable(err));
        QVERIFY(!QImage(png).isNull());
    }

    void probePrintsAndWritesJson() {
        const QString json = path("probe.json");
        const Result r = runStrata({"probe", run_, "--data", data_, "--samples", "60", "--json", json, "--threads", "1"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        for (const char* layer : {"conv1", "relu1", "pool1"}) QVERIFY2(r.out.contains(layer), qPrintable(r.out));
        const QJsonObject j = readJson(json);
        QCOMPARE(j["format"].toString(), QString("strata.probe/1"));
        QCOMPARE(j["samples"].toInt(), 60);
        const QJsonArray layers = j["layers"].toArray();
        QCOMPARE(layers.size(), 3);
        for (const auto& v : layers) {
            const QJsonObject l = v.toObject();
            QVERIFY(l["accuracy"].toDouble() >= 0 && l["accuracy"].toDouble() <= 1);
            QVERIFY(l["depth"].toInt() >= 1);
        }
        QCOMPARE(layers[0].toObject()["role"].toString(), QString("early"));
        QCOMPARE(layers[2].toObject()["role"].toString(), QString("deep"));
        // The stripes are easy: the deepest representation tells them apart.
        QVERIFY2(layers[2].toObject()["accuracy"].toDouble() > 0.6, qPrintable(r.out));
    }

    void badInputsExitTwoNamingWhatIsWrong() {
        Result r = runStrata({"features", path("missing.h5"), "--image", image_, "--out", path("x")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.startsWith("error: ") && r.err.contains("missing.h5"), qPrintable(r.err));
        r = runStrata({"features", run_, "--image", path("nope.png"), "--out", path("x")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("nope.png"), qPrintable(r.err));
        r = runStrata({"features", run_, "--image", image_, "--out", path("x"), "--layer", "conv9"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("conv9"), qPrintable(r.err));
        r = runStrata({"features", run_, "--out", path("x")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--image"), qPrintable(r.err));
        r = runStrata({"probe", run_});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--data"), qPrintable(r.err));
        r = runStrata({"probe", path("missing.h5"), "--data", data_});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("missing.h5"), qPrintable(r.err));
        r = runStrata({"probe", run_, "--data", path("nodata")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("nodata"), qPrintable(r.err));
        for (const char* cmd : {"features", "probe"}) {
            r = runStrata({cmd, "--help"});
            QCOMPARE(r.code, 0);
            QVERIFY(r.out.contains(QString("usage: strata ") + cmd));
        }
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(FeaturesCliTest)
#include "test_features_cli.moc"
