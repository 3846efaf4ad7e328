#include "widgets/PixelImage.h"

#include <QPainter>

#include <algorithm>

namespace strata {

PixelImage::PixelImage(QWidget* parent) : QWidget(parent) { setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding); }

void PixelImage::setImage(const QImage& image) {
    image_ = image;
    updateGeometry();
    update();
}

void PixelImage::setPreferredBox(int box) {
    box_ = std::max(16, box);
    updateGeometry();
}

QSize PixelImage::sizeHint() const {
    if (image_.isNull()) return {box_, box_};
    const int longSide = std::max(image_.width(), image_.height());
    const int factor = std::max(1, box_ / longSide);
    return image_.size() * factor;
}

QSize PixelImage::minimumSizeHint() const {
    if (image_.isNull()) return {32, 32};
    return image_.size().boundedTo(QSize(96, 96));
}

void PixelImage::paintEvent(QPaintEvent*) {
    if (image_.isNull()) return;
    QPainter p(this);
    const int factor = std::min(width() / image_.width(), height() / image_.height());
    QSize size = image_.size() * std::max(1, factor);
    if (factor < 1) {
        size = image_.size().scaled(this->size(), Qt::KeepAspectRatio);
        p.setRenderHint(QPainter::SmoothPixmapTransform);
    }
    const QRect target(QPoint((width() - size.width()) / 2, (height() - size.height()) / 2), size);
    p.drawImage(target, image_);
    p.setPen(QColor(0, 0, 0, 60));
    p.drawRect(target.adjusted(-1, -1, 0, 0));
}

QPixmap crispPixmap(const QImage& image, int maxWidth, int maxHeight) {
    if (image.isNull()) return QPixmap();
    if (image.width() > maxWidth || image.height() > maxHeight)  // a photo: shrink it smoothly
        return QPixmap::fromImage(image.scaled(maxWidth, maxHeight, Qt::KeepAspectRatio, Qt::SmoothTransformation));
    const int factor = std::max(1, std::min(maxWidth / image.width(), maxHeight / image.height()));
    return QPixmap::fromImage(image.scaled(image.width() * factor, image.height() * factor, Qt::IgnoreAspectRatio,
                                           Qt::FastTransformation));
}

}  // namespace strata
