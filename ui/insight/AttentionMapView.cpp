#include "insight/AttentionMapView.h"

#include <QComboBox>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>

#include "insight/PictureImage.h"
#include "widgets/Labels.h"
#include "widgets/PixelImage.h"
#include "widgets/ThrottledPlot.h"

namespace strata {

namespace {
constexpr int kBox = 260;
constexpr int kRollout = -1;  // the block combo's data for the rollout entry
const QColor kAttentionColor(31, 119, 180);
const QColor kConvColor(230, 85, 13);

QString runName(const QString& path) { return QFileInfo(path).fileName(); }

QCPGraph* addSeries(QCustomPlot* plot, const QString& name, const QColor& color, QCPScatterStyle::ScatterShape shape,
                    bool line) {
    QCPGraph* g = plot->addGraph();
    g->setName(name);
    g->setPen(line ? QPen(color, 2) : Qt::NoPen);
    g->setLineStyle(line ? QCPGraph::lsLine : QCPGraph::lsNone);
    g->setScatterStyle(QCPScatterStyle(shape, color, line ? color : QColor(color.red(), color.green(), color.blue(), 90),
                                       line ? 8 : 5));
    return g;
}
}  // namespace

AttentionMapView::AttentionMapView(QWidget* parent) : QWidget(parent) {
    setObjectName("attentionView");
    buildControls();
    clear();
}

void AttentionMapView::buildControls() {
    caption_ = hintLabel(QString(), this);
    caption_->setObjectName("attentionCaption");
    block_ = new QComboBox(this);
    block_->setObjectName("attentionBlock");
    block_->setToolTip(tr("The attention block whose map is shown, or the rollout through all blocks"));
    head_ = new QComboBox(this);
    head_->setObjectName("attentionHead");
    compare_ = new QPushButton(tr("Compare with run…"), this);
    compare_->setObjectName("attentionCompare");
    compare_->setToolTip(tr("A CNN run whose receptive fields the chart shows beside the attention distances"));
    compareLabel_ = new QLabel(this);
    compareLabel_->setForegroundRole(QPalette::PlaceholderText);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Block:"), this));
    bar->addWidget(block_);
    bar->addWidget(new QLabel(tr("Head:"), this));
    bar->addWidget(head_);
    bar->addStretch(1);
    bar->addWidget(compare_);
    bar->addWidget(compareLabel_);

    probe_ = new PixelImage(this);
    probe_->setPreferredBox(kBox);
    overlay_ = new PixelImage(this);
    overlay_->setPreferredBox(kBox);
    mapCaption_ = new QLabel(this);
    mapCaption_->setWordWrap(true);
    auto* maps = new QWidget(this);
    auto* grid = new QGridLayout(maps);
    grid->addWidget(new QLabel(tr("probe image"), maps), 0, 0, Qt::AlignHCenter);
    grid->addWidget(new QLabel(tr("attention to its patches"), maps), 0, 1, Qt::AlignHCenter);
    grid->addWidget(probe_, 1, 0);
    grid->addWidget(overlay_, 1, 1);
    grid->addWidget(mapCaption_, 2, 0, 1, 2);
    grid->setRowStretch(1, 1);

    plot_ = new QCustomPlot(this);
    plot_->setObjectName("attentionDistancePlot");
    plot_->setMinimumSize(280, 200);
    styleAxisRect(plot_->axisRect());
    plot_->xAxis->setLabel(tr("depth: attention block or convolution, in order"));
    plot_->yAxis->setLabel(tr("what the layer sees (pixels)"));
    plot_->xAxis->setTicker(integerTicker());
    plot_->legend->setVisible(true);
    plot_->legend->setFont(QFont(plot_->font().family(), 8));
    plot_->legend->setBrush(QColor(255, 255, 255, 200));
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignLeft | Qt::AlignTop);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(maps);
    split->addWidget(plot_);
    split->setSizes({560, 560});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(caption_);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    connect(block_, &QComboBox::currentIndexChanged, this, [this] {
        head_->setEnabled(hasAttention() && block_->currentData().toInt() != kRollout);
        showMap();
    });
    connect(head_, &QComboBox::currentIndexChanged, this, &AttentionMapView::showMap);
    connect(compare_, &QPushButton::clicked, this, &AttentionMapView::compareRequested);
}

