#pragma once
// A QCustomPlot that never replots per data point: callers add data and call markDirty(); one
// timer shared by every ThrottledPlot (about 20 Hz) replots the dirty ones with
// rpQueuedReplot and stops ticking while nothing is dirty. Thin pens and no antialiasing while
// the user drags. The view follows the data (see refit()) until the user pans or zooms;
// a double-click returns to following.
#include <qcustomplot.h>

namespace strata {

class ThrottledPlot : public QCustomPlot {
    Q_OBJECT
public:
    static constexpr int kReplotIntervalMs = 50;  // ~20 Hz

    explicit ThrottledPlot(QWidget* parent = nullptr);
    ~ThrottledPlot() override;

    // New data is in: the next shared tick refits (when following) and replots.
    void markDirty();
    bool isDirty() const { return dirty_; }
    // Refit and replot now, bypassing the throttle (tests, screenshots, end of training).
    void flush();
    // Whether the axes follow the data (false after the user panned or zoomed).
    bool followsData() const { return following_; }

protected:
    // Sets the axis ranges to show all data; called before each throttled replot while
    // following. The default rescales every axis.
    virtual void refit();

    void mouseMoveEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;

private:
    static void tick();

    bool dirty_ = false;
    bool following_ = true;
};

// An axis ticker for counts (steps, epochs): the default "nice" steps, never below 1.
QSharedPointer<QCPAxisTicker> integerTicker();

// Shared look of the training plots: small fonts, light grid, a thin pen in `color`.
QPen plotPen(const QColor& color, Qt::PenStyle style = Qt::SolidLine);
void styleAxisRect(QCPAxisRect* rect);

}  // namespace strata
