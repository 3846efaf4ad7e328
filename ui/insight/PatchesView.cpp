#include "insight/PatchesView.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>

#include "insight/LayerCaption.h"
#include "widgets/Labels.h"
#include "insight/PictureImage.h"

namespace strata {

PatchesView::PatchesView(QWidget* parent) : QWidget(parent) {
    setObjectName("patchesView");
    combo_ = new QComboBox(this);
    combo_->setObjectName("patchesLayer");
    combo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Layer:"), this));
    top->addWidget(combo_);
    auto* explain = new QLabel(tr("Each row is one channel; its crops are the dataset regions that excite it most, "
                                  "strongest first."),
                               this);
    explain->setForegroundRole(QPalette::PlaceholderText);
    top->addWidget(explain, 1);

    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    content_ = new QWidget;
    grid_ = new QGridLayout(content_);
    grid_->setContentsMargins(4, 4, 4, 4);
    grid_->setHorizontalSpacing(3);
    grid_->setVerticalSpacing(3);
    scroll->setWidget(content_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(scroll, 1);
    connect(combo_, &QComboBox::currentIndexChanged, this, &PatchesView::showLayer);
}

void PatchesView::clear() {
    const QSignalBlocker block(combo_);
    combo_->clear();
    layers_.clear();
    showLayer(-1);
}

void PatchesView::setSnapshot(const FeatureSnapshot& snapshot) {
    // Keep the user's choice of role (or pinned layer) across epochs.
    const QString previous = combo_->currentData().toString();
    layers_ = snapshot.patches;
    const QSignalBlocker block(combo_);
    combo_->clear();
    int keep = 0;
    for (size_t i = 0; i < layers_.size(); ++i) {
        const QString role = roleName(layers_[i].role);
        combo_->addItem(layerCaption(layers_[i].role, layers_[i].layer, layers_[i].depth), role);
        if (role == previous) keep = int(i);
    }
    combo_->setCurrentIndex(layers_.empty() ? -1 : keep);
    showLayer(combo_->currentIndex());
}

void PatchesView::showLayer(int index) {
    while (QLayoutItem* item = grid_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    rowTiles_.clear();
    for (int c = 0; c < grid_->columnCount(); ++c) grid_->setColumnStretch(c, 0);
    for (int r = 0; r < grid_->rowCount(); ++r) grid_->setRowStretch(r, 0);
    if (index < 0 || size_t(index) >= layers_.size()) {
        grid_->addWidget(hintLabel(tr("No patches to show."), content_), 0, 0);
        return;
    }
    const LayerPatches& layer = layers_[size_t(index)];
    int widest = 0;
    for (size_t row = 0; row < layer.crops.size(); ++row) {
        const int channel = row < layer.channels.size() ? layer.channels[row] : int(row);
        auto* name = new QLabel(tr("channel %1").arg(channel), content_);
        grid_->addWidget(name, int(row), 0, Qt::AlignRight | Qt::AlignVCenter);
        int tiles = 0;
        for (size_t rank = 0; rank < layer.crops[row].size(); ++rank) {
            const QImage crop = toQImage(layer.crops[row][rank]);
            if (crop.isNull()) continue;
            QString tip = tr("channel %1 · rank %2").arg(channel).arg(rank + 1);
            if (row < layer.activations.size() && rank < layer.activations[row].size())
                tip += tr(" · activation %1").arg(double(layer.activations[row][rank]), 0, 'g', 3);
            grid_->addWidget(imageTile(crop, kTileBox, tip, content_), int(row), 1 + tiles);
            ++tiles;
        }
        widest = std::max(widest, tiles);
        rowTiles_.push_back(tiles);
    }
    grid_->setColumnStretch(widest + 1, 1);
    grid_->setRowStretch(int(layer.crops.size()), 1);
}

}  // namespace strata
