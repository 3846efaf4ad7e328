#include "examples/PointIndex.h"

#include <algorithm>
#include <cmath>

namespace strata {

int PointIndex::column(double x) const {
    const double f = box_.width() > 0 ? (x - box_.left()) / box_.width() : 0;
    return std::clamp(int(std::floor(f * cells_)), 0, cells_ - 1);
}

int PointIndex::row(double y) const {
    const double f = box_.height() > 0 ? (y - box_.top()) / box_.height() : 0;
    return std::clamp(int(std::floor(f * cells_)), 0, cells_ - 1);
}

// Counting sort of the points by cell: two passes, no per-cell allocations.
void PointIndex::build(std::vector<QPointF> points, const QRectF& box, int cellsPerAxis) {
    points_ = std::move(points);
    box_ = box.normalized();
    cells_ = std::max(1, cellsPerAxis);
    cellStart_.assign(size_t(cells_) * size_t(cells_) + 1, 0);
    std::vector<int> cellOf(points_.size());
    for (size_t i = 0; i < points_.size(); ++i) {
        cellOf[i] = row(points_[i].y()) * cells_ + column(points_[i].x());
        ++cellStart_[size_t(cellOf[i]) + 1];
    }
    for (size_t c = 1; c < cellStart_.size(); ++c) cellStart_[c] += cellStart_[c - 1];
    ids_.assign(points_.size(), 0);
    std::vector<int> next(cellStart_.begin(), cellStart_.end() - 1);
    for (size_t i = 0; i < points_.size(); ++i) ids_[size_t(next[size_t(cellOf[i])]++)] = int(i);
}

int PointIndex::nearest(QPointF at, double pxPerX, double pxPerY, double radius) const {
    if (points_.empty() || radius <= 0) return -1;
    const double sx = std::max(std::abs(pxPerX), 1e-12), sy = std::max(std::abs(pxPerY), 1e-12);
    const double rx = radius / sx, ry = radius / sy;  // the radius in data units
    const int c0 = column(at.x() - rx), c1 = column(at.x() + rx);
    const int r0 = row(at.y() - ry), r1 = row(at.y() + ry);
    int best = -1;
    double bestSq = radius * radius;
    for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c) {
            const int cell = r * cells_ + c;
            for (int k = cellStart_[size_t(cell)]; k < cellStart_[size_t(cell) + 1]; ++k) {
                const QPointF& p = points_[size_t(ids_[size_t(k)])];
                const double dx = (p.x() - at.x()) * sx, dy = (p.y() - at.y()) * sy;
                const double sq = dx * dx + dy * dy;
                if (sq < bestSq || (sq == bestSq && best >= 0 && ids_[size_t(k)] < best)) {
                    bestSq = sq;
                    best = ids_[size_t(k)];
                }
            }
        }
    return best;
}

}  // namespace strata
