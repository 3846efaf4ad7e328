// Transfer on the command line (docs/ARCHITECTURE.md §3, §7): `strata train --init-from` says
// what it copied and froze, records it in the run (frozen layers' gradient norms NaN in the
// feature snapshot); bad sources and freeze settings exit 2 with one `error:` line naming the
// file or node; `strata experiment transfer` trains scratch and k0..k{L-1} into an experiment
// folder with its experiment.json and prints the table.
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "insight/Insight.h"
#include "runs/RunReader.h"
#include "support/JsonFile.h"
#include "support/StrataProcess.h"
#include "support/TestData.h"

using namespace strata::test;

class TransferCliTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString data_, design_, source_;

    QString path(const QString& name) const { return tmp_.filePath(name); }

    // `strata train` of the tiny CNN on the tiny folder, 1 epoch, with `extra`.
    StrataRun train(const QString& run, const QStringList& extra, const QString& design = {}) {
        return runStrata(QStringList{"train", design.isEmpty() ? design_ : design, "--data", data_, "--epochs", "1",
                                     "--batch-size", "12", "--threads", "1", "--lr", "0.01", "--run", path(run)} +
                         extra);
    }

    // Exit 2 with exactly one error line, which names `what`.
    void expectBadInput(const StrataRun& r, const QString& what) {
        QVERIFY2(r.code == 2, qPrintable(QString("exit %1: %2").arg(r.code).arg(r.err)));
        const QStringList errors = errorLines(r.err);
        QVERIFY2(errors.size() == 1, qPrintable(r.err));
        QVERIFY2(errors.first().contains(what), qPrintable(errors.first() + "  (expected: " + what + ")"));
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        data_ = path("data");
        makeImageFolder(data_, {"a", "b", "c"}, 12, 8, 4);
        design_ = writeText(path("tiny.strata.json"), tinyCnnDesign(8));
        source_ = path("source.h5");
        const StrataRun r = train("source.h5", {});
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }

    void trainInitFromSaysWhatItCopiedAndFroze() {
        const QString run = path("fine.h5");
        const StrataRun r = train("fine.h5", {"--init-from", source_, "--freeze", "conv1"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("init from " + source_ + ": copied conv1, fc; new: none; skipped: none\n"), qPrintable(r.err));
        QVERIFY2(r.err.contains("frozen: conv1\n"), qPrintable(r.err));
        QVERIFY2(r.err.contains("mean and std from " + source_), qPrintable(r.err));

        const strata::ValidRun fine = strata::readValidRun(run.toStdString());
        const strata::ValidRun source = strata::readValidRun(source_.toStdString());
        QCOMPARE(fine.data.config.at("init_from").get<std::string>(), source_.toStdString());
        QCOMPARE(fine.data.config.at("init_from_sha256").get<std::string>().size(), size_t(64));
        QCOMPARE(fine.data.config.at("frozen"), nlohmann::json({"conv1"}));
        QCOMPARE(fine.mean, source.mean);
        // Frozen: conv1 is the source's; fc trained on.
        const auto* a = strata::findArray(fine.data.checkpoint, "conv1.weight");
        const auto* b = strata::findArray(source.data.checkpoint, "conv1.weight");
        QVERIFY(a && b && a->f32 == b->f32);
        QVERIFY(strata::findArray(fine.data.checkpoint, "fc.weight")->f32 !=
                strata::findArray(source.data.checkpoint, "fc.weight")->f32);

        // --restat: the data's statistics (this folder's are the source's own: equal), said nowhere.
        const StrataRun restat = train("restat.h5", {"--init-from", source_, "--restat"});
        QVERIFY2(restat.code == 0, qPrintable(restat.err));
        QVERIFY2(!restat.err.contains("mean and std from"), qPrintable(restat.err));
        QCOMPARE(strata::readValidRun(path("restat.h5").toStdString()).data.config.at("restat").get<bool>(), true);
    }

    // With --features, the gradient heat map keeps a frozen layer's row, empty (NaN). Here the
    // frozen layer is the design's only convolution, which the saliency map (Grad-CAM) looks at.
    void frozenLayersHaveEmptyGradientRows() {
        const StrataRun r = train("features.h5", {"--init-from", source_, "--freeze", "conv1", "--features"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(!r.err.contains("failed"), qPrintable(r.err));
        const strata::ValidRun run = strata::readValidRun(path("features.h5").toStdString());
        strata::FeatureSnapshot snapshot;
        QVERIFY2(strata::readSnapshot(run.data, snapshot), "no feature snapshot in the run");
        const strata::GradientHistory& g = snapshot.gradients;
        QCOMPARE(g.layers, std::vector<std::string>({"conv1", "fc"}));
        QVERIFY(!g.steps.empty());
        for (size_t s = 0; s < g.steps.size(); ++s) {
            QVERIFY(std::isnan(g.norms[s]));
            QVERIFY(std::isfinite(g.norms[g.steps.size() + s]) && g.norms[g.steps.size() + s] > 0);
        }
    }

    void badSourcesAndFreezesExitTwoNamingThem() {
        // A source that is not a run file.
        const QString notRun = writeText(path("notes.h5"), "not a run file");
        expectBadInput(train("x1.h5", {"--init-from", notRun}), notRun);
        expectBadInput(train("x2.h5", {"--init-from", path("missing.h5")}), path("missing.h5"));
        // A design with no node that matches the source.
        const QString other = writeText(path("other.strata.json"), R"({"format": "strata.design/1", "name": "other", "nodes": [
  {"id": "in", "type": "Input", "params": {"channels": 1, "height": 8, "width": 8}},
  {"id": "c1", "type": "Conv2d", "params": {"out_channels": 4, "kernel_size": 3, "padding": 1}},
  {"id": "flat", "type": "Flatten"},
  {"id": "f1", "type": "Linear", "params": {"out_features": "classes"}},
  {"id": "out", "type": "Output"}]})");
        expectBadInput(train("x3.h5", {"--init-from", source_}, other), source_);
        // Freezing what is not there, what has no parameters, and everything.
        expectBadInput(train("x4.h5", {"--init-from", source_, "--freeze", "conv1,nope"}), "\"nope\"");
        expectBadInput(train("x5.h5", {"--freeze", "relu1"}), "\"relu1\"");
        expectBadInput(train("x6.h5", {"--freeze-through", "nope"}), "\"nope\"");
        expectBadInput(train("x7.h5", {"--init-from", source_, "--freeze", "conv1,fc"}), "every layer");
        expectBadInput(train("x8.h5", {"--freeze-through", "fc"}), "every layer");
        expectBadInput(train("x10.h5", {"--freeze", "conv1,,fc"}), "--freeze");
        // Settings that do not go together.
        expectBadInput(train("x9.h5", {"--restat"}), "--restat");
        expectBadInput(runStrata({"train", design_, "--data", data_, "--resume", "--run", source_, "--init-from", source_}),
                       "--init-from");
        // Nothing was written for any of them.
        for (int i = 1; i <= 10; ++i)
            QVERIFY2(!QFileInfo::exists(path(QString("x%1.h5").arg(i))), qPrintable(QString("x%1.h5").arg(i)));

        expectBadInput(runStrata({"experiment"}), "transfer");
        expectBadInput(runStrata({"experiment", "sideways"}), "\"sideways\"");
        expectBadInput(runStrata({"experiment", "transfer", design_, "--data", data_}), "--init-from");
        expectBadInput(runStrata({"experiment", "transfer", design_, "--data", data_, "--init-from", path("missing.h5"),
                                  "--out", path("exp-missing")}),
                       path("missing.h5"));
        QVERIFY(!QFileInfo::exists(path("exp-missing/experiment.json")));
    }

    void experimentTransferTrainsEveryVariant() {
        const QString out = path("exp");
        const StrataRun r = runStrata({"experiment", "transfer", design_, "--init-from", source_, "--data", data_, "--test",
                                       data_, "--epochs", "2", "--batch-size", "12", "--threads", "1", "--lr", "0.01",
                                       "--out", out});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("experiment: " + out + "/experiment.json"), qPrintable(r.out));
        // The table: a header, then one row per variant with its test accuracy.
        const QStringList rows = r.out.split('\n', Qt::SkipEmptyParts);
        QVERIFY2(rows.size() >= 4, qPrintable(r.out));
        QVERIFY2(rows[0].contains("variant") && rows[0].contains("accuracy"), qPrintable(r.out));
        QVERIFY2(rows[1].startsWith("scratch") && rows[1].contains("(test)"), qPrintable(r.out));
        QVERIFY2(rows[2].startsWith("k0") && rows[2].contains("(test)"), qPrintable(r.out));
        QVERIFY2(rows[3].startsWith("k1") && rows[3].contains("conv1"), qPrintable(r.out));
        QVERIFY2(r.err.contains("variant 3/3: k1"), qPrintable(r.err));

        const QJsonObject e = readJson(out + "/experiment.json");
        QCOMPARE(e["format"].toString(), QString("strata.experiment/1"));
        QCOMPARE(e["kind"].toString(), QString("transfer"));
        QCOMPARE(e["spec"].toObject()["init_from"].toString(), source_);
        QCOMPARE(e["spec"].toObject()["training"].toObject()["epochs"].toInt(), 2);
        const QJsonArray variants = e["variants"].toArray();
        QCOMPARE(variants.size(), 3);  // the tiny CNN has two layers with parameters: conv1, fc
        const QStringList names{"scratch", "k0", "k1"};
        const QList<QStringList> frozen{{}, {}, {"conv1"}};
        const strata::ValidRun source = strata::readValidRun(source_.toStdString());
        for (int i = 0; i < 3; ++i) {
            const QJsonObject v = variants[i].toObject();
            QCOMPARE(v["name"].toString(), names[i]);
            QCOMPARE(v["status"].toString(), QString("done"));
            QCOMPARE(v["k"].toInt(), i - 1);
            QStringList ids;
            for (const auto& id : v["frozen"].toArray()) ids << id.toString();
            QCOMPARE(ids, frozen[i]);
            QVERIFY(v["parameters"].toInteger() > 0);
            QVERIFY(v["metrics"].toObject().contains("train_accuracy"));
            QVERIFY(v["metrics"].toObject().contains("test_accuracy"));
            const QString file = QDir(out).filePath(v["run"].toString());
            QCOMPARE(QFileInfo(file).fileName(), names[i] + ".h5");
            const strata::ValidRun run = strata::readValidRun(file.toStdString());  // present and readable
            QCOMPARE(run.data.epoch, int64_t(2));
            QVERIFY(run.data.hasTest);
            QCOMPARE(run.data.config.at("init_from").get<std::string>(), i == 0 ? std::string() : source_.toStdString());
            std::vector<std::string> recorded;
            for (const QString& id : frozen[i]) recorded.push_back(id.toStdString());
            QCOMPARE(run.data.config.at("frozen").get<std::vector<std::string>>(), recorded);
            // k1 keeps the source's conv1; the others train it.
            const bool sameConv = strata::findArray(run.data.checkpoint, "conv1.weight")->f32 ==
                                  strata::findArray(source.data.checkpoint, "conv1.weight")->f32;
            QCOMPARE(sameConv, i == 2);
        }
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(TransferCliTest)
#include "test_transfer_cli.moc"
