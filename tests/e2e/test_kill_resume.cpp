// "Nothing lost" (issue 7): SIGKILL `strata train` mid-epoch and during a checkpoint write;
// the run file must still open with its last complete epoch intact, and `--resume` must end
// with exactly the weights of an uninterrupted run with the same seed.
//
// Kill delays come from a seeded generator: STRATA_TEST_SEED (default 7) picks them, so a
// failure can be replayed with the seed the test prints.
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <csignal>
#include <numeric>
#include <random>

#include "runs/RunFile.h"
#include "support/RunCompare.h"
#include "support/StrataProcess.h"
#include "support/TestData.h"

using namespace strata::test;

namespace {

constexpr int kEpochs = 4;

}  // namespace

class KillResumeTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString data_, design_;
    QProcessEnvironment env_;
    std::mt19937 rng_;
    strata::RunData reference_;
    int epochMs_ = 500;

    QString path(const QString& name) const { return tmp_.filePath(name); }

    QStringList trainArgs(const QString& run, int epochs, bool resume) const {
        QStringList a{"train", design_, "--data", data_, "--epochs", QString::number(epochs), "--batch-size", "4",
                      "--threads", "1", "--seed", "3", "--run", run};
        if (resume) a << "--resume";
        return a;
    }

    void start(QProcess& p, const QStringList& args) const { startStrata(p, args, env_); }
    int runToEnd(const QStringList& args, QString* log) const { return runStrataToEnd(args, env_, log); }

    // The run file opens, its metrics hold one row per complete epoch, and those rows are the
    // uninterrupted run's (the last complete epoch is intact). Returns the epoch reached.
    int checkIntact(const QString& run, const QString& what, const strata::RunData& reference, int total) {
        strata::RunData r;
        try {
            r = strata::readRunFile(run.toStdString());
        } catch (const std::exception& e) {
            QTest::qFail(qPrintable(what + ": run file does not open: " + e.what()), __FILE__, __LINE__);
            return -1;
        }
        const auto rows = [&](const char* column) {
            auto it = r.epochMetrics.find(column);
            return it == r.epochMetrics.end() ? std::vector<double>{} : it->second;
        };
        if (rows("epoch").size() != size_t(r.epoch) || rows("train_loss").size() != size_t(r.epoch)) {
            QTest::qFail(qPrintable(QString("%1: %2 metric rows for epoch %3").arg(what).arg(rows("epoch").size()).arg(r.epoch)),
                         __FILE__, __LINE__);
            return -1;
        }
        for (const char* column : {"train_loss", "train_accuracy"}) {
            const std::vector<double> mine = rows(column);
            const std::vector<double>& ref = reference.epochMetrics.at(column);
            for (size_t i = 0; i < mine.size() && i < ref.size(); ++i)
                if (mine[i] != ref[i]) {
                    QTest::qFail(qPrintable(QString("%1: %2 of epoch %3 differs from the uninterrupted run")
                                                .arg(what, column).arg(i + 1)),
                                 __FILE__, __LINE__);
                    return -1;
                }
        }
        if (r.epoch == total && !checkpointDifference(r, reference).isEmpty()) {
            QTest::qFail(qPrintable(what + ": finished run differs from the uninterrupted run"), __FILE__, __LINE__);
            return -1;
        }
        return int(r.epoch);
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        const unsigned seed = qEnvironmentVariableIsSet("STRATA_TEST_SEED") ? qEnvironmentVariableIntValue("STRATA_TEST_SEED") : 7;
        qInfo("kill delays seeded with STRATA_TEST_SEED=%u", seed);
        rng_.seed(seed);
        // The decoded-data cache goes to the temp dir, not the user's home.
        env_ = QProcessEnvironment::systemEnvironment();
        env_.insert("XDG_CACHE_HOME", path("cache"));
        env_.insert("XDG_DATA_HOME", path("share"));
        data_ = path("data");
        makeImageFolder(data_, {"a", "b"}, 800, 32, 11);
        design_ = writeText(path("tiny.strata.json"), tinyCnnDesign(32));

        // The uninterrupted reference run (also warms the decoded-data cache).
        QString log;
        QCOMPARE(runToEnd(trainArgs(path("reference.h5"), kEpochs, false), &log), 0);
        reference_ = strata::readRunFile(path("reference.h5").toStdString());
        QCOMPARE(int(reference_.epoch), kEpochs);
        const auto& seconds = reference_.epochMetrics.at("seconds");
        epochMs_ = int(1000.0 * std::accumulate(seconds.begin(), seconds.end(), 0.0) / double(seconds.size()));
        qInfo("one epoch takes about %d ms", epochMs_);
        QVERIFY2(epochMs_ >= 50, "epochs are too short to be killed mid-way");
    }

    // SIGKILL at a random point after the first epoch is saved; resume; same final weights.
    void killMidEpochThenResume() {
        int killed = 0;
        for (int round = 1; round <= 3; ++round) {
            const QString run = path(QString("killed-%1.h5").arg(round));
            QProcess p;
            start(p, trainArgs(run, kEpochs, false));
            QVERIFY(p.waitForStarted());
            QString log;
            QVERIFY2(waitForOutput(p, log, "epoch 1:"), qPrintable(log));
            // Anywhere in epochs 2 and 3.
            const int delay = std::uniform_int_distribution<int>(0, 2 * epochMs_ - 1)(rng_);
            if (killAfter(p, delay)) ++killed;
            const QString what = QString("round %1 (killed %2 ms after epoch 1)").arg(round).arg(delay);
            const int reached = checkIntact(run, what, reference_, kEpochs);
            if (QTest::currentTestFailed()) return;
            QVERIFY2(reached >= 1, qPrintable(what));

            log.clear();
            QCOMPARE(runToEnd(trainArgs(run, kEpochs, true), &log), 0);
            if (reached < kEpochs) QVERIFY2(log.contains(QString("resuming")), qPrintable(log));
            const auto resumed = strata::readRunFile(run.toStdString());
            QCOMPARE(int(resumed.epoch), kEpochs);
            QCOMPARE(resumed.epochMetrics.at("epoch").size(), size_t(kEpochs));
            const QString diff = checkpointDifference(resumed, reference_);
            QVERIFY2(diff.isEmpty(), qPrintable(what + ": " + diff));
            QCOMPARE(resumed.epochMetrics.at("train_loss"), reference_.epochMetrics.at("train_loss"));
        }
        qInfo("%d of 3 rounds were killed mid-run", killed);
        QVERIFY(killed >= 2);
    }

    // SIGKILL around the epoch-end checkpoint write (temp file + rename), again and again on
    // the same run file, with junk temp files lying around; every time the file opens whole,
    // and the final resume still lands on the uninterrupted run's weights.
    void killDuringCheckpointWrite() {
        // Room for several kills: 8 epochs. The reference is the uninterrupted run extended
        // from 4 to 8 epochs (resume == uninterrupted is what the test above checks).
        const int total = 2 * kEpochs;
        QVERIFY(QFile::copy(path("reference.h5"), path("reference8.h5")));
        QString log;
        QCOMPARE(runToEnd(trainArgs(path("reference8.h5"), total, true), &log), 0);
        const strata::RunData reference8 = strata::readRunFile(path("reference8.h5").toStdString());
        QCOMPARE(int(reference8.epoch), total);

        const QString run = path("write.h5");
        const QString junk = run + ".tmp-999999";
        writeText(junk, "half an HDF5 file");
        QVERIFY(QFile::copy(path("reference.h5"), run + ".tmp-999998"));
        QVERIFY(QFile::resize(run + ".tmp-999998", 4096));

        int epoch = 0, attempts = 0, inWrite = 0;
        for (int attempt = 1; attempt <= 6 && epoch < total - 1; ++attempt, ++attempts) {
            QProcess p;
            start(p, trainArgs(run, total, QFile::exists(run)));
            QVERIFY(p.waitForStarted());
            log.clear();
            // The line "epoch N:" follows the write of epoch N; the next write starts about one
            // epoch later. Watch for its temp file (run.tmp-<pid>) and kill 0-2 ms after it
            // appears, i.e. inside the write; if the write is too quick to be seen, kill at a
            // random point around the expected epoch end instead.
            const QString marker = QString("epoch %1:").arg(epoch + 1);
            QVERIFY2(waitForOutput(p, log, marker), qPrintable(log));
            const QString temp = run + ".tmp-" + QString::number(p.processId());
            const int window = epochMs_ + std::uniform_int_distribution<int>(-epochMs_ / 4, epochMs_ / 4)(rng_);
            const int afterAppear = std::uniform_int_distribution<int>(0, 2000)(rng_);  // microseconds
            QElapsedTimer t;
            t.start();
            bool seen = false;
            while (t.elapsed() < 3 * epochMs_ && p.state() == QProcess::Running) {
                if (QFile::exists(temp)) {
                    seen = true;
                    break;
                }
                QThread::usleep(200);
            }
            if (seen) QThread::usleep(ulong(afterAppear));
            else QThread::msleep(ulong(std::max<qint64>(0, window - t.elapsed())));
            killAfter(p, 0);
            if (seen && QFile::exists(temp)) ++inWrite;
            const QString what = QString("attempt %1 (killed %2 after \"%3\")")
                                     .arg(attempt)
                                     .arg(seen ? QString("%1 us into the write").arg(afterAppear) : QString("%1 ms").arg(window))
                                     .arg(marker);
            const int reached = checkIntact(run, what, reference8, total);
            if (QTest::currentTestFailed()) return;
            QVERIFY2(reached >= epoch + 1, qPrintable(what));
            epoch = reached;
        }
        const QStringList leftovers = QDir(tmp_.path()).entryList({"write.h5.tmp-*"}, QDir::Files);
        qInfo("%d kills, %d of them inside a checkpoint write; temp files left: %s", attempts, inWrite,
              qPrintable(leftovers.join(' ')));
        QVERIFY(attempts >= 3);
        QVERIFY2(inWrite >= 1, "no kill landed inside a checkpoint write");

        log.clear();
        QVERIFY2(runToEnd(trainArgs(run, total, true), &log) == 0, qPrintable(log));
        QCOMPARE(checkIntact(run, "after the final resume", reference8, total), total);
        QVERIFY(QFile::exists(junk));  // someone else's temp file is not touched
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(KillResumeTest)
#include "test_kill_resume.moc"
