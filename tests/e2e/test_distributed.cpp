// Data-parallel training across processes (issue 9): `strata train --nproc 2` against one
// process on the same data; a rank that dies makes the others stop with an error in bounded
// time (under --nproc and under a torchrun-style launch without it); bad launch environments
// are clear errors, not hangs.
//
// Both ranks ending with identical weights is checked honestly: STRATA_DEBUG_RANK_STATE makes
// every rank write the weights it holds itself (rank-<r>.h5) at each epoch end, and rank 1's
// must equal rank 0's run file array for array, bit for bit.
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <unistd.h>

#include <cmath>
#include <csignal>

#include "runs/RunFile.h"
#include "support/FreePort.h"
#include "support/RunCompare.h"
#include "support/StrataProcess.h"
#include "support/TestData.h"

using namespace strata::test;

namespace {

constexpr int kEpochs = 3;

struct Result {
    int code = -1;  // -1: crashed, -2: timed out
    QString out, err;
    qint64 ms = 0;
};

// The children of `parent` whose environment says RANK=<rank> (the --nproc workers).
QList<qint64> workersOf(qint64 parent, int rank) {
    QList<qint64> found;
    for (const QString& entry : QDir("/proc").entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric) continue;
        QFile stat("/proc/" + entry + "/stat");
        if (!stat.open(QIODevice::ReadOnly)) continue;
        const QString text = QString::fromLatin1(stat.readAll());
        // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        const QStringList fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (fields.size() < 2 || fields[1].toLongLong() != parent) continue;
        QFile environ("/proc/" + entry + "/environ");
        if (!environ.open(QIODevice::ReadOnly)) continue;
        if (environ.readAll().split('\0').contains("RANK=" + QByteArray::number(rank))) found << pid;
    }
    return found;
}

