// `strata train --data-memory` (issue 20): a folder larger than the budget trains from the
// decode cache a batch at a time, with the weights of an in-memory run; SIGKILL during a
// streamed epoch and `--resume` ends exactly where an uninterrupted streamed run does; a bad
// size and a failed cache write are refused with a clear message and no partial cache file.
//
// The kill delay comes from a seeded generator: STRATA_TEST_SEED (default 7) picks it.
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <csignal>
#include <random>

#include "runs/RunFile.h"
#include "support/RunCompare.h"
#include "support/StrataProcess.h"
#include "support/TestData.h"

using namespace strata::test;

namespace {

constexpr int kEpochs = 3;

}  // namespace

class StreamingCliTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString data_, design_;
    QProcessEnvironment env_;
    std::mt19937 rng_;
    strata::RunData streamed_;
    int epochMs_ = 500;

    QString path(const QString& name) const { return tmp_.filePath(name); }

    QStringList trainArgs(const QString& run, const QString& memory, bool resume = false) const {
        QStringList a{"train", design_, "--data", data_, "--epochs", QString::number(kEpochs), "--batch-size", "4",
                      "--threads", "1", "--seed", "3", "--augment", "flip", "--run", run};
        if (!memory.isEmpty()) a << "--data-memory" << memory;
        if (resume) a << "--resume";
        return a;
    }

    void start(QProcess& p, const QStringList& args) const { startStrata(p, args, env_); }
    int runToEnd(const QStringList& args, QString* log, const QProcessEnvironment* env = nullptr) const {
        return runStrataToEnd(args, env ? *env : env_, log);
    }

    QStringList cacheFiles() const { return QDir(path("cache/strata/decoded")).entryList(QDir::Files); }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        const unsigned seed = qEnvironmentVariableIsSet("STRATA_TEST_SEED") ? qEnvironmentVariableIntValue("STRATA_TEST_SEED") : 7;
        qInfo("kill delay seeded with STRATA_TEST_SEED=%u", seed);
        rng_.seed(seed);
        env_ = QProcessEnvironment::systemEnvironment();
        env_.insert("XDG_CACHE_HOME", path("cache"));
        env_.insert("XDG_DATA_HOME", path("share"));
        data_ = path("data");
        makeImageFolder(data_, {"a", "b"}, 400, 32, 11);  // 800 images of 32x32: 800 KiB decoded
        design_ = writeText(path("tiny.strata.json"), tinyCnnDesign(32));

        // The streamed reference: its first pass decodes into the cache as it goes.
        QString log;
        QCOMPARE(runToEnd(trainArgs(path("streamed.h5"), "100K"), &log), 0);
        QVERIFY2(log.contains("reading batches from the decode cache"), qPrintable(log));
        QVERIFY2(log.contains("decoding 800 images into the decode cache"), qPrintable(log));
        streamed_ = strata::readRunFile(path("streamed.h5").toStdString());
        QCOMPARE(int(streamed_.epoch), kEpochs);
        QCOMPARE(streamed_.config.at("data_streamed").get<bool>(), true);
        QCOMPARE(streamed_.config.at("data_memory").get<std::string>(), std::string("100K"));
        const auto& seconds = streamed_.epochMetrics.at("seconds");
        epochMs_ = int(1000.0 * seconds.front());
        qInfo("one streamed epoch takes about %d ms", epochMs_);
        QVERIFY2(epochMs_ >= 50, "epochs are too short to be killed mid-way");
    }

    // The same order and bytes in both modes: the same weights.
    void inMemoryRunHasTheStreamedWeights() {
        QString log;
        QCOMPARE(runToEnd(trainArgs(path("memory.h5"), ""), &log), 0);
        QVERIFY2(!log.contains("reading batches"), qPrintable(log));
        const strata::RunData memory = strata::readRunFile(path("memory.h5").toStdString());
        QCOMPARE(memory.config.at("data_streamed").get<bool>(), false);
        QVERIFY(memory.config.at("data_memory_bytes").get<int64_t>() > 0);  // half of MemAvailable
        QCOMPARE(checkpointDifference(memory, streamed_), QString());
        QCOMPARE(memory.epochMetrics.at("train_loss"), streamed_.epochMetrics.at("train_loss"));
    }

    // SIGKILL inside epoch 2 or 3 of a streamed run; --resume (streamed too) ends identical.
    void killDuringStreamedEpochThenResume() {
        const QString run = path("killed.h5");
        QProcess p;
        start(p, trainArgs(run, "100K"));
        QVERIFY(p.waitForStarted());
        QString log;
        QVERIFY2(waitForOutput(p, log, "epoch 1:"), qPrintable(log));
        const int delay = std::uniform_int_distribution<int>(epochMs_ / 10, epochMs_ * 3 / 2)(rng_);
        const bool killed = killAfter(p, delay);
        qInfo("killed %d ms after epoch 1 (%s)", delay, killed ? "mid-run" : "it had finished");
        const strata::RunData cut = strata::readRunFile(run.toStdString());
        QVERIFY(cut.epoch >= 1);

        log.clear();
        QCOMPARE(runToEnd(trainArgs(run, "100K", true), &log), 0);
        QVERIFY2(log.contains("reading batches from the decode cache"), qPrintable(log));
        const strata::RunData resumed = strata::readRunFile(run.toStdString());
        QCOMPARE(int(resumed.epoch), kEpochs);
        QCOMPARE(checkpointDifference(resumed, streamed_), QString());
        QCOMPARE(resumed.epochMetrics.at("train_loss"), streamed_.epochMetrics.at("train_loss"));
    }

    // eval streams a folder larger than the default data memory (STRATA_DATA_MEMORY) and
    // prints exactly what it prints in memory.
    void evalStreamsWithTheSameResult() {
        QProcessEnvironment small = env_;
        small.insert("STRATA_DATA_MEMORY", "1K");
        QProcess inMemory, streamed;
        for (auto [p, env] : {std::pair{&inMemory, &env_}, std::pair{&streamed, &small}}) {
            p->setProcessEnvironment(*env);
            dieWithTest(*p);
            p->start(STRATA_BIN, {"eval", path("streamed.h5"), "--data", data_, "--threads", "1"});
            QVERIFY(p->waitForFinished(120000));
            QCOMPARE(p->exitCode(), 0);
        }
        const QString expected = QString::fromUtf8(inMemory.readAllStandardOutput());
        QVERIFY(expected.contains("images: 800"));
        QCOMPARE(QString::fromUtf8(streamed.readAllStandardOutput()), expected);
        // It did stream: without the cache the same budget is refused, naming the way out.
        small.insert("STRATA_NO_CACHE", "1");
        QProcess refused;
        refused.setProcessEnvironment(small);
        dieWithTest(refused);
        refused.start(STRATA_BIN, {"eval", path("streamed.h5"), "--data", data_, "--threads", "1"});
        QVERIFY(refused.waitForFinished(120000));
        QCOMPARE(refused.exitCode(), 2);
        const QString err = QString::fromUtf8(refused.readAllStandardError());
        QVERIFY2(err.contains("STRATA_NO_CACHE") && err.contains("--data-memory"), qPrintable(err));
    }

    void badSizeIsRefused() {
        const StrataRun r = runStrata(trainArgs(path("bad.h5"), "2 gigs"));
        QCOMPARE(r.code, 2);
        const QStringList errors = errorLines(r.err);
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors.front().contains("--data-memory") && errors.front().contains("2 gigs"), qPrintable(r.err));
    }

    // A full disk in the first pass (injected): a clear error naming the folder, exit 2, and
    // no cache file or temp file left.
    void failedCacheWriteStopsCleanly() {
        const QString other = path("other");
        makeImageFolder(other, {"a", "b"}, 40, 32, 12);
        const QStringList before = cacheFiles();
        QProcessEnvironment env = env_;
        env.insert("STRATA_TEST_CACHE_FAIL_AFTER", "30");
        QStringList args = trainArgs(path("full.h5"), "1K");
        args[args.indexOf("--data") + 1] = other;
        QString log;
        QCOMPARE(runToEnd(args, &log, &env), 2);
        QVERIFY2(log.contains("error: " + other + ": cannot write the decode cache") &&
                     log.contains("No space left on device"),
                 qPrintable(log));
        QCOMPARE(cacheFiles(), before);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(StreamingCliTest)
#include "test_streaming_cli.moc"
