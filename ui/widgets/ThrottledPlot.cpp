#include "widgets/ThrottledPlot.h"

#include <QPointer>
#include <QTimer>
#include <QVector>
#include <algorithm>
#include <cmath>

namespace strata {

namespace {
const QColor kGridColor(0xe4, 0xe4, 0xe4);
const QColor kAxisColor(0x70, 0x70, 0x70);
constexpr int kTickFontPt = 8;
constexpr int kLabelFontPt = 9;

// Every live plot, and the one timer that replots them.
QVector<ThrottledPlot*>& livePlots() {
    static QVector<ThrottledPlot*> plots;
    return plots;
}
QPointer<QTimer>& sharedTimer() {
    static QPointer<QTimer> timer;
    return timer;
}

class IntegerTicker : public QCPAxisTicker {
protected:
    // The default step rounded to 1, 2 or 5 times a power of ten, at least 1.
    double getTickStep(const QCPRange& range) override {
        const double step = QCPAxisTicker::getTickStep(range);
        if (step <= 1) return 1;
        const double magnitude = std::pow(10.0, std::floor(std::log10(step)));
        const double m = step / magnitude;
        return magnitude * (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10);
    }
    int getSubTickCount(double tickStep) override { return tickStep <= 1 ? 0 : QCPAxisTicker::getSubTickCount(tickStep); }
};
}  // namespace

QSharedPointer<QCPAxisTicker> integerTicker() { return QSharedPointer<QCPAxisTicker>(new IntegerTicker); }

ThrottledPlot::ThrottledPlot(QWidget* parent) : QCustomPlot(parent) {
    livePlots().append(this);
    setNoAntialiasingOnDrag(true);
    setPlottingHint(QCP::phFastPolylines, true);
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    setToolTip(tr("Drag to pan, wheel to zoom, double-click to follow the data again"));
}

ThrottledPlot::~ThrottledPlot() {
    livePlots().removeAll(this);
    if (livePlots().isEmpty() && sharedTimer()) delete sharedTimer().data();
}

void ThrottledPlot::markDirty() {
    dirty_ = true;
    QPointer<QTimer>& timer = sharedTimer();
    if (!timer) {
        timer = new QTimer();  // unparented: deleted with the last plot
        timer->setInterval(kReplotIntervalMs);
        QObject::connect(timer, &QTimer::timeout, &ThrottledPlot::tick);
    }
    if (!timer->isActive()) timer->start();
}

void ThrottledPlot::flush() {
    if (following_) refit();
    dirty_ = false;
    replot(rpImmediateRefresh);
}

void ThrottledPlot::tick() {
    bool any = false;
    for (ThrottledPlot* plot : livePlots()) {
        if (!plot->dirty_) continue;
        any = true;
        plot->dirty_ = false;
        if (plot->following_) plot->refit();
        plot->replot(rpQueuedReplot);
    }
    if (!any && sharedTimer()) sharedTimer()->stop();  // idle: no wake-ups until new data
}

void ThrottledPlot::refit() { rescaleAxes(); }

void ThrottledPlot::mouseMoveEvent(QMouseEvent* event) {
    if (event->buttons() & Qt::LeftButton) following_ = false;  // a drag pans the view
    QCustomPlot::mouseMoveEvent(event);
}

void ThrottledPlot::wheelEvent(QWheelEvent* event) {
    following_ = false;
    QCustomPlot::wheelEvent(event);
}

void ThrottledPlot::mouseDoubleClickEvent(QMouseEvent* event) {
    following_ = true;
    QCustomPlot::mouseDoubleClickEvent(event);
    flush();
}

QPen plotPen(const QColor& color, Qt::PenStyle style) {
    QPen pen(color, 1.2);
    pen.setStyle(style);
    return pen;
}

void styleAxisRect(QCPAxisRect* rect) {
    QFont tickFont;
    tickFont.setPointSize(kTickFontPt);
    QFont labelFont;
    labelFont.setPointSize(kLabelFontPt);
    for (QCPAxis* axis : rect->axes()) {
        axis->setTickLabelFont(tickFont);
        axis->setLabelFont(labelFont);
        axis->setBasePen(QPen(kAxisColor, 1));
        axis->setTickPen(QPen(kAxisColor, 1));
        axis->setSubTickPen(QPen(kAxisColor, 1));
        axis->setTickLabelColor(kAxisColor.darker(130));
        axis->grid()->setPen(QPen(kGridColor, 1));
        axis->grid()->setSubGridVisible(false);
        axis->grid()->setZeroLinePen(Qt::NoPen);
    }
}

}  // namespace strata
