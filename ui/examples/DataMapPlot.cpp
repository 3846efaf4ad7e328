#include "examples/DataMapPlot.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>

#include "examples/ExampleCard.h"
#include "widgets/ThrottledPlot.h"

namespace strata {

namespace {

// The axes' fixed box: variability of a probability is at most 0.5. A little room around it so
// dots on the edges are drawn whole.
const QCPRange kXRange(-0.008, 0.508), kYRange(-0.02, 1.02);
const char* const kTopLayer = "aboveDots";
constexpr int kMostBuckets = 10;       // colour steps of the correct fraction
constexpr double kDotSize = 4;
constexpr double kClickSlackPx = 4;    // a drag shorter than this is a click
constexpr int kMaxLassoPoints = 4000;  // a lasso drawn for minutes stays cheap to test

// Viridis (readable with any colour vision, light to dark), stopped before its palest yellow,
// which would vanish on the white plot.
QCPColorGradient correctGradient() {
    QCPColorGradient g;
    g.clearColorStops();
    g.setColorStopAt(0.0, QColor(0x44, 0x01, 0x54));
    g.setColorStopAt(0.25, QColor(0x3b, 0x52, 0x8b));
    g.setColorStopAt(0.5, QColor(0x21, 0x91, 0x8c));
    g.setColorStopAt(0.75, QColor(0x3f, 0xbc, 0x73));
    g.setColorStopAt(1.0, QColor(0xa0, 0xda, 0x39));
    return g;
}

struct RegionLook {
    MapRegion region;
    QRectF box;        // data coordinates: left, top(high y), width, height (negative: downward)
    QColor tint;
    // Where the label is anchored (by `align`), in data coordinates: the easy and hard labels
    // face each other across the mean = 0.5 line, away from the crowded corners (0, 1) and
    // (0, 0), where the most probably mislabeled images are.
    QPointF labelAt;
    Qt::Alignment align;
    const char* name;
};

const std::array<RegionLook, 3>& regionLooks() {
    static const std::array<RegionLook, 3> looks = {{
        {MapRegion::Easy, QRectF(kXRange.lower, kYRange.upper, kAmbiguousVariability - kXRange.lower,
                                 kEasyMean - kYRange.upper),
         QColor(46, 125, 50, 18), QPointF(kAmbiguousVariability - 0.004, kEasyMean + 0.01), Qt::AlignRight | Qt::AlignBottom,
         QT_TRANSLATE_NOOP("strata::DataMapPlot", "easy-to-learn")},
        {MapRegion::Ambiguous, QRectF(kAmbiguousVariability, kYRange.upper, kXRange.upper - kAmbiguousVariability,
                                      kYRange.lower - kYRange.upper),
         QColor(245, 124, 0, 18), QPointF(0.5, 0.995), Qt::AlignRight | Qt::AlignTop,
         QT_TRANSLATE_NOOP("strata::DataMapPlot", "ambiguous")},
        {MapRegion::Hard, QRectF(kXRange.lower, kEasyMean, kAmbiguousVariability - kXRange.lower,
                                 kYRange.lower - kEasyMean),
         QColor(198, 40, 40, 18), QPointF(kAmbiguousVariability - 0.004, kEasyMean - 0.01), Qt::AlignRight | Qt::AlignTop,
         QT_TRANSLATE_NOOP("strata::DataMapPlot", "hard-to-learn")},
    }};
    return looks;
}

int bucketCount(int epochs) { return std::clamp(epochs, 1, kMostBuckets); }

}  // namespace

DataMapPlot::DataMapPlot(QWidget* parent) : QCustomPlot(parent) {
    setObjectName("dataMapPlot");
    setMouseTracking(true);
    setMinimumSize(320, 220);
    points_ = std::make_shared<const std::vector<MapPoint>>();
    card_ = new ExampleCard(this);
    // The selection's rings and the region labels stay above every dot, whenever it was added.
    addLayer(kTopLayer, layer("main"), QCustomPlot::limAbove);
    buildAxes();
    buildRegions();
    selected_ = addGraph();
    selected_->setLayer(kTopLayer);
    selected_->setLineStyle(QCPGraph::lsNone);
    selected_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(0xd8, 0x1b, 0x60), 1.6),
                                               Qt::NoBrush, 8));
    selected_->setName(tr("selected"));
    // The hover ring and the lasso change with every mouse move: they live on the buffered
    // overlay layer, which repaints alone, without the dots below it.
    layer("overlay")->setMode(QCPLayer::lmBuffered);
    hoverRing_ = addGraph();
    hoverRing_->setLayer("overlay");
    hoverRing_->setLineStyle(QCPGraph::lsNone);
    hoverRing_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 1.6), Qt::NoBrush, 11));
    lasso_ = new QCPCurve(xAxis, yAxis);
    lasso_->setLayer("overlay");
    lasso_->setPen(QPen(QColor(0xd8, 0x1b, 0x60), 1.2, Qt::DashLine));
    lasso_->setBrush(QColor(0xd8, 0x1b, 0x60, 20));
}

