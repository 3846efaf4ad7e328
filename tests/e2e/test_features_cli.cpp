// End to end: `strata train --features`, `strata features` and `strata probe` on a tiny design
// trained on a generated folder; bad inputs exit 2 naming what is wrong.
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include "runs/RunFile.h"
#include "support/JsonFile.h"
#include "support/StrataProcess.h"
#include "support/TestData.h"

using namespace strata::test;

namespace {

using Result = StrataRun;

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
