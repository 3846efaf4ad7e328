// BatchEventQueue: events pushed from the training thread reach the UI thread complete and in
// order, in a few bunches rather than one wake-up per batch.
#include <QtTest/QtTest>

#include <QSignalSpy>
#include <thread>

#include "training/BatchEventQueue.h"

using namespace strata;

namespace {

BatchEvent batch(int64_t step) {
    BatchEvent e;
    e.epoch = 1;
    e.epochs = 1;
    e.batch = step;
    e.batches = 1000;
    e.step = step;
    e.loss = 1.0 / double(step);
    return e;
}

}  // namespace

class BatchEventQueueTest : public QObject {
    Q_OBJECT

private slots:
    void deliversEveryEventInOrderInFewBunches() {
        BatchEventQueue queue(50);
        std::vector<int64_t> received;
        int deliveries = 0;
        connect(&queue, &BatchEventQueue::ready, this, [&] {
            ++deliveries;
            for (const BatchEvent& e : queue.take()) received.push_back(e.step);
        });
        constexpr int kEvents = 1000;
        // A fast trainer: 1,000 batches in ~0.2 s from another thread.
        std::thread trainer([&] {
            for (int i = 1; i <= kEvents; ++i) {
                queue.push(batch(i));
                if (i % 5 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        });
        QTRY_COMPARE_WITH_TIMEOUT(int(received.size()), kEvents, 10000);
        trainer.join();
        for (int i = 0; i < kEvents; ++i) QCOMPARE(received[size_t(i)], int64_t(i + 1));
        // One per 50 ms while events arrive: far fewer than one per event.
        QVERIFY2(deliveries <= 40, qPrintable(QString::number(deliveries)));
        QVERIFY(deliveries >= 1);
    }

    void eventsPushedAfterATakeComeInTheNextDelivery() {
        BatchEventQueue queue(20);
        QSignalSpy ready(&queue, &BatchEventQueue::ready);
        queue.push(batch(1));
        QVERIFY(ready.wait(2000));
        QCOMPARE(queue.take().size(), size_t(1));
        queue.push(batch(2));  // the queue was drained: this one schedules a new delivery
        QVERIFY(ready.wait(2000));
        const std::vector<BatchEvent> second = queue.take();
        QCOMPARE(second.size(), size_t(1));
        QCOMPARE(second.front().step, int64_t(2));
        QVERIFY(queue.take().empty());
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(BatchEventQueueTest)
#include "test_batch_event_queue.moc"
