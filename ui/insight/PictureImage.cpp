#include "insight/PictureImage.h"

#include <algorithm>

namespace strata {

QImage toQImage(const Picture& picture) {
    const int w = picture.width, h = picture.height, c = picture.channels;
    if (w <= 0 || h <= 0 || picture.pixels.size() != size_t(w) * size_t(h) * size_t(c)) return QImage();
    QImage::Format format;
    switch (c) {
        case 1: format = QImage::Format_Grayscale8; break;
        case 3: format = QImage::Format_RGB888; break;
        case 4: format = QImage::Format_RGBA8888; break;
        default: return QImage();
    }
    // QImage rows are 32-bit aligned, the picture's are packed: copy row by row into an
    // image that allocates (and so owns) its own buffer.
    QImage image(w, h, format);
    const size_t rowBytes = size_t(w) * size_t(c);
    for (int y = 0; y < h; ++y)
        std::copy_n(picture.pixels.data() + size_t(y) * rowBytes, rowBytes, image.scanLine(y));
    return image;
}

QPixmap crispPixmap(const Picture& picture, int maxWidth, int maxHeight) {
    return crispPixmap(toQImage(picture), maxWidth, maxHeight);
}

}  // namespace strata
