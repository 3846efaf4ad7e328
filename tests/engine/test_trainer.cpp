// The trainer in-process: events, determinism, pause/stop from another thread, a diverging
// run stopping with a message, and the extension points callers plug into (observers from an
// extension see every phase; data-parallel needs a strategy).
// moc needs only the test class: skipping torch and the engine headers saves it seconds a file.
#ifndef Q_MOC_RUN
#include <torch/torch.h>
#endif

#include <QTemporaryDir>
#include <QtTest>

#include <thread>

#ifndef Q_MOC_RUN
#include "runs/RunFile.h"
#include "support/TestData.h"
#include "data/ImageFolder.h"
#include "train/TorchState.h"
#include "train/Trainer.h"
#include "train/TrainingExtension.h"
#include "support/TrainFixtures.h"
#endif

using namespace strata;

namespace {

// Records the phases an extension's observer sees, as "start", "backward N", "epoch N".
class PhaseRecorder : public TrainingObserver {
public:
    explicit PhaseRecorder(std::vector<std::string>& log) : log_(log) {}
    void runStart(GraphModuleImpl&, RunData& run, bool resumed) override {
        log_.push_back(std::string("start") + (resumed ? " resumed" : "") + " epoch " + std::to_string(run.epoch));
    }
    void afterBackward(GraphModuleImpl& model, int64_t step) override {
        bool hasGradients = false;
        for (const auto& p : model.parameters()) hasGradients = hasGradients || p.grad().defined();
        log_.push_back("backward " + std::to_string(step) + (hasGradients ? "" : " (no gradients)"));
    }
    void epochEnd(GraphModuleImpl&, int epoch, RunData&) override { log_.push_back("epoch " + std::to_string(epoch)); }

private:
    std::vector<std::string>& log_;
};

class RecordingExtension : public TrainingExtension {
public:
    std::vector<std::string> log;
    int trainImages = 0;
    std::vector<std::unique_ptr<TrainingObserver>> observers(const TrainingSetup& setup) override {
        trainImages = int(setup.data.trainIdx.size());
        std::vector<std::unique_ptr<TrainingObserver>> made;
        made.push_back(std::make_unique<PhaseRecorder>(log));
        return made;
    }
};

}  // namespace

class TrainerTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString data_;
    Design design_;

    TrainConfig config(const QString& run, int epochs = 2) {
        return test::tinyTrainConfig(data_, tmp_.filePath(run), epochs);
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

    void extensionObserversSeeEveryPhase() {
        Trainer trainer(design_, config("phases.h5"));
        auto extension = std::make_shared<RecordingExtension>();
        trainer.addExtension(extension);
        QVERIFY(trainer.run().status == TrainResult::Status::Finished);
        QCOMPARE(extension->trainImages, 90);
        std::vector<std::string> expected{"start epoch 0"};
        for (int step = 1; step <= 12; ++step) {
            expected.push_back("backward " + std::to_string(step));
            if (step % 6 == 0) expected.push_back("epoch " + std::to_string(step / 6));
        }
        QCOMPARE(extension->log, expected);

        // A resumed run: the observers hear it, and only the new epoch's steps follow.
        TrainConfig more = config("phases.h5", 3);
        more.resume = true;
        Trainer resumed(design_, more);
        auto again = std::make_shared<RecordingExtension>();
        resumed.addExtension(again);
        QVERIFY(resumed.run().status == TrainResult::Status::Finished);
        QCOMPARE(again->log.front(), std::string("start resumed epoch 2"));
        QCOMPARE(again->log.at(1), std::string("backward 13"));
        QCOMPARE(again->log.back(), std::string("epoch 3"));
    }

    void dataParallelNeedsAStrategy() {
        TrainConfig c = config("world.h5");
        c.worldSize = 2;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Trainer(design_, c).run());
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

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(TrainerTest)
#include "test_trainer.moc"
