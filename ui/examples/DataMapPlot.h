#pragma once
// The dataset map (after Swayamdipta et al., 2020): one dot per image at x = variability, y =
// confidence (mean probability of its folder label), coloured by the fraction of epochs it was
// right, over the easy / ambiguous / hard regions of insight/DatasetMap.h with their counts.
// Hovering shows an ExampleCard; a click selects the nearest dot, a left-button drag draws a
// lasso whose inside is selected (Ctrl or Shift adds to the selection). Built for 60,000
// dots: the dots are drawn by correct-fraction bucket (one QCPGraph each), the hover finds
// its dot through a PointIndex, and the lasso and hover ring repaint only the overlay layer.
#include <qcustomplot.h>

#include <array>
#include <vector>

#include "examples/PointIndex.h"
#include "examples/RunExamples.h"

namespace strata {

class ExampleCard;

class DataMapPlot : public QCustomPlot {
    Q_OBJECT
public:
    static constexpr double kHoverRadiusPx = 8;

    explicit DataMapPlot(QWidget* parent = nullptr);

    // Shows `points` (of a run whose record has `epochs` epochs); clears the selection.
    void setPoints(MapPoints points, const QStringList& classes, int epochs);
    int pointCount() const { return int(points_->size()); }
    const MapPoint& point(int i) const { return (*points_)[size_t(i)]; }
    int regionCount(MapRegion region) const { return regionCounts_[size_t(region)]; }
    // Where point `i` is drawn, in this widget's pixels.
    QPointF pixelOf(int i) const;

    // Selected points (indices into the points), in index order.
    const std::vector<int>& selection() const { return selection_; }
    void setSelection(std::vector<int> points);

    int hoveredPoint() const { return hovered_; }
    ExampleCard* card() const { return card_; }
    // Microseconds the last hover lookup took, for the responsiveness test and the docs.
    double lastHoverMicroseconds() const { return hoverMicroseconds_; }

signals:
    void selectionChanged();

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void buildAxes();
    void buildRegions();
    void updateRegionLabels();
    void fillGraphs();
    void drawSelection();
    void hover(QPoint pos);
    void setHovered(int point, QPoint pos);
    void drawLasso();
    void finishLasso(bool add);
    int pointAt(QPointF pos) const;

    MapPoints points_;
    QStringList classes_;
    int epochs_ = 0;
    std::array<int, 3> regionCounts_{};
    std::array<QCPItemText*, 3> regionLabels_{};
    std::vector<QCPGraph*> buckets_;
    QCPGraph* selected_ = nullptr;
    QCPGraph* hoverRing_ = nullptr;
    QCPCurve* lasso_ = nullptr;
    QCPColorScale* scale_ = nullptr;
    PointIndex index_;
    std::vector<int> selection_;
    QPolygonF lassoPixels_;
    bool dragging_ = false;
    int hovered_ = -1;
    double hoverMicroseconds_ = 0;
    ExampleCard* card_ = nullptr;
};

}  // namespace strata
