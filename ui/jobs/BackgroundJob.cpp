#include "jobs/BackgroundJob.h"

#include <QMetaObject>
#include <QPointer>

namespace strata {

BackgroundJob::BackgroundJob(QObject* owner) : QObject(owner) {}

BackgroundJob::~BackgroundJob() {
    cancel();
    // Only our own threads are our children. Their last act is a queued call to this object,
    // which Qt discards with it; until then we are still alive for them to post to.
    for (QThread* thread : findChildren<QThread*>(QString(), Qt::FindDirectChildrenOnly)) thread->wait();
}

void BackgroundJob::cancel() {
    ++generation_;
    if (newestStop_) newestStop_->store(true);  // older jobs were asked when this one started
}

void BackgroundJob::launch(std::function<Delivery(const StopToken&)> work, QThread::Priority priority) {
    cancel();  // the running jobs' results are stale from now on
    const quint64 generation = generation_;
    auto stop = std::make_shared<std::atomic<bool>>(false);
    newestStop_ = stop;
    ++running_;
    QThread* thread = QThread::create([this, work = std::move(work), stop, generation] {
        Delivery delivery = work(StopToken(stop));
        QMetaObject::invokeMethod(
            this, [this, generation, delivery = std::move(delivery)] { finish(generation, delivery); },
            Qt::QueuedConnection);
    });
    thread->setParent(this);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start(priority);
}

void BackgroundJob::finish(quint64 generation, const Delivery& delivery) {
    --running_;
    QPointer<BackgroundJob> alive(this);  // the delivery may delete the owner, and so us
    if (generation == generation_) delivery();
    if (alive && running_ == 0) emit idle();
}

}  // namespace strata
