#pragma once
// Measures how long the UI thread stalls: a precise timer ticks every kIntervalMs on the
// thread that calls start(); any gap between ticks beyond the interval is time the event
// loop could not run. Used by tests and the studio benchmark.
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace strata {

class StallProbe : public QObject {
    Q_OBJECT
public:
    static constexpr int kIntervalMs = 5;

    explicit StallProbe(QObject* parent = nullptr);

    // Starts measuring afresh (forgets earlier figures).
    void start();
    void stop();
    bool isRunning() const { return timer_.isActive(); }

    // Longest gap between ticks minus the interval, in ms (0 before two ticks).
    double maxStallMs() const { return maxStallMs_; }
    // Mean time between ticks in ms (0 before two ticks); near kIntervalMs when smooth.
    double meanIntervalMs() const { return ticks_ > 0 ? totalMs_ / double(ticks_) : 0; }
    // Gaps measured.
    qint64 tickCount() const { return ticks_; }

private:
    void tick();

    QTimer timer_;
    QElapsedTimer clock_;
    qint64 lastNs_ = 0;
    qint64 ticks_ = 0;
    double totalMs_ = 0, maxStallMs_ = 0;
};

}  // namespace strata
