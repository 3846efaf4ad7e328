// End to end: drives the strata binary on generated image folders and design files.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

#include "design/DesignTransforms.h"
#include "runs/RunFile.h"
#include "support/JsonFile.h"
#include "support/StrataProcess.h"
#include "support/TestData.h"

using namespace strata::test;

namespace {

using Result = StrataRun;


// Metrics that must replay exactly (timings excluded).
QList<double> replayable(const QJsonObject& metrics) {
    QList<double> v;
    for (const auto& e : metrics["epochs"].toArray()) {
        const QJsonObject o = e.toObject();
        for (const char* k : {"train_loss", "train_accuracy", "val_loss", "val_accuracy", "learning_rate"})
            if (o.contains(k)) v << o[k].toDouble();
    }
    return v;
}

}  // namespace

class CliTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString data_, val_, design_;

    QString path(const QString& name) const { return tmp_.filePath(name); }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        data_ = path("data");
        val_ = path("val");
        makeImageFolder(data_, {"diag", "horizontal", "vertical"}, 40, 16, 1);
        makeImageFolder(val_, {"diag", "horizontal", "vertical"}, 10, 16, 2);
        design_ = writeText(path("tiny.strata.json"), tinyCnnDesign());
    }

    void versionAndHelp() {
        Result r = runStrata({"--version"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith("strata "));
        r = runStrata({"--help"});
        QCOMPARE(r.code, 0);
        for (const char* cmd : {"check", "train", "eval", "predict", "import-idx", "runs"}) QVERIFY(r.out.contains(cmd));
        r = runStrata({"train", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("--batch-size"));
    }

    void badUsage() {
        Result r = runStrata({"frobnicate"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.startsWith("error: "));
        r = runStrata({"train", design_, "--data", data_, "--epochs", "many"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--epochs"), qPrintable(r.err));
        r = runStrata({"train", design_, "--data", data_, "--bogus"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("--bogus"));
        r = runStrata({"check", path("missing.strata.json")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("missing.strata.json"));
    }

    void checkReferenceCnn() {
        Result r = runStrata({"check", templateFile("reference-cnn")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("421,642"), qPrintable(r.out));
        QVERIFY(r.out.contains("[N, 32, 28, 28]"));
        QVERIFY(r.out.contains("[N, 64, 7, 7]"));
        QVERIFY(r.out.contains("[N, 3136]"));
        QVERIFY(r.out.contains("[N, 10]"));
        r = runStrata({"check", templateFile("reference-cnn"), "--classes", "5"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("420,997"), qPrintable(r.out));  // fc2: 128*5+5 instead of 128*10+10
    }

    // --cost: one row per node with its MACs and output bytes per image, then the total line.
    void checkCost() {
        Result r = runStrata({"check", templateFile("reference-cnn"), "--cost"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("total: 421,642 parameters, 4,241,152 MACs per image\n"), qPrintable(r.out));
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 12 + 1);  // header, one row per node, total
        QVERIFY2(lines[0].simplified() == "node type output parameters MACs output bytes", qPrintable(lines[0]));
        auto row = [&](const QString& id) {
            for (const QString& line : lines)
                if (line.startsWith(id + ' ')) return line.simplified();
            return QString();
        };
        QCOMPARE(row("conv1"), QString("conv1 Conv2d [N, 32, 28, 28] 320 225,792 100,352"));
        QCOMPARE(row("conv2"), QString("conv2 Conv2d [N, 64, 14, 14] 18,496 3,612,672 50,176"));
        QCOMPARE(row("fc1"), QString("fc1 Linear [N, 128] 401,536 401,408 512"));
        QCOMPARE(row("fc2"), QString("fc2 Linear [N, 10] 1,290 1,280 40"));
        QCOMPARE(row("relu1"), QString("relu1 ReLU [N, 32, 28, 28] 0 0 100,352"));
        // The class count reaches the head's MACs; bad input still exits 2 with one error line.
        r = runStrata({"check", templateFile("reference-cnn"), "--cost", "--classes", "5"});
        QVERIFY2(r.out.contains("total: 420,997 parameters, 4,240,512 MACs per image"), qPrintable(r.out));
        const QString bad = writeText(path("cost-bad.strata.json"), R"({"format": "strata.design/1", "nodes": [
  {"id": "in", "type": "Input", "params": {"channels": 1, "height": 8, "width": 8}},
  {"id": "fc", "type": "Linear", "params": {"out_features": 10}}, {"id": "out", "type": "Output"}]})");
        r = runStrata({"check", bad, "--cost"});
        QCOMPARE(r.code, 2);
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY2(r.err.startsWith("error: ") && r.err.contains("node \"fc\""), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
        r = runStrata({"check", "--help"});
        QVERIFY(r.out.contains("--cost"));
    }

    // The stability pre-flight: a plain 20-block sigmoid stack gets one `warning:` line naming
    // its input-most weights, and still exits 0; with BatchNorm, none. Bad input exits 2.
    void checkPreflight() {
        strata::DeepStackSpec spec;
        spec.height = spec.width = 16;
        spec.activation = "Sigmoid";
        const QString plain = path("sigmoid.strata.json");
        strata::saveDesign(strata::deepStack(spec), plain.toStdString());
        spec.batchNorm = true;
        const QString bn = path("sigmoid-bn.strata.json");
        strata::saveDesign(strata::deepStack(spec), bn.toStdString());

        Result r = runStrata({"check", plain, "--preflight", "--data", data_});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        QVERIFY2(lines[0].simplified() == "node type output parameters output std dead output grad weight grad",
                 qPrintable(lines[0]));
        QStringList warnings = lines.filter(QRegularExpression("^warning: "));
        QVERIFY2(warnings.size() == 1, qPrintable(r.out));
        QVERIFY2(warnings[0].startsWith("warning: " + plain + ": node \"stem\": gradients are ") &&
                     warnings[0].endsWith(" of those of \"b20_conv\" before the head (vanishing); add BatchNorm or residual "
                                          "connections"),
                 qPrintable(warnings[0]));
        QVERIFY2(r.out.contains("preflight: 64 images, "), qPrintable(r.out));
        auto row = [&](const QString& id) {
            for (const QString& line : lines)
                if (line.startsWith(id + ' ')) return line.simplified();
            return QString();
        };
        QVERIFY2(row("in").endsWith(" - - - -"), qPrintable(row("in")));
        // A Sigmoid has no dead share and no weights; a Conv2d has weights.
        QVERIFY2(QRegularExpression("^b1_act Sigmoid .* - \\S+ -$").match(row("b1_act")).hasMatch(), qPrintable(row("b1_act")));
        QVERIFY2(QRegularExpression("^b1_conv Conv2d .* - \\S+ \\d\\.\\d\\de[-+]\\d+$").match(row("b1_conv")).hasMatch(),
                 qPrintable(row("b1_conv")));

        r = runStrata({"check", bn, "--preflight", "--data", data_, "--cost", "--seed", "3"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(!r.out.contains("warning:") && r.out.contains("total: ") && r.out.contains(" output bytes "),
                 qPrintable(r.out));
        // Without data: a seeded random batch.
        r = runStrata({"check", plain, "--preflight"});
        QVERIFY2(r.code == 0 && r.out.count("warning: ") == 1, qPrintable(r.out + r.err));

        for (const QStringList& bad : {QStringList{"check", plain, "--preflight", "--data", path("no-such-folder")},
                                       QStringList{"check", path("missing.strata.json"), "--preflight"}}) {
            r = runStrata(bad);
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.count('\n') == 1 && r.err.startsWith("error: "), qPrintable(r.err));
            QVERIFY(r.out.isEmpty());
        }
        r = runStrata({"check", plain, "--data", data_});
        QCOMPARE(r.code, 2);
        r = runStrata({"check", "--help"});
        QVERIFY(r.out.contains("--preflight"));
    }

    void checkEveryTemplate() {
        for (const char* name : {"mlp", "lenet", "reference-cnn", "resnet-mini", "photo-cnn", "photo-resnet", "vit-tiny"}) {
            Result r = runStrata({"check", templateFile(name)});
            QVERIFY2(r.code == 0, qPrintable(QString(name) + ": " + r.err));
        }
    }

    void checkErrors_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        const QByteArray head = R"({"format": "strata.design/1", "name": "bad", "nodes": [
  {"id": "in", "type": "Input", "params": {"channels": 1, "height": 8, "width": 8}},)";
        QTest::newRow("linear on 4-D") << head + R"(
  {"id": "fc", "type": "Linear", "params": {"out_features": 10}}, {"id": "out", "type": "Output"}]})"
                                       << "node \"fc\": Linear expects a flat input";
        QTest::newRow("unknown type") << head + R"(
  {"id": "x", "type": "Conv3d"}, {"id": "out", "type": "Output"}]})"
                                      << "node \"x\"";
        QTest::newRow("unknown param") << head + R"(
  {"id": "conv1", "type": "Conv2d", "params": {"out_channels": 4, "kernal_size": 3}},
  {"id": "flat", "type": "Flatten"}, {"id": "fc", "type": "Linear", "params": {"out_features": 10}},
  {"id": "out", "type": "Output"}]})"
                                       << "kernal_size";
        QTest::newRow("cycle") << head + R"(
  {"id": "a", "type": "ReLU"}, {"id": "b", "type": "ReLU"}, {"id": "out", "type": "Output"}],
  "edges": [{"from": "in", "to": "a"}, {"from": "a", "to": "b"}, {"from": "b", "to": "a"}, {"from": "b", "to": "out"}]})"
                               << "cycle";
        QTest::newRow("malformed JSON") << QByteArray("{\"format\": \"strata.design/1\",\n  \"nodes\": [,]}")
                                        << "bad.strata.json:2:";
    }

    void checkErrors() {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const QString file = writeText(path("bad.strata.json"), json);
        Result r = runStrata({"check", file});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QVERIFY2(r.err.startsWith("error: "), qPrintable(r.err));
        QVERIFY2(!r.err.contains("terminate"), qPrintable(r.err));
    }

    void trainEvalPredict() {
        const QString run = path("runs/tiny.h5"), metrics = path("tiny-metrics.json");
        Result r = runStrata({"train", design_, "--data", data_, "--val", val_, "--test", val_, "--epochs", "4",
                           "--batch-size", "16", "--lr", "0.01", "--threads", "1", "--run", run, "--metrics-json", metrics});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("epoch 4/4"), qPrintable(r.err));  // the progress line
        QVERIFY(r.err.contains("img/s"));
        QVERIFY(QFile::exists(run));

        const QJsonObject m = readJson(metrics);
        QCOMPARE(m["format"].toString(), QString("strata.metrics/1"));
        QCOMPARE(m["design"].toString(), QString("tiny-cnn"));
        QCOMPARE(m["classes"].toArray().size(), 3);
        QCOMPARE(m["parameters"].toInt(), 80 + 8 * 8 * 8 * 3 + 3);
        const QJsonArray epochs = m["epochs"].toArray();
        QCOMPARE(epochs.size(), 4);
        const QJsonObject last = epochs.last().toObject();
        QVERIFY2(last["val_accuracy"].toDouble() >= 0.9, qPrintable(QString::number(last["val_accuracy"].toDouble())));
        QVERIFY(last["train_loss"].toDouble() < epochs.first().toObject()["train_loss"].toDouble());
        QVERIFY(last["images_per_second"].toDouble() > 0);
        QVERIFY(m["test"].toObject()["accuracy"].toDouble() >= 0.9);
        QCOMPARE(m["test"].toObject()["confusion"].toArray().size(), 3);

        const strata::RunData data = strata::readRunFile(run.toStdString());
        QCOMPARE(data.epoch, 4);
        QCOMPARE(data.epochMetrics.at("epoch").size(), size_t(4));
        QVERIFY(strata::findArray(data.checkpoint, "conv1.weight") != nullptr);
        QCOMPARE(data.config.at("classes").size(), size_t(3));

        r = runStrata({"eval", run, "--data", val_, "--metrics-json", path("eval.json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("accuracy"));
        QVERIFY(r.out.contains("horizontal"));
        QCOMPARE(readJson(path("eval.json"))["test"].toObject()["accuracy"].toDouble(),
                 m["test"].toObject()["accuracy"].toDouble());

        r = runStrata({"predict", run, val_ + "/vertical/000.png", val_ + "/diag/001.png", "--top", "2"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QStringList lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines[0].split(' ').value(1).startsWith("vertical:"), qPrintable(lines[0]));
        QCOMPARE(lines[0].split(' ').size(), 3);  // path + top 2

        r = runStrata({"predict", run, path("nope.png")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("nope.png"));

        r = runStrata({"runs", path("runs")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("tiny.h5"));
        QVERIFY(r.out.contains("tiny-cnn"));
    }

    void sameSeedSameMetrics() {
        QList<double> first;
        for (int i = 0; i < 2; ++i) {
            const QString metrics = path(QString("seed-%1.json").arg(i));
            Result r = runStrata({"train", design_, "--data", data_, "--val-split", "0.2", "--epochs", "2", "--batch-size",
                               "16", "--threads", "2", "--augment", "flip+crop", "--seed", "7", "--run",
                               path(QString("seed-%1.h5").arg(i)), "--metrics-json", metrics});
            QVERIFY2(r.code == 0, qPrintable(r.err));
            if (i == 0) first = replayable(readJson(metrics));
            else QCOMPARE(replayable(readJson(metrics)), first);
        }
        QCOMPARE(first.size(), 2 * 5);
    }

    void resumeReproducesUninterrupted() {
        const QStringList common = {"--data", data_, "--val-split", "0.2", "--batch-size", "16", "--threads", "1",
                                    "--optimizer", "sgd", "--lr", "0.05", "--schedule", "cosine"};
        Result r = runStrata(QStringList{"train", design_, "--epochs", "3", "--run", path("full.h5"), "--metrics-json",
                                      path("full.json")} + common);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = runStrata(QStringList{"train", design_, "--epochs", "1", "--run", path("part.h5")} + common);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = runStrata(QStringList{"train", design_, "--epochs", "3", "--run", path("part.h5"), "--resume",
                               "--metrics-json", path("part.json")} + common);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(replayable(readJson(path("part.json"))), replayable(readJson(path("full.json"))));
        const auto full = strata::readRunFile(path("full.h5").toStdString());
        const auto part = strata::readRunFile(path("part.h5").toStdString());
        QCOMPARE(part.checkpoint.size(), full.checkpoint.size());
        for (const auto& a : full.checkpoint) {
            const strata::NamedArray* b = strata::findArray(part.checkpoint, a.name);
            QVERIFY(b);
            QVERIFY2(a.f32 == b->f32 && a.i64 == b->i64, a.name.c_str());
        }

        // A changed setting is refused, naming it.
        r = runStrata(QStringList{"train", design_, "--epochs", "4", "--run", path("part.h5"), "--resume", "--data", data_,
                               "--val-split", "0.2", "--batch-size", "32", "--threads", "1", "--optimizer", "sgd",
                               "--lr", "0.05", "--schedule", "cosine"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("batch_size"), qPrintable(r.err));
    }

    void sigtermKeepsLastEpoch() {
        // Enough data that an epoch takes a while; stop after the first epoch is saved.
        const QString big = path("big");
        makeImageFolder(big, {"a", "b"}, 600, 32, 3);
        const QString design = writeText(path("big.strata.json"), tinyCnnDesign(32));
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        dieWithTest(p);
        p.start(STRATA_BIN, {"train", design, "--data", big, "--epochs", "1000", "--batch-size", "8", "--threads", "1",
                             "--run", path("killed.h5")});
        QVERIFY(p.waitForStarted());
        QString log;
        QElapsedTimer t;
        t.start();
        while (!log.contains("epoch 1:") && t.elapsed() < 120000) {
            p.waitForReadyRead(500);
            log += QString::fromUtf8(p.readAll());
        }
        QVERIFY2(log.contains("epoch 1:"), qPrintable(log));
        ::kill(pid_t(p.processId()), SIGTERM);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 143);
        const auto run = strata::readRunFile(path("killed.h5").toStdString());
        QVERIFY(run.epoch >= 1);
        QCOMPARE(run.epochMetrics.at("epoch").size(), size_t(run.epoch));
    }

    void badData() {
        // An unreadable file is skipped and reported; an empty class is an error naming it.
        const QString messy = path("messy");
        makeImageFolder(messy, {"a", "b"}, 10, 16, 4);
        writeText(messy + "/a/broken.png", "not a png");
        Result r = runStrata({"train", design_, "--data", messy, "--epochs", "1", "--threads", "1", "--run", path("messy.h5")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("skipped 1"), qPrintable(r.err));
        QVERIFY(r.err.contains("broken.png"));

        QDir().mkpath(messy + "/empty");
        r = runStrata({"train", design_, "--data", messy, "--epochs", "1", "--run", path("messy2.h5")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("empty"), qPrintable(r.err));

        r = runStrata({"train", design_, "--data", path("no-such-folder"), "--epochs", "1"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("no-such-folder"));
    }

    void residualWithBatchNormTrains() {
        const QString design = writeText(path("residual.strata.json"), tinyResidualDesign());
        const QString metrics = path("residual.json");
        Result r = runStrata({"train", design, "--data", data_, "--val", val_, "--epochs", "4", "--batch-size", "16",
                           "--lr", "0.01", "--threads", "2", "--run", path("residual.h5"), "--metrics-json", metrics});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonArray epochs = readJson(metrics)["epochs"].toArray();
        QVERIFY2(epochs.last().toObject()["val_accuracy"].toDouble() >= 0.8,
                 qPrintable(QString::number(epochs.last().toObject()["val_accuracy"].toDouble())));
        const auto run = strata::readRunFile(path("residual.h5").toStdString());
        QVERIFY(strata::findArray(run.checkpoint, "bn1.running_mean"));
    }

    void runFileReadableByH5py() {
        const QString run = path("runs/tiny.h5");
        QVERIFY(QFile::exists(run));
        QProcess py;
        py.start("/usr/bin/python3", {"-c", R"(
import sys, h5py, json
f = h5py.File(sys.argv[1], "r")
print(f.attrs["format"])
print(json.loads(f["design"][()])["name"])
print(f["checkpoint/conv1.weight"].shape)
print(len(f["metrics/epoch/train_loss"]))
print(list(f["config"].attrs["classes"]))
)", run});
        QVERIFY(py.waitForFinished(60000));
        const QString out = QString::fromUtf8(py.readAllStandardOutput());
        QVERIFY2(py.exitCode() == 0, qPrintable(QString::fromUtf8(py.readAllStandardError())));
        QVERIFY2(out.contains("strata.run/1"), qPrintable(out));
        QVERIFY(out.contains("tiny-cnn"));
        QVERIFY(out.contains("(8, 1, 3, 3)"));
        QVERIFY(out.contains("\n4\n"));
        QVERIFY(out.contains("horizontal"));
    }

    void importIdx() {
        // 3 images of 2x2 with labels 0, 1, 1.
        QByteArray images = QByteArray::fromHex("00000803000000030000000200000002");
        images += QByteArray::fromHex("000000ff" "ff000000" "10203040");
        QByteArray labels = QByteArray::fromHex("0000080100000003" "000101");
        const QString imagesPath = writeText(path("idx/images.idx"), images);
        const QString labelsPath = writeText(path("idx/labels.idx"), labels);
        Result r = runStrata({"import-idx", imagesPath, labelsPath, "--out", path("idx/out"), "--classes", "zero,one"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(QDir(path("idx/out/zero")).entryList(QDir::Files).size(), 1);
        QCOMPARE(QDir(path("idx/out/one")).entryList(QDir::Files).size(), 2);
        r = runStrata({"import-idx", labelsPath, labelsPath, "--out", path("idx/bad")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("labels.idx"));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(CliTest)
#include "test_cli.moc"
