#pragma once
// Runs work off the UI thread and hands its result back on the owner's thread: the one way the
// studio's panels scan folders, classify images and read snapshots in the background.
//
//   auto* jobs = new BackgroundJob(this);  // a child of the panel: it goes when the panel goes
//   jobs->start([dir](const StopToken& stop) { return scan(dir, stop); },
//               [this](ScanResult result) { apply(result); });
//
// Starting a job makes the results of every older one stale: they are dropped, never
// delivered, and those jobs are asked to stop. Destroying the BackgroundJob (with its owner)
// asks every job to stop and waits for their threads, so no result arrives in a destroyed
// object. The work runs on another thread while the owner may be in its destructor: give it
// copies of what it needs, never the owner's members.
#include <QObject>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace strata {

// What a running job polls to learn that its result is no longer wanted (a newer job started,
// cancel() was called, or the owner is going away). Cheap to copy and to poll.
class StopToken {
public:
    explicit StopToken(std::shared_ptr<const std::atomic<bool>> flag) : flag_(std::move(flag)) {}
    bool stopRequested() const { return flag_->load(std::memory_order_relaxed); }

private:
    std::shared_ptr<const std::atomic<bool>> flag_;
};

class BackgroundJob : public QObject {
    Q_OBJECT
public:
    // Lives on (and delivers to) the thread of `owner`, as its child.
    explicit BackgroundJob(QObject* owner);
    ~BackgroundJob() override;  // cancel(), then waits for every job's thread

    // Runs `work(StopToken)` on a new thread; its return value goes to `deliver` on this
    // object's thread, unless a newer job was started or cancel() was called meanwhile. `work`
    // must not throw: catch inside and return the error as part of the result.
    template <class Work, class Deliver>
    void start(Work work, Deliver deliver, QThread::Priority priority = QThread::InheritPriority) {
        using Result = std::invoke_result_t<Work&, const StopToken&>;
        launch(
            [work = std::move(work), deliver = std::move(deliver)](const StopToken& stop) mutable -> Delivery {
                if constexpr (std::is_void_v<Result>) {
                    work(stop);
                    return [deliver] { deliver(); };
                } else {
                    auto result = std::make_shared<Result>(work(stop));
                    return [deliver, result] { deliver(std::move(*result)); };
                }
            },
            priority);
    }

    // Drops the results of every job started so far and asks them to stop. Their threads end
    // on their own; idle() follows when the last one has.
    void cancel();
    // True from start() until the work of every job started has returned (stale ones included).
    bool isRunning() const { return running_ > 0; }

signals:
    // No job is running any more: emitted after the last one's result (if still wanted) was
    // delivered. A place to start work that must not overlap the previous job.
    void idle();

private:
    using Delivery = std::function<void()>;
    void launch(std::function<Delivery(const StopToken&)> work, QThread::Priority priority);
    void finish(quint64 generation, const Delivery& delivery);

    quint64 generation_ = 0;  // of the newest job; a result from an older one is stale
    int running_ = 0;         // jobs whose work has not returned yet
    std::shared_ptr<std::atomic<bool>> newestStop_;  // the newest job's stop flag
};

}  // namespace strata
