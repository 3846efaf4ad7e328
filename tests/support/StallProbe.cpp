#include "support/StallProbe.h"

#include <algorithm>

namespace strata {

StallProbe::StallProbe(QObject* parent) : QObject(parent) {
    timer_.setTimerType(Qt::PreciseTimer);
    timer_.setInterval(kIntervalMs);
    connect(&timer_, &QTimer::timeout, this, &StallProbe::tick);
}

void StallProbe::start() {
    ticks_ = 0;
    totalMs_ = maxStallMs_ = 0;
    clock_.start();
    lastNs_ = 0;
    timer_.start();
}

void StallProbe::stop() {
    if (timer_.isActive()) tick();  // a stall in progress counts too
    timer_.stop();
}

void StallProbe::tick() {
    const qint64 now = clock_.nsecsElapsed();
    const double gapMs = double(now - lastNs_) / 1e6;
    lastNs_ = now;
    ++ticks_;
    totalMs_ += gapMs;
    maxStallMs_ = std::max(maxStallMs_, gapMs - kIntervalMs);
}

}  // namespace strata
