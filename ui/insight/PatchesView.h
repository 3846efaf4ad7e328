#pragma once
// Max-activating patches: for the layer chosen in the combo (early, middle, deep or the
// pinned layer), one row per shown channel with the dataset crops that excite it most, best
// first — the most direct view of what each unit detects.
#include <QWidget>

#include <vector>

#include "insight/FeatureSnapshot.h"

class QComboBox;
class QGridLayout;

namespace strata {

class PatchesView : public QWidget {
    Q_OBJECT
public:
    static constexpr int kTileBox = 44;

    explicit PatchesView(QWidget* parent = nullptr);

    void setSnapshot(const FeatureSnapshot& snapshot);
    void clear();

    QComboBox* layerCombo() const { return combo_; }
    // Shows the layer at `index` of the snapshot's patches (the combo does this on a change).
    void showLayer(int index);
    // For tests: rows (channels) of the shown layer and crop tiles in each row.
    int rowCount() const { return int(rowTiles_.size()); }
    int tilesInRow(int row) const { return rowTiles_.at(size_t(row)); }

private:
    std::vector<LayerPatches> layers_;
    QComboBox* combo_ = nullptr;
    QWidget* content_ = nullptr;
    QGridLayout* grid_ = nullptr;
    std::vector<int> rowTiles_;
};

}  // namespace strata
