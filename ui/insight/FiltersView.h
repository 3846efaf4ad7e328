#pragma once
// The first convolution's kernels as one image grid (drawn by core/insight), enlarged with
// nearest-neighbour sampling so 3x3 kernels read as 9 crisp cells, under the layer's id.
#include <QWidget>

#include "insight/FeatureSnapshot.h"

class QLabel;

namespace strata {

class PixelImage;

class FiltersView : public QWidget {
    Q_OBJECT
public:
    explicit FiltersView(QWidget* parent = nullptr);

    // Shows snapshot.filters of snapshot.filtersLayer; a hint when the design has no convolution.
    void setSnapshot(const FeatureSnapshot& snapshot);
    void clear();

    QString title() const;
    const PixelImage* image() const { return image_; }

private:
    QLabel* title_ = nullptr;
    QLabel* hint_ = nullptr;
    PixelImage* image_ = nullptr;
};

}  // namespace strata
