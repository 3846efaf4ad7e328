#include "training/BatchEventQueue.h"

#include <QMetaObject>

namespace strata {

BatchEventQueue::BatchEventQueue(int intervalMs, QObject* parent) : QObject(parent) {
    timer_.setSingleShot(true);
    timer_.setInterval(intervalMs);
    connect(&timer_, &QTimer::timeout, this, &BatchEventQueue::ready);
}

void BatchEventQueue::push(const BatchEvent& event) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        events_.push_back(event);
    }
    // One posted wake-up per interval at most: the timer lives on the queue's thread.
    if (!scheduled_.exchange(true)) QMetaObject::invokeMethod(this, [this] { timer_.start(); }, Qt::QueuedConnection);
}

std::vector<BatchEvent> BatchEventQueue::take() {
    std::vector<BatchEvent> taken;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        taken.swap(events_);
        // Cleared under the lock: a push after this sees it clear and schedules the next delivery.
        scheduled_ = false;
    }
    return taken;
}

}  // namespace strata