void AttentionMapView::clear(const QString& hint) {
    sight_ = RunSight();
    caption_->setStyleSheet(QString());
    caption_->setText(hint.isEmpty() ? tr("Open a run (or train one) to see what its attention layers look at: "
                                          "vit-tiny and other designs with MultiheadAttention.")
                                     : hint);
    fillSelectors();
    showMap();
    drawChart();
}

void AttentionMapView::setSight(const RunSight& sight) {
    sight_ = sight;
    const QString name = runName(sight.run);
    caption_->setStyleSheet(sight.error.isEmpty() ? QString() : QStringLiteral("color: #c62828;"));
    if (!sight.error.isEmpty())
        caption_->setText(tr("The attention of %1 could not be computed: %2").arg(name, sight.error));
    else if (hasAttention())
        caption_->setText(tr("%1: attention %2 to each %3×%3 patch of the probe image; the rollout multiplies the "
                             "blocks' attention (heads averaged, plus the skip connection). The chart: each block's "
                             "mean attention distance over %4 images.")
                              .arg(name, sight.attention.classToken ? tr("from the class token") : tr("averaged over tokens"))
                              .arg(sight.attention.patchSize)
                              .arg(sight.attention.distanceImages));
    else
        caption_->setText(tr("%1 has no attention layers. The chart shows what its convolutions see: the receptive "
                             "field of each one, in pixels. Open a run with attention to compare the two.")
                              .arg(name));
    // A CNN run shown is also the one to compare the next attention run with.
    if (sight.error.isEmpty() && !sight.hasAttention && !sight.convolutions.empty()) comparison_ = sight;
    fillSelectors();
    showMap();
    drawChart();
}

void AttentionMapView::setComparison(const RunSight& sight) {
    if (!sight.error.isEmpty()) {
        compareLabel_->setText(sight.error);
        return;
    }
    if (sight.convolutions.empty()) {
        compareLabel_->setText(tr("%1 has no convolutions").arg(runName(sight.run)));
        return;
    }
    comparison_ = sight;
    drawChart();
}

void AttentionMapView::fillSelectors() {
    const QSignalBlocker blockBlock(block_), blockHead(head_);
    const int block = block_->currentIndex(), head = head_->currentIndex();
    block_->clear();
    head_->clear();
    if (hasAttention()) {
        for (const AttentionBlock& b : sight_.attention.blocks)
            block_->addItem(tr("Block %1 · %2").arg(b.order).arg(QString::fromStdString(b.layer)), b.order - 1);
        block_->addItem(tr("Rollout (all blocks)"), kRollout);
        head_->addItem(tr("Mean of heads"), -1);
        for (size_t h = 0; h < sight_.attention.blocks.front().headMaps.size(); ++h)
            head_->addItem(tr("Head %1").arg(h + 1), int(h));
        // A recomputation (another probe image) keeps the user's choice.
        block_->setCurrentIndex(block >= 0 && block < block_->count() ? block : 0);
        head_->setCurrentIndex(head >= 0 && head < head_->count() ? head : 0);
    }
    block_->setEnabled(hasAttention());
    head_->setEnabled(hasAttention() && block_->currentData().toInt() != kRollout);
    compare_->setEnabled(hasAttention());
}

