#include "insight/ActivationsView.h"

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

namespace {
constexpr int kProbeBox = 112;
}

ActivationsView::ActivationsView(QWidget* parent) : QWidget(parent) {
    setObjectName("activationsView");
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    content_ = new QWidget;
    row_ = new QHBoxLayout(content_);
    row_->setContentsMargins(4, 4, 4, 4);
    row_->setSpacing(18);
    scroll->setWidget(content_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
}

void ActivationsView::clear() {
    while (QLayoutItem* item = row_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    headers_.clear();
    tileCounts_.clear();
    hasProbe_ = false;
}

void ActivationsView::setSnapshot(const FeatureSnapshot& snapshot) {
    clear();
    const QImage probe = toQImage(snapshot.probeImage);
    if (!probe.isNull()) {
        auto* column = new QWidget(content_);
        auto* v = new QVBoxLayout(column);
        v->setContentsMargins(0, 0, 0, 0);
        v->addWidget(sectionHeader(tr("probe image"), column));
        v->addWidget(imageTile(probe, kProbeBox, tr("The image whose feature maps are shown"), column));
        v->addStretch(1);
        row_->addWidget(column, 0, Qt::AlignTop);
        hasProbe_ = true;
    }
    for (const LayerActivations& layer : snapshot.activations) row_->addWidget(layerColumn(layer), 0, Qt::AlignTop);
    if (snapshot.activations.empty())
        row_->addWidget(hintLabel(tr("No layer with feature maps to show."), content_), 1);
    row_->addStretch(1);
}

QWidget* ActivationsView::layerColumn(const LayerActivations& layer) {
    auto* column = new QWidget(content_);
    auto* v = new QVBoxLayout(column);
    v->setContentsMargins(0, 0, 0, 0);
    const QString header = layerCaption(layer.role, layer.layer, layer.depth);
    QLabel* title = sectionHeader(header, column);
    title->setToolTip(tr("The channels of %1 with the highest mean activation on the probe image, strongest first")
                          .arg(QString::fromStdString(layer.layer)));
    v->addWidget(title);
    // A feature-vector layer's "maps" are single pixels (its units): smaller cells, more per
    // row, and a note saying what the grey level means.
    const bool units = !layer.maps.empty() && std::all_of(layer.maps.begin(), layer.maps.end(), [](const Picture& p) {
        return p.width == 1 && p.height == 1;
    });
    const int box = units ? kTileBox / 2 : kTileBox;
    const int perRow = units ? 2 * kGridColumns : kGridColumns;
    if (units) {
        auto* note = new QLabel(tr("strongest units; brightness: activation"), column);
        note->setForegroundRole(QPalette::PlaceholderText);
        v->addWidget(note);
    }
    auto* grid = new QGridLayout;
    grid->setSpacing(3);
    int tiles = 0;
    for (size_t i = 0; i < layer.maps.size(); ++i) {
        const QImage map = toQImage(layer.maps[i]);
        if (map.isNull()) continue;
        const int channel = i < layer.channels.size() ? layer.channels[i] : int(i);
        const float mean = i < layer.meanActivation.size() ? layer.meanActivation[i] : 0.f;
        const QString tip = units ? tr("unit %1 · activation %2").arg(channel).arg(double(mean), 0, 'g', 3)
                                  : tr("channel %1 · mean activation %2 · %3×%4 map")
                                        .arg(channel)
                                        .arg(double(mean), 0, 'g', 3)
                                        .arg(map.width())
                                        .arg(map.height());
        QLabel* tile = imageTile(map, box, tip, column);
        grid->addWidget(tile, tiles / perRow, tiles % perRow);
        ++tiles;
    }
    v->addLayout(grid);
    if (tiles == 0) v->addWidget(hintLabel(tr("no feature maps"), column));
    v->addStretch(1);
    headers_ << header;
    tileCounts_.push_back(tiles);
    return column;
}

}  // namespace strata
