// The trainer in-process: events, determinism, pause/stop from another thread, and a
// diverging run stopping with a message.
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <thread>

#include "runs/RunFile.h"
#include "support/TestData.h"
#include "data/ImageFolder.h"
#include "train/TorchState.h"
#include "train/Trainer.h"

using namespace strata;

class TrainerTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString data_;
    Design design_;

    TrainConfig config(const QString& run, int epochs = 2) {
        TrainConfig c;
        c.data = data_.toStdString();
        c.epochs = epochs;
        c.batchSize = 16;
        c.threads = 1;
        c.lr = 0.01;
        c.run = tmp_.filePath(run).toStdString();
        return c;
    }

private slots:
    void initTestCase() {
        data_ = tmp_.filePath("data");
        test::makeImageFolder(data_, {"a", "b", "c"}, 30, 16, 5);
        design_ = parseDesign(test::tinyCnnDesign().toStdString());
    }

    void eventsArriveInOrder() {
        Trainer trainer(design_, config("events.h5"));
        std::vector<int> epochs;
        int64_t batches = 0, lastStep = 0;
        TrainEvents ev;
        ev.batch = [&](const BatchEvent& e) {
            ++batches;
            QCOMPARE(e.step, lastStep + 1);
            lastStep = e.step;
            QVERIFY(e.loss > 0);
            QCOMPARE(e.batches, int64_t(6));  // 90 images / 16
        };
        ev.epoch = [&](const EpochRecord& r) { epochs.push_back(r.epoch); };
        trainer.setEvents(ev);
        TrainResult r = trainer.run();
        QVERIFY(r.status == TrainResult::Status::Finished);
        QCOMPARE(batches, int64_t(12));
        QCOMPARE(epochs, std::vector<int>({1, 2}));
        QCOMPARE(r.metrics.epochs.size(), size_t(2));
        const RunData run = readRunFile(tmp_.filePath("events.h5").toStdString());
        QCOMPARE(run.steps.size(), size_t(12));
        QCOMPARE(run.step, int64_t(12));
    }

    void sameSeedSameWeights() {
        TrainResult a = Trainer(design_, config("a.h5")).run();
        TrainResult b = Trainer(design_, config("b.h5")).run();
        QCOMPARE(a.metrics.epochs.back().trainLoss, b.metrics.epochs.back().trainLoss);
        const RunData ra = readRunFile(tmp_.filePath("a.h5").toStdString());
        const RunData rb = readRunFile(tmp_.filePath("b.h5").toStdString());
        QVERIFY(findArray(ra.checkpoint, "fc.weight")->f32 == findArray(rb.checkpoint, "fc.weight")->f32);
        TrainConfig other = config("c.h5");
        other.seed = 1;
        TrainResult c = Trainer(design_, other).run();
        QVERIFY(c.metrics.epochs.back().trainLoss != a.metrics.epochs.back().trainLoss);
    }

    void pauseThenStopFromAnotherThread() {
        Trainer trainer(design_, config("stop.h5", 50));
        std::atomic<int64_t> steps{0};
        TrainEvents ev;
        ev.batch = [&](const BatchEvent& e) { steps = e.step; };
        trainer.setEvents(ev);
        TrainResult result;
        std::thread worker([&] { result = trainer.run(); });
        while (steps < 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        trainer.pause();
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        const int64_t paused = steps;
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        QCOMPARE(int64_t(steps), paused);  // no progress while paused
        trainer.resume();
        while (steps < paused + 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        trainer.stop();
        worker.join();
        QVERIFY(result.status == TrainResult::Status::Stopped);
        QVERIFY(result.metrics.epochs.size() < 50);
        // The run file holds whole epochs only.
        const RunData run = readRunFile(tmp_.filePath("stop.h5").toStdString());
        QCOMPARE(int64_t(run.epochMetrics.at("epoch").size()), run.epoch);
    }

    void divergingLossStopsWithMessage() {
        TrainConfig c = config("nan.h5", 20);
        c.optimizer = "sgd";
        c.lr = 10;
        c.momentum = 0.99;
        TrainResult r = Trainer(design_, c).run();
        QVERIFY(r.status == TrainResult::Status::Failed);
        QVERIFY2(r.error.find("learning rate") != std::string::npos, r.error.c_str());
        const RunData run = readRunFile(c.run);
        QCOMPARE(int64_t(run.epochMetrics.at("epoch").size()), run.epoch);
    }

    void badInputThrowsBeforeTraining() {
        TrainConfig c = config("bad.h5");
        c.data = tmp_.filePath("missing").toStdString();
        QVERIFY_THROWS_EXCEPTION(DataError, Trainer(design_, c).run());
        c = config("bad.h5");
        c.batchSize = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Trainer(design_, c).run());
    }
};

QTEST_GUILESS_MAIN(TrainerTest)
#include "test_trainer.moc"
