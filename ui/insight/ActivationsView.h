#pragma once
// The probe image at the left, then one column per layer (early, middle, deep, and a pinned
// layer when there is one), each headed "early · conv1 · depth 1" and showing its strongest
// channels' feature maps in a small grid, strongest first.
#include <QStringList>
#include <QWidget>

#include <vector>

#include "insight/FeatureSnapshot.h"

class QHBoxLayout;

namespace strata {

class ActivationsView : public QWidget {
    Q_OBJECT
public:
    static constexpr int kTileBox = 56;      // feature-map tile size in pixels
    static constexpr int kGridColumns = 4;   // tiles per row in a layer's column

    explicit ActivationsView(QWidget* parent = nullptr);

    void setSnapshot(const FeatureSnapshot& snapshot);
    void clear();

    // For tests: the layer columns shown (the probe image column not counted), their
    // headers, and the number of map tiles in each.
    int columnCount() const { return int(tileCounts_.size()); }
    QStringList headers() const { return headers_; }
    int tileCount(int column) const { return tileCounts_.at(size_t(column)); }
    bool showsProbeImage() const { return hasProbe_; }

private:
    QWidget* layerColumn(const LayerActivations& layer);

    QWidget* content_ = nullptr;
    QHBoxLayout* row_ = nullptr;
    QStringList headers_;
    std::vector<int> tileCounts_;
    bool hasProbe_ = false;
};

}  // namespace strata