bool alive(qint64 pid) {
    QFile stat(QString("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly)) return false;
    const QString text = QString::fromLatin1(stat.readAll());
    return !text.mid(text.lastIndexOf(')') + 2).startsWith('Z');
}

QJsonObject readJson(const QString& path) {
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QJsonDocument::fromJson(f.readAll()).object();
}

}  // namespace

class DistributedTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString data_, val_, test_, design_;
    QProcessEnvironment env_;

    QString path(const QString& name) const { return tmp_.filePath(name); }

    QStringList trainArgs(const QString& run, int epochs) const {
        return {"train", design_, "--data", data_, "--epochs", QString::number(epochs), "--batch-size", "8",
                "--seed", "5", "--threads", "1", "--run", run};
    }

    Result runStrata(const QStringList& args, const QProcessEnvironment& env, int timeoutMs = 120000) const {
        QProcess p;
        p.setProcessEnvironment(env);
        QElapsedTimer t;
        t.start();
        dieWithTest(p);
        p.start(STRATA_BIN, args);
        Result r;
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
            r.code = -2;
        } else {
            r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        }
        r.ms = t.elapsed();
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

    QProcessEnvironment launchEnv(int rank, int world, int port, int timeoutSeconds) const {
        QProcessEnvironment e = env_;
        e.insert("RANK", QString::number(rank));
        e.insert("WORLD_SIZE", QString::number(world));
        e.insert("MASTER_ADDR", "127.0.0.1");
        e.insert("MASTER_PORT", QString::number(port));
        e.insert("STRATA_DIST_TIMEOUT", QString::number(timeoutSeconds));
        return e;
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        env_ = QProcessEnvironment::systemEnvironment();
        env_.insert("XDG_CACHE_HOME", path("cache"));
        env_.insert("XDG_DATA_HOME", path("share"));
        data_ = path("data");
        val_ = path("val");
        test_ = path("test");
        // 3 classes x 61: 183 images, odd, so the shards must drop one to stay equal.
        makeImageFolder(data_, {"diag", "horizontal", "vertical"}, 61, 16, 21);
        makeImageFolder(val_, {"diag", "horizontal", "vertical"}, 11, 16, 23);
        makeImageFolder(test_, {"diag", "horizontal", "vertical"}, 20, 16, 22);
        // BatchNorm inside: its running statistics must end identical on both ranks too.
        design_ = writeText(path("residual.strata.json"), tinyResidualDesign(16));
    }

    // --nproc 2: one run file, identical weights on both ranks, accuracy in line with one
    // process on the same data and epochs, rank 0 alone reports.
    void twoProcessesAgreeWithOne() {
        Result one = runStrata(trainArgs(path("one/run.h5"), kEpochs)
                                   << "--val" << val_ << "--test" << test_ << "--metrics-json" << path("one.json"),
                               env_);
        QVERIFY2(one.code == 0, qPrintable(one.err));

        QProcessEnvironment e = env_;
        e.insert("STRATA_DEBUG_RANK_STATE", path("ranks"));
        Result two = runStrata(trainArgs(path("two/run.h5"), kEpochs)
                                   << "--nproc" << "2" << "--val" << val_ << "--test" << test_ << "--metrics-json"
                                   << path("two.json"),
                               e);
        QVERIFY2(two.code == 0, qPrintable(two.err));
        qInfo("1 process: %lld ms, 2 processes: %lld ms", one.ms, two.ms);

        // One run file, written by rank 0 only; one report.
        QCOMPARE(QDir(path("two")).entryList(QDir::Files), QStringList{"run.h5"});
        QCOMPARE(two.out.count("run: "), 1);
        QCOMPARE(two.out.count("test: "), 1);
        QCOMPARE(two.err.count("epoch 1:"), 1);
        QVERIFY2(!two.err.contains("error"), qPrintable(two.err));

        const strata::RunData run = strata::readRunFile(path("two/run.h5").toStdString());
        QCOMPARE(run.config.at("world_size").get<int>(), 2);
        QCOMPARE(int(run.epoch), kEpochs);
        // Each rank: floor(183 / 2) = 91 images per epoch, batches of 8: 12 steps.
        QCOMPARE(int(run.step), kEpochs * 12);

        // Every rank's own weights (parameters and BatchNorm buffers) equal the run file's.
        const strata::RunData rank0 = strata::readRunFile(path("ranks/rank-0.h5").toStdString());
        const strata::RunData rank1 = strata::readRunFile(path("ranks/rank-1.h5").toStdString());
        QCOMPARE(int(rank1.epoch), kEpochs);
        bool hasBatchNorm = false;
        for (const auto& a : rank1.checkpoint) hasBatchNorm = hasBatchNorm || a.name.find("running_mean") != std::string::npos;
        QVERIFY(hasBatchNorm);
        QString diff = checkpointDifference(run, rank1);
        QVERIFY2(diff.isEmpty(), qPrintable("rank 1 against the run file: " + diff));
        diff = checkpointDifference(rank0, rank1);
        QVERIFY2(diff.isEmpty(), qPrintable("rank 1 against rank 0: " + diff));

        // Same data and epochs: accuracy in line with one process (the global batch is twice
        // as large, so the trajectories differ; both must learn the task).
        const QJsonObject m1 = readJson(path("one.json")), m2 = readJson(path("two.json"));
        const double acc1 = m1["test"].toObject()["accuracy"].toDouble();
        const double acc2 = m2["test"].toObject()["accuracy"].toDouble();
        const double train2 = m2["epochs"].toArray().last().toObject()["train_accuracy"].toDouble();
        qInfo("test accuracy: 1 process %.3f, 2 processes %.3f", acc1, acc2);
        QVERIFY2(acc1 > 0.6, "the single-process reference did not learn; the comparison means nothing");
        QVERIFY2(std::abs(acc1 - acc2) <= 0.15, qPrintable(QString("%1 vs %2").arg(acc1).arg(acc2)));
        QVERIFY(train2 > 0.5 && train2 <= 1.0);

        // Validation ran split over the ranks (33 images: 17 + 16) and was summed; with the
        // averaged BatchNorm statistics it must be what `strata eval` finds for the run.
        Result eval = runStrata({"eval", path("two/run.h5"), "--data", val_, "--metrics-json", path("eval.json")}, env_);
        QVERIFY2(eval.code == 0, qPrintable(eval.err));
        const QJsonObject last = m2["epochs"].toArray().last().toObject();
        const QJsonObject evaluated = readJson(path("eval.json"))["test"].toObject();
        QCOMPARE(last["val_accuracy"].toDouble(), evaluated["accuracy"].toDouble());
        QVERIFY(std::abs(last["val_loss"].toDouble() - evaluated["loss"].toDouble()) < 1e-5);
    }

    // --nproc 2 and SIGKILL one worker: the command ends, non-zero, naming the rank, well
    // within 60 s, and leaves no worker behind. Both ranks in turn (rank 0 serves the store).
    void killedWorkerStopsTheRun() {
        for (int victim : {1, 0}) {
            QProcess p;
            p.setProcessEnvironment(env_);
            p.setProcessChannelMode(QProcess::MergedChannels);
            dieWithTest(p);
            p.start(STRATA_BIN, trainArgs(path(QString("killed-%1.h5").arg(victim)), 1000) << "--nproc" << "2");
            QVERIFY(p.waitForStarted());
            QString log;
            QVERIFY2(waitForOutput(p, log, "epoch 1:", 90000), qPrintable(log));
            const QList<qint64> victims = workersOf(p.processId(), victim);
            const QList<qint64> others = workersOf(p.processId(), 1 - victim);
            QCOMPARE(victims.size(), 1);
            QCOMPARE(others.size(), 1);
            QElapsedTimer t;
            t.start();
            ::kill(pid_t(victims[0]), SIGKILL);
            const bool ended = p.waitForFinished(60000);
            log += QString::fromUtf8(p.readAll());
            if (!ended) {
                p.kill();
                p.waitForFinished();
            }
            QVERIFY2(ended, qPrintable("still running 60 s after rank " + QString::number(victim) + " was killed:\n" + log));
            qInfo("rank %d killed: the command ended %lld ms later", victim, t.elapsed());
            QCOMPARE(p.exitStatus(), QProcess::NormalExit);
            QCOMPARE(p.exitCode(), 1);
            QVERIFY2(log.contains(QString("error: rank %1 of 2 was killed by SIGKILL").arg(victim)), qPrintable(log));
            QVERIFY2(!alive(others[0]), "the surviving worker outlived the launcher");
        }
    }

    // SIGTERM to the launcher reaches every worker; they stop at the same batch (143), rank 0
    // keeps the last complete epoch, and --nproc --resume continues it.
    void interruptStopsEveryRankThenResume() {
        const QString run = path("interrupted.h5");
        QProcess p;
        p.setProcessEnvironment(env_);
        p.setProcessChannelMode(QProcess::MergedChannels);
        dieWithTest(p);
        p.start(STRATA_BIN, trainArgs(run, 1000) << "--nproc" << "2");
        QVERIFY(p.waitForStarted());
        QString log;
        QVERIFY2(waitForOutput(p, log, "epoch 1:", 90000), qPrintable(log));
        const QList<qint64> workers = workersOf(p.processId(), 0) + workersOf(p.processId(), 1);
        QCOMPARE(workers.size(), 2);
        ::kill(pid_t(p.processId()), SIGTERM);
        QVERIFY(p.waitForFinished(30000));
        log += QString::fromUtf8(p.readAll());
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 143);
        QCOMPARE(log.count("stopped; "), 1);
        QVERIFY2(!log.contains("error"), qPrintable(log));
        for (qint64 w : workers) QVERIFY(!alive(w));
        const strata::RunData stopped = strata::readRunFile(run.toStdString());
        QVERIFY(stopped.epoch >= 1);

        const int target = int(stopped.epoch) + 1;
        Result r = runStrata(QStringList{"train", design_, "--data", data_, "--epochs", QString::number(target),
                                         "--batch-size", "8", "--seed", "5", "--threads", "1", "--run", run, "--resume",
                                         "--nproc", "2"},
                             env_);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.err.contains("resuming"));
        QCOMPARE(int(strata::readRunFile(run.toStdString()).epoch), target);
    }

    // Without --nproc, as a torchrun-style launcher starts them: the surviving rank notices
    // the dead peer by itself and exits with an error in bounded time.
    void launcherStyleWorkersNoticeADeadPeer() {
        const int port = freePort();
        QProcess rank[2];
        for (int r = 0; r < 2; ++r) {
            rank[r].setProcessEnvironment(launchEnv(r, 2, port, 30));
            rank[r].setProcessChannelMode(QProcess::MergedChannels);
            dieWithTest(rank[r]);
            rank[r].start(STRATA_BIN, trainArgs(path("launched.h5"), 1000));
            QVERIFY(rank[r].waitForStarted());
        }
        QString log0, log1;
        QVERIFY2(waitForOutput(rank[0], log0, "epoch 1:", 90000), qPrintable(log0));
        log1 = QString::fromUtf8(rank[1].readAll());
        QVERIFY2(!log1.contains("epoch"), qPrintable("rank 1 must stay quiet, but said:\n" + log1));
        QElapsedTimer t;
        t.start();
        ::kill(pid_t(rank[1].processId()), SIGKILL);
        rank[1].waitForFinished();
        const bool ended = rank[0].waitForFinished(60000);
        log0 += QString::fromUtf8(rank[0].readAll());
        if (!ended) {
            rank[0].kill();
            rank[0].waitForFinished();
        }
        QVERIFY2(ended, qPrintable("rank 0 still running 60 s after rank 1 died:\n" + log0));
        qInfo("rank 0 ended %lld ms after rank 1 was killed", t.elapsed());
        QCOMPARE(rank[0].exitCode(), 1);
        QVERIFY2(log0.contains("error: rank 0 of 2:"), qPrintable(log0));
    }

    // Bad launch environments: clear errors, in bounded time.
    void badEnvironment() {
        const QStringList args = trainArgs(path("bad.h5"), 1);

        Result r = runStrata(args, launchEnv(2, 2, freePort(), 5));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("error: RANK=2 must be below WORLD_SIZE=2"), qPrintable(r.err));

        QProcessEnvironment e = launchEnv(0, 2, freePort(), 5);
        e.remove("MASTER_ADDR");
        r = runStrata(args, e);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("MASTER_ADDR is not set"), qPrintable(r.err));

        e = launchEnv(0, 2, freePort(), 5);
        e.insert("MASTER_PORT", "http");
        r = runStrata(args, e);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("MASTER_PORT"), qPrintable(r.err));

        // Nobody serves the rendezvous: rank 1 gives up after the timeout.
        r = runStrata(args, launchEnv(1, 2, freePort(), 1), 60000);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("cannot reach rank 0's rendezvous"), qPrintable(r.err));
        QVERIFY2(r.ms < 30000, qPrintable(QString("took %1 ms").arg(r.ms)));

        // Rank 0 alone: the other rank never joins.
        r = runStrata(args, launchEnv(0, 2, freePort(), 1), 60000);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("not every rank joined"), qPrintable(r.err));
        QVERIFY2(r.ms < 30000, qPrintable(QString("took %1 ms").arg(r.ms)));
        QVERIFY(!QFile::exists(path("bad.h5")));

        r = runStrata(QStringList(args) << "--nproc" << "2", launchEnv(0, 2, freePort(), 5));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--nproc"), qPrintable(r.err));
        r = runStrata(QStringList(args) << "--nproc" << "0", env_);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--nproc must be"), qPrintable(r.err));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(DistributedTest)
#include "test_distributed.moc"