void AttentionMapView::showMap() {
    shown_.clear();
    if (!hasAttention()) {
        probe_->setImage(QImage());
        overlay_->setImage(QImage());
        mapCaption_->clear();
        return;
    }
    const AttentionView& a = sight_.attention;
    const int block = block_->currentData().toInt(), head = head_->currentData().toInt();
    if (block == kRollout) {
        shown_ = a.rollout;
        mapCaption_->setText(tr("Rollout through %1 blocks: where the class token's information comes from.")
                                 .arg(a.blocks.size()));
    } else {
        const AttentionBlock& b = a.blocks.at(size_t(block));
        shown_ = head < 0 ? b.meanMap : b.headMaps.at(size_t(head));
        const double distance = head < 0 || b.headDistance.empty() ? b.meanDistance : b.headDistance.at(size_t(head));
        mapCaption_->setText(tr("%1, %2: mean attention distance %3 px")
                                 .arg(QString::fromStdString(b.layer), head < 0 ? tr("mean of heads") : tr("head %1").arg(head + 1))
                                 .arg(distance, 0, 'f', 1));
    }
    probe_->setImage(toQImage(a.probeImage));
    overlay_->setImage(toQImage(attentionOverlay(a.probeImage, shown_, a.gridHeight, a.gridWidth)));
}

void AttentionMapView::drawChart() {
    plot_->clearGraphs();
    plot_->clearItems();
    double top = 1, right = 1;
    if (hasAttention()) {
        const AttentionView& a = sight_.attention;
        QCPGraph* heads = addSeries(plot_, tr("heads"), kAttentionColor, QCPScatterStyle::ssDisc, false);
        QCPGraph* mean = addSeries(plot_, tr("mean attention distance · %1").arg(runName(sight_.run)), kAttentionColor,
                                   QCPScatterStyle::ssCircle, true);
        for (const AttentionBlock& b : a.blocks) {
            for (double d : b.headDistance) heads->addData(b.order, d);
            if (!b.headDistance.empty()) mean->addData(b.order, b.meanDistance);
            for (double d : b.headDistance) top = std::max(top, d);
            right = std::max(right, double(b.order));
        }
        // The image's side: no layer can see farther than the picture it looks at.
        auto* side = new QCPItemStraightLine(plot_);
        side->point1->setCoords(0, a.probeImage.width);
        side->point2->setCoords(1, a.probeImage.width);
        side->setPen(QPen(Qt::gray, 1, Qt::DashLine));
        auto* sideLabel = new QCPItemText(plot_);
        sideLabel->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
        sideLabel->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
        sideLabel->position->setTypeY(QCPItemPosition::ptPlotCoords);
        sideLabel->position->setCoords(0.99, a.probeImage.width);
        sideLabel->setText(tr("image side (%1 px)").arg(a.probeImage.width));
        sideLabel->setColor(Qt::gray);
        top = std::max(top, double(a.probeImage.width));
    }
    const RunSight& cnn = hasAttention() ? comparison_ : sight_;
    if (!cnn.convolutions.empty()) {
        QCPGraph* conv = addSeries(plot_, tr("receptive field · %1").arg(runName(cnn.run)), kConvColor,
                                   QCPScatterStyle::ssSquare, true);
        for (const SightPoint& p : cnn.convolutions) {
            conv->addData(p.order, p.pixels);
            top = std::max(top, p.pixels);
            right = std::max(right, double(p.order));
        }
    }
    compareLabel_->setText(hasAttention() && !comparison_.convolutions.empty() ? runName(comparison_.run) : QString());
    plot_->legend->setVisible(plot_->graphCount() > 0);
    plot_->xAxis->setRange(0.5, right + 0.5);
    plot_->yAxis->setRange(0, top * 1.45);  // headroom: the legend sits above the data
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QString AttentionMapView::caption() const { return caption_->text(); }

QString AttentionMapView::mapCaption() const { return mapCaption_->text(); }

int AttentionMapView::attentionPointCount() const {
    for (int i = 0; i < plot_->graphCount(); ++i)
        if (plot_->graph(i)->name().startsWith(tr("mean attention distance"))) return plot_->graph(i)->dataCount();
    return 0;
}

int AttentionMapView::convolutionPointCount() const {
    for (int i = 0; i < plot_->graphCount(); ++i)
        if (plot_->graph(i)->name().startsWith(tr("receptive field"))) return plot_->graph(i)->dataCount();
    return 0;
}

}  // namespace strata
