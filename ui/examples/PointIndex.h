#pragma once
// Nearest-point lookup for a scatter of many points (the Data dock's 60,000 images): a uniform
// grid over the plot's data box, each cell listing its points, so a mouse move looks at the
// cells around the cursor instead of every point. Distances are in pixels (a scale per axis),
// as the eye judges them. Qt Core only.
#include <QPointF>
#include <QRectF>

#include <vector>

namespace strata {

class PointIndex {
public:
    // Indexes `points` (data coordinates) over `box`; points outside it go to the edge cells.
    void build(std::vector<QPointF> points, const QRectF& box, int cellsPerAxis = 128);
    // The index of the point nearest `at` within `radius` pixels, -1 when none; `pxPerX` and
    // `pxPerY` are the axes' pixels per data unit (their absolute values are used).
    int nearest(QPointF at, double pxPerX, double pxPerY, double radius) const;
    int size() const { return int(points_.size()); }

private:
    int column(double x) const;
    int row(double y) const;

    std::vector<QPointF> points_;
    QRectF box_;
    int cells_ = 1;
    std::vector<int> cellStart_;  // cells_ * cells_ + 1 offsets into ids_ (row-major)
    std::vector<int> ids_;
};

}  // namespace strata
