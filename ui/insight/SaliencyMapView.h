#pragma once
// Where the network looked: the probe image beside the saliency heat map blended over it
// (Grad-CAM on the last convolution, or the input gradient without one), with the predicted
// class and its probability.
#include <QWidget>

#include "insight/FeatureSnapshot.h"

class QLabel;

namespace strata {

class PixelImage;

class SaliencyMapView : public QWidget {
    Q_OBJECT
public:
    explicit SaliencyMapView(QWidget* parent = nullptr);

    void setSnapshot(const FeatureSnapshot& snapshot);
    void clear();

    QString caption() const;
    const PixelImage* probeImage() const { return probe_; }
    const PixelImage* overlay() const { return overlay_; }

private:
    QLabel* caption_ = nullptr;
    QLabel* method_ = nullptr;
    PixelImage* probe_ = nullptr;
    PixelImage* overlay_ = nullptr;
};

}  // namespace strata
