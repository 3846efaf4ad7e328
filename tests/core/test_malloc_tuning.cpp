// tuneMallocForTraining: after it, memory a "training step" frees is reused by the next step
// instead of being returned to the kernel and page-faulted back, on the main thread and on
// another thread (the studio trains on one), blocks above glibc's mmap threshold included. Steps are simulated with plain blocks of the sizes
// a CNN step allocates, after one early free of a block bigger than 32 MiB (the decoded data
// set), which is what kept glibc's own thresholds small.
#include <QtTest>

#include <sys/resource.h>

#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "train/MallocTuning.h"

namespace {

long minorFaults() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

constexpr std::size_t kBlockBytes = std::size_t(3) << 20;

// Page faults of `steps` steps that each allocate, touch and free `blocks` blocks.
long faultsOfSteps(int steps, int blocks) {
    const long before = minorFaults();
    for (int s = 0; s < steps; ++s) {
        std::vector<char*> held;
        for (int b = 0; b < blocks; ++b) {
            auto* p = static_cast<char*>(std::malloc(kBlockBytes));
            std::memset(p, s + b, kBlockBytes);
            held.push_back(p);
        }
        for (char* p : held) std::free(p);
    }
    return minorFaults() - before;
}

// The same on a new thread; the first step (growing the heap) is not counted.
long faultsOfStepsOnAThread(int steps, int blocks) {
    long faults = 0;
    std::thread worker([&] {
        faultsOfSteps(1, blocks);
        faults = faultsOfSteps(steps, blocks);
    });
    worker.join();
    return faults;
}

}  // namespace

class MallocTuningTest : public QObject {
    Q_OBJECT

private slots:
    void freedStepMemoryIsReusedWithoutPageFaults() {
#if !defined(__GLIBC__)
        QSKIP("not glibc: the tuning does nothing here");
#endif
        // The early big free, as the decode cache's buffer.
        void* dataset = std::malloc(std::size_t(48) << 20);
        std::memset(dataset, 1, std::size_t(48) << 20);
        std::free(dataset);

        const int steps = 6;
        const int mainBlocks = 12;    // 36 MiB a step
        const int threadBlocks = 32;  // 96 MiB a step: more than one 64 MiB heap of a thread arena
        faultsOfSteps(1, mainBlocks);
        const long untunedMain = faultsOfSteps(steps, mainBlocks);
        // (No untuned thread run: the arena it would create outlives it and would be reused.
        // Untuned, that thread's steps fault in every page: 50,694 faults for these 6 steps.)
        QVERIFY(strata::tuneMallocForTraining());
        faultsOfSteps(1, mainBlocks);  // the heap grows once to the step's size
        const long tunedMain = faultsOfSteps(steps, mainBlocks);
        const long tunedThread = faultsOfStepsOnAThread(steps, threadBlocks);
        const long mainPages = long(mainBlocks * kBlockBytes / 4096), threadPages = long(threadBlocks * kBlockBytes / 4096);
        qInfo("minor page faults over %d steps: main thread (%ld pages a step) %ld with glibc's defaults, %ld tuned; "
              "another thread (%ld pages a step) %ld tuned",
              steps, mainPages, untunedMain, tunedMain, threadPages, tunedThread);
        // Tuned, the steps run in memory already mapped: far under one step's worth of pages.
        QVERIFY2(tunedMain < mainPages / 4, qPrintable(QString("%1 page faults").arg(tunedMain)));
        QVERIFY2(tunedThread < threadPages / 4, qPrintable(QString("%1 page faults").arg(tunedThread)));
    }

    // Blocks above glibc's largest mmap threshold (an activation of a batch of photos) come
    // from the heap too, so a step reuses them instead of mapping and faulting them in anew.
    void blocksAboveTheMmapThresholdAreReused() {
#if !defined(__GLIBC__)
        QSKIP("not glibc: the tuning does nothing here");
#endif
        QVERIFY(strata::tuneMallocForTraining());
        constexpr std::size_t kBig = std::size_t(40) << 20;
        const long pages = long(kBig / 4096);
        auto step = [&] {
            auto* p = static_cast<char*>(std::malloc(kBig));
            std::memset(p, 7, kBig);
            std::free(p);
        };
        step();  // the heap grows once
        const long before = minorFaults();
        for (int s = 0; s < 4; ++s) step();
        const long faults = minorFaults() - before;
        qInfo("minor page faults of 4 steps with a 40 MiB block (%ld pages): %ld", pages, faults);
        QVERIFY2(faults < pages / 4, qPrintable(QString("%1 page faults").arg(faults)));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_APPLESS_MAIN(MallocTuningTest)
#include "test_malloc_tuning.moc"