void DataMapPlot::buildAxes() {
    styleAxisRect(axisRect());
    xAxis->setLabel(tr("variability (std of p(label) across epochs)"));
    yAxis->setLabel(tr("confidence (mean p(label))"));
    xAxis->setRange(kXRange);
    yAxis->setRange(kYRange);
    scale_ = new QCPColorScale(this);
    scale_->setType(QCPAxis::atRight);
    scale_->setDataRange(QCPRange(0, 1));
    scale_->setLabel(tr("fraction of epochs right"));
    scale_->setBarWidth(10);
    plotLayout()->addElement(0, 1, scale_);
    auto* margins = new QCPMarginGroup(this);
    axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    scale_->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
}

void DataMapPlot::buildRegions() {
    for (const RegionLook& look : regionLooks()) {
        auto* rect = new QCPItemRect(this);
        rect->setLayer("background");
        rect->topLeft->setCoords(look.box.left(), look.box.top());
        rect->bottomRight->setCoords(look.box.right(), look.box.bottom());
        rect->setPen(Qt::NoPen);
        rect->setBrush(look.tint);
        rect->setSelectable(false);
        auto* label = new QCPItemText(this);
        label->setLayer(kTopLayer);
        label->position->setCoords(look.labelAt);
        label->setPositionAlignment(look.align);
        label->setTextAlignment(Qt::AlignRight);
        label->setColor(QColor(look.tint.red(), look.tint.green(), look.tint.blue()));  // the tint, opaque
        label->setBrush(QColor(255, 255, 255, 170));  // readable, yet the dots below still show
        label->setPadding(QMargins(4, 2, 4, 2));
        label->setSelectable(false);
        regionLabels_[size_t(look.region)] = label;
    }
    auto* boundary = new QCPItemStraightLine(this);  // variability = kAmbiguousVariability
    boundary->point1->setCoords(kAmbiguousVariability, 0);
    boundary->point2->setCoords(kAmbiguousVariability, 1);
    boundary->setPen(QPen(QColor(120, 120, 120), 1, Qt::DashLine));
    auto* half = new QCPItemLine(this);  // mean = kEasyMean, left of it
    half->start->setCoords(kXRange.lower, kEasyMean);
    half->end->setCoords(kAmbiguousVariability, kEasyMean);
    half->setPen(QPen(QColor(120, 120, 120), 1, Qt::DashLine));
    updateRegionLabels();
}

void DataMapPlot::updateRegionLabels() {
    const QLocale locale;
    for (const RegionLook& look : regionLooks())
        regionLabels_[size_t(look.region)]->setText(
            tr("%1: %2").arg(tr(look.name), locale.toString(regionCounts_[size_t(look.region)])));
}

void DataMapPlot::setPoints(MapPoints points, const QStringList& classes, int epochs) {
    points_ = points ? std::move(points) : std::make_shared<const std::vector<MapPoint>>();
    classes_ = classes;
    epochs_ = epochs;
    regionCounts_ = {};
    std::vector<QPointF> at;
    at.reserve(points_->size());
    for (const MapPoint& p : *points_) {
        ++regionCounts_[size_t(p.region)];
        at.emplace_back(p.variability, p.meanProbability);
    }
    index_.build(std::move(at), QRectF(QPointF(kXRange.lower, kYRange.lower), QPointF(kXRange.upper, kYRange.upper)));
    selection_.clear();
    hovered_ = -1;
    card_->hide();
    updateRegionLabels();
    fillGraphs();
    drawSelection();
    hoverRing_->data()->clear();
    replot();
}

// One graph per colour step, so 60,000 dots are 11 scatter passes of one style each.
void DataMapPlot::fillGraphs() {
    for (QCPGraph* g : buckets_) removeGraph(g);
    buckets_.clear();
    const int steps = bucketCount(epochs_);
    QCPColorGradient gradient = correctGradient();
    gradient.setLevelCount(steps + 1);
    scale_->setGradient(gradient);
    std::vector<QVector<double>> keys(size_t(steps) + 1), values(size_t(steps) + 1);
    for (const MapPoint& p : *points_) {
        const size_t b = size_t(std::lround(p.correctFraction * steps));
        keys[b].push_back(p.variability);
        values[b].push_back(p.meanProbability);
    }
    for (int b = 0; b <= steps; ++b) {
        QCPGraph* g = addGraph();
        g->setLineStyle(QCPGraph::lsNone);
        const QColor color = correctGradient().color(double(b) / steps, QCPRange(0, 1));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, kDotSize));
        g->setData(keys[size_t(b)], values[size_t(b)]);
        g->setSelectable(QCP::stNone);
        buckets_.push_back(g);
    }
}

