#pragma once
// Conversions from the engine's torch-free Picture to Qt images. The QImage always owns a
// copy of the bytes: a snapshot may be dropped while its images are still on screen.
#include <QImage>
#include <QPixmap>

#include "insight/FeatureSnapshot.h"
#include "widgets/PixelImage.h"

namespace strata {

// Gray (1 channel) -> Format_Grayscale8, RGB (3) -> Format_RGB888, RGBA (4) -> Format_RGBA8888.
// A null image for an empty picture or one whose pixel count does not match its size.
QImage toQImage(const Picture& picture);

// The picture as crispPixmap(toQImage(picture), ...) (widgets/PixelImage.h): enlarged by an
// integer factor with square pixels, or shrunk smoothly when larger than the box.
QPixmap crispPixmap(const Picture& picture, int maxWidth, int maxHeight);

}  // namespace strata
