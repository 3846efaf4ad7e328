// BackgroundJob (ui/jobs): results come back on the owner's thread; a newer job makes an older
// one's result stale (dropped, and the older job is asked to stop); cancel() asks the job to
// stop and drops its result; destroying the owner during a job stops and waits for it and
// never delivers, not even a result already queued.
#include <QtTest/QtTest>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QThread>

#include <atomic>

#include "jobs/BackgroundJob.h"

using namespace strata;

namespace {
constexpr int kJobLimitMs = 10000;  // a job waiting for its stop request gives up after this
constexpr int kStopBoundMs = 5000;  // a stop request must end a polling job well within this

// Blocks until `release` (or a stop request, when `honourStop`), bounded by kJobLimitMs.
void waitFor(const std::atomic<bool>& release, const StopToken& stop, bool honourStop) {
    QElapsedTimer timer;
    timer.start();
    while (!release && !(honourStop && stop.stopRequested()) && timer.elapsed() < kJobLimitMs) QThread::msleep(1);
}
}  // namespace

class TestBackgroundJob : public QObject {
    Q_OBJECT

private slots:
    void deliversOnTheOwnerThread() {
        QObject owner;
        auto* jobs = new BackgroundJob(&owner);
        QSignalSpy idle(jobs, &BackgroundJob::idle);
        std::atomic<QThread*> workedOn{nullptr};
        QThread* deliveredOn = nullptr;
        int value = 0;
        jobs->start(
            [&workedOn](const StopToken&) {
                workedOn = QThread::currentThread();
                return 42;
            },
            [&](int v) {
                value = v;
                deliveredOn = QThread::currentThread();
            });
        QVERIFY(jobs->isRunning());
        QTRY_COMPARE(value, 42);
        QCOMPARE(deliveredOn, QThread::currentThread());
        QVERIFY(workedOn.load() != nullptr);
        QVERIFY(workedOn.load() != QThread::currentThread());
        QTRY_COMPARE(idle.count(), 1);
        QVERIFY(!jobs->isRunning());
    }

    void newerJobDropsTheRunningOnesResult() {
        QObject owner;
        auto* jobs = new BackgroundJob(&owner);
        QSignalSpy idle(jobs, &BackgroundJob::idle);
        std::atomic<bool> release{false}, olderSawStop{false};
        QList<int> delivered;
        jobs->start(
            [&](const StopToken& stop) {
                waitFor(release, stop, /*honourStop=*/false);
                olderSawStop = stop.stopRequested();
                return 1;
            },
            [&](int v) { delivered << v; });
        jobs->start([](const StopToken&) { return 2; }, [&](int v) { delivered << v; });
        QTRY_COMPARE(delivered, QList<int>({2}));  // the newer result arrives; the older job still runs
        QVERIFY(jobs->isRunning());
        QCOMPARE(idle.count(), 0);
        release = true;
        QTRY_COMPARE(idle.count(), 1);
        QCOMPARE(delivered, QList<int>({2}));  // the older one finished later: dropped
        QVERIFY(olderSawStop);                 // and it had been asked to stop
    }

    void newerJobDropsAResultAlreadyQueued() {
        QObject owner;
        auto* jobs = new BackgroundJob(&owner);
        std::atomic<bool> olderDone{false}, release{false};
        QList<int> delivered;
        jobs->start(
            [&](const StopToken&) {
                olderDone = true;
                return 1;
            },
            [&](int v) { delivered << v; });
        while (!olderDone) QThread::msleep(1);  // its result is posted; no events processed yet
        QThread::msleep(20);
        jobs->start(
            [&](const StopToken& stop) {
                waitFor(release, stop, /*honourStop=*/false);
                return 2;
            },
            [&](int v) { delivered << v; });
        QTest::qWait(50);
        QVERIFY(delivered.isEmpty());
        release = true;
        QTRY_COMPARE(delivered, QList<int>({2}));
    }

    void cancelRequestsStopAndDropsTheResult() {
        QObject owner;
        auto* jobs = new BackgroundJob(&owner);
        QSignalSpy idle(jobs, &BackgroundJob::idle);
        std::atomic<bool> started{false}, sawStop{false}, never{false};
        bool delivered = false;
        jobs->start(
            [&](const StopToken& stop) {
                started = true;
                waitFor(never, stop, /*honourStop=*/true);
                sawStop = stop.stopRequested();
                return 1;
            },
            [&](int) { delivered = true; });
        QTRY_VERIFY(started);
        QVERIFY(!sawStop);
        QElapsedTimer timer;
        timer.start();
        jobs->cancel();
        QTRY_COMPARE(idle.count(), 1);
        QVERIFY2(timer.elapsed() < kStopBoundMs, qPrintable(QString::number(timer.elapsed())));
        QVERIFY(sawStop);  // the flag reached the job's thread
        QVERIFY(!delivered);
        QVERIFY(!jobs->isRunning());
    }

    void destroyingTheOwnerStopsAndWaitsWithoutDelivering() {
        auto* owner = new QObject;
        auto* jobs = new BackgroundJob(owner);
        std::atomic<bool> started{false}, finished{false}, never{false};
        bool delivered = false;
        jobs->start(
            [&](const StopToken& stop) {
                started = true;
                waitFor(never, stop, /*honourStop=*/true);
                finished = stop.stopRequested();
                return 1;
            },
            [&](int) { delivered = true; });
        QTRY_VERIFY(started);
        QElapsedTimer timer;
        timer.start();
        delete owner;  // the job goes with it: asked to stop, its thread waited for
        QVERIFY2(timer.elapsed() < kStopBoundMs, qPrintable(QString::number(timer.elapsed())));
        QVERIFY(finished);  // the work had ended (on its stop request) when delete returned
        QTest::qWait(50);
        QVERIFY(!delivered);
    }

    void destroyingTheOwnerDropsAResultAlreadyQueued() {
        auto* owner = new QObject;
        auto* jobs = new BackgroundJob(owner);
        std::atomic<bool> done{false};
        bool delivered = false;
        jobs->start(
            [&](const StopToken&) {
                done = true;
                return 1;
            },
            [&](int) { delivered = true; });
        while (!done) QThread::msleep(1);
        QThread::msleep(20);  // the result is posted to the owner's thread, not yet delivered
        delete owner;
        QTest::qWait(50);
        QVERIFY(!delivered);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(TestBackgroundJob)
#include "test_background_job.moc"