QPointF DataMapPlot::pixelOf(int i) const {
    const MapPoint& p = point(i);
    return QPointF(xAxis->coordToPixel(p.variability), yAxis->coordToPixel(p.meanProbability));
}

void DataMapPlot::setSelection(std::vector<int> points) {
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    selection_ = std::move(points);
    drawSelection();
    replot();
    emit selectionChanged();
}

void DataMapPlot::drawSelection() {
    QVector<double> keys, values;
    for (int i : selection_) {
        keys.push_back(point(i).variability);
        values.push_back(point(i).meanProbability);
    }
    selected_->setData(keys, values);
}

int DataMapPlot::pointAt(QPointF pos) const {
    const QPointF at(xAxis->pixelToCoord(pos.x()), yAxis->pixelToCoord(pos.y()));
    const double pxPerX = std::abs(xAxis->coordToPixel(1) - xAxis->coordToPixel(0));
    const double pxPerY = std::abs(yAxis->coordToPixel(1) - yAxis->coordToPixel(0));
    return index_.nearest(at, pxPerX, pxPerY, kHoverRadiusPx);
}

// --- Mouse -----------------------------------------------------------------------------------

void DataMapPlot::hover(QPoint pos) {
    QElapsedTimer timer;
    timer.start();
    const int found = pointAt(pos);
    hoverMicroseconds_ = double(timer.nsecsElapsed()) / 1000.0;
    setHovered(found, pos);
}

void DataMapPlot::setHovered(int point, QPoint pos) {
    if (point == hovered_) return;
    hovered_ = point;
    hoverRing_->data()->clear();
    if (point >= 0) {
        hoverRing_->addData(this->point(point).variability, this->point(point).meanProbability);
        card_->showPoint(this->point(point), classes_, epochs_, mapToGlobal(pos));
    } else {
        card_->hide();
    }
    layer("overlay")->replot();
}

void DataMapPlot::mousePressEvent(QMouseEvent* event) {
    QCustomPlot::mousePressEvent(event);
    if (event->button() != Qt::LeftButton || points_->empty()) return;
    dragging_ = true;
    lassoPixels_ = QPolygonF({event->position()});
    setHovered(-1, event->pos());
}

void DataMapPlot::mouseMoveEvent(QMouseEvent* event) {
    QCustomPlot::mouseMoveEvent(event);
    if (!dragging_) {
        hover(event->pos());
        return;
    }
    if (lassoPixels_.size() < kMaxLassoPoints) lassoPixels_ << event->position();
    drawLasso();
}

void DataMapPlot::mouseReleaseEvent(QMouseEvent* event) {
    QCustomPlot::mouseReleaseEvent(event);
    if (event->button() != Qt::LeftButton || !dragging_) return;
    dragging_ = false;
    lassoPixels_ << event->position();
    finishLasso(event->modifiers() & (Qt::ControlModifier | Qt::ShiftModifier));
}

void DataMapPlot::leaveEvent(QEvent* event) {
    QCustomPlot::leaveEvent(event);
    setHovered(-1, QPoint());
}

void DataMapPlot::drawLasso() {
    QVector<double> keys, values;
    for (const QPointF& p : lassoPixels_) {
        keys << xAxis->pixelToCoord(p.x());
        values << yAxis->pixelToCoord(p.y());
    }
    if (!lassoPixels_.isEmpty()) {  // closed, as the selection will be
        keys << keys.front();
        values << values.front();
    }
    lasso_->setData(keys, values);
    layer("overlay")->replot();
}

// A short drag is a click: the nearest dot (or nothing). Otherwise the dots inside the lasso.
void DataMapPlot::finishLasso(bool add) {
    const QRectF extent = lassoPixels_.boundingRect();
    std::vector<int> chosen = add ? selection_ : std::vector<int>();
    if (extent.width() < kClickSlackPx && extent.height() < kClickSlackPx) {
        const int hit = pointAt(lassoPixels_.front());
        if (hit >= 0) chosen.push_back(hit);
    } else {
        for (int i = 0; i < pointCount(); ++i)
            if (extent.contains(pixelOf(i)) && lassoPixels_.containsPoint(pixelOf(i), Qt::OddEvenFill))
                chosen.push_back(i);
    }
    lassoPixels_.clear();
    lasso_->data()->clear();
    setSelection(std::move(chosen));
}

}  // namespace strata
