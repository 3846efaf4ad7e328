// tuneMallocForTraining: after it, memory a "training step" frees is reused by the next step
// instead of being returned to the kernel and page-faulted back. The step is simulated with
// plain blocks of the sizes a CNN step allocates, after one early free of a block bigger than
// 32 MiB (the decoded data set), which is what kept glibc's own thresholds small.
#include <QtTest>

#include <sys/resource.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "train/MallocTuning.h"

namespace {

long minorFaults() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

constexpr int kBlocks = 12;
constexpr std::size_t kBlockBytes = std::size_t(3) << 20;  // 36 MiB per step in all

// Page faults of `steps` steps that allocate, touch and free kBlocks blocks.
long faultsOfSteps(int steps) {
    const long before = minorFaults();
    for (int s = 0; s < steps; ++s) {
        std::vector<char*> blocks;
        for (int b = 0; b < kBlocks; ++b) {
            auto* p = static_cast<char*>(std::malloc(kBlockBytes));
            std::memset(p, s + b, kBlockBytes);
            blocks.push_back(p);
        }
        for (char* p : blocks) std::free(p);
    }
    return minorFaults() - before;
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

        const int steps = 8;
        const long pagesPerStep = long(kBlocks * kBlockBytes / 4096);
        faultsOfSteps(1);
        const long untuned = faultsOfSteps(steps);
        QVERIFY(strata::tuneMallocForTraining());
        faultsOfSteps(1);  // the heap grows once to the step's size
        const long tuned = faultsOfSteps(steps);
        qInfo("minor page faults over %d steps of %ld pages: %ld with glibc's defaults, %ld tuned", steps,
              pagesPerStep, untuned, tuned);
        // Tuned, the steps run in memory already mapped: far under one step's worth of pages.
        QVERIFY2(tuned < pagesPerStep / 4, qPrintable(QString("%1 page faults").arg(tuned)));
    }
};

QTEST_APPLESS_MAIN(MallocTuningTest)
#include "test_malloc_tuning.moc"
