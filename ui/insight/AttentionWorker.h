#pragma once
// The Attention tab's computations off the UI thread: a run's attention view (for a design
// with attention layers) or its convolutions' receptive fields (for one without), and the
// receptive fields of a CNN run to compare with. A newer request of either kind drops the
// result of the one before it.
#include <QMetaType>
#include <QObject>
#include <QString>

#include <vector>

#include "insight/AttentionMaps.h"

namespace strata {

class BackgroundJob;

// What a run shows on the Attention tab.
struct RunSight {
    QString run;
    bool hasAttention = false;
    AttentionView attention;               // when hasAttention
    std::vector<SightPoint> convolutions;  // the receptive field of each convolution
    QString error;                         // the run could not be read or computed
};

class AttentionWorker : public QObject {
    Q_OBJECT
public:
    explicit AttentionWorker(QObject* parent = nullptr);

    // The attention view of `runPath` for the probe image ("" = the first training image).
    void compute(const QString& runPath, const QString& probeImage);
    // The convolutions of `runPath`, for the comparison: compared(...).
    void compare(const QString& runPath);
    bool isBusy() const;

signals:
    void ready(const strata::RunSight& sight);
    void compared(const strata::RunSight& sight);

private:
    BackgroundJob* runJobs_;
    BackgroundJob* compareJobs_;
};

}  // namespace strata

Q_DECLARE_METATYPE(strata::RunSight)
