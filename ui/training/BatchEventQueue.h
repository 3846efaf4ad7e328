#pragma once
// Batch events from the training thread, handed to the UI thread in bunches, at most once per
// interval while training runs.
//
// Why: one queued signal per batch woke the UI thread 60+ times a second once training got
// fast, and on a 2-core machine every wake-up preempts one of the two OpenMP training threads
// while the other spins at the next barrier. Measured with bench_studio_training on 30,000
// Fashion-MNIST images: the studio trained at 0.63-0.80 of headless speed with per-batch
// signals, 0.86-0.96 with none. Every event still arrives, in order; the plots replot at most
// at the same rate anyway.
#include <QObject>
#include <QTimer>

#include <atomic>
#include <mutex>
#include <vector>

#include "train/Trainer.h"

namespace strata {

class BatchEventQueue : public QObject {
    Q_OBJECT
public:
    explicit BatchEventQueue(int intervalMs, QObject* parent = nullptr);

    // From any thread (the trainer's): keeps the event and, unless one is due already,
    // schedules ready() one interval from now.
    void push(const BatchEvent& event);
    // On the queue's thread: every event pushed so far, oldest first, and the queue emptied.
    std::vector<BatchEvent> take();

signals:
    void ready();

private:
    std::mutex mutex_;
    std::vector<BatchEvent> events_;
    std::atomic<bool> scheduled_{false};
    QTimer timer_;
};

}  // namespace strata
