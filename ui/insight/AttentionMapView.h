#pragma once
// The Attention tab of the Features dock: for a run with attention layers, the probe image with
// the selected block's attention to its patches overlaid (one head, the mean of the heads, or
// the rollout through every block), and a chart of "what each layer sees" in pixels by depth:
// each block's mean attention distance beside the receptive field of each convolution of a CNN
// run to compare with. For a run without attention, it says so and charts the run's own
// receptive fields.
#include <QString>
#include <QWidget>

#include <vector>

#include "insight/AttentionWorker.h"

class QComboBox;
class QCustomPlot;
class QLabel;
class QPushButton;

namespace strata {

class PixelImage;

class AttentionMapView : public QWidget {
    Q_OBJECT
public:
    explicit AttentionMapView(QWidget* parent = nullptr);

    // The run the dock shows (attention view, or a CNN's receptive fields).
    void setSight(const RunSight& sight);
    // A CNN run whose receptive fields the chart shows beside the attention distances.
    void setComparison(const RunSight& sight);
    void clear(const QString& hint = QString());
    bool hasAttention() const { return sight_.hasAttention && !sight_.attention.empty(); }

    QComboBox* blockCombo() const { return block_; }
    QComboBox* headCombo() const { return head_; }
    QPushButton* compareButton() const { return compare_; }
    QCustomPlot* distancePlot() const { return plot_; }
    const PixelImage* overlay() const { return overlay_; }
    // The map drawn now (patches, row-major), and the text above it.
    const std::vector<float>& shownMap() const { return shown_; }
    QString caption() const;
    QString mapCaption() const;
    // Points on the chart: the attention blocks' mean distances and the convolutions'.
    int attentionPointCount() const;
    int convolutionPointCount() const;

signals:
    void compareRequested();

private:
    void buildControls();
    void fillSelectors();
    void showMap();
    void drawChart();

    RunSight sight_, comparison_;
    std::vector<float> shown_;
    QLabel* caption_ = nullptr;
    QLabel* mapCaption_ = nullptr;
    QLabel* compareLabel_ = nullptr;
    QComboBox* block_ = nullptr;
    QComboBox* head_ = nullptr;
    QPushButton* compare_ = nullptr;
    PixelImage* probe_ = nullptr;
    PixelImage* overlay_ = nullptr;
    QCustomPlot* plot_ = nullptr;
};

}  // namespace strata
