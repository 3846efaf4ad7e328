#pragma once
// Conversions from the engine's torch-free Picture to Qt images. The QImage always owns a
// copy of the bytes: a snapshot may be dropped while its images are still on screen.
#include <QImage>
#include <QPixmap>

#include "insight/FeatureSnapshot.h"

namespace strata {

// Gray (1 channel) -> Format_Grayscale8, RGB (3) -> Format_RGB888, RGBA (4) -> Format_RGBA8888.
// A null image for an empty picture or one whose pixel count does not match its size.
QImage toQImage(const Picture& picture);

// The picture enlarged by an integer factor with nearest-neighbour sampling (pixels stay
// crisp squares: a 3x3 kernel must read as 9 cells, not a blur), the largest factor that
// keeps it within `maxWidth` x `maxHeight`. Pictures larger than that box are shrunk smoothly
// to fit instead.
QPixmap crispPixmap(const Picture& picture, int maxWidth, int maxHeight);
QPixmap crispPixmap(const QImage& image, int maxWidth, int maxHeight);

}  // namespace strata
