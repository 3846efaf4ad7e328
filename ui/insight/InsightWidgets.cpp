#include "insight/InsightWidgets.h"

#include <QPainter>

#include <algorithm>

#include "insight/PictureImage.h"

namespace strata {

namespace {
const char* const kSep = " \u00b7 ";  // " · "
}

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

QLabel* imageTile(const QImage& image, int box, const QString& toolTip, QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setObjectName(kImageTileName);
    label->setPixmap(crispPixmap(image, box, box));
    label->setToolTip(toolTip);
    label->setAlignment(Qt::AlignCenter);
    label->setFixedSize(box + 2, box + 2);
    label->setStyleSheet("QLabel { border: 1px solid rgba(0,0,0,40); background: black; }");
    return label;
}

QLabel* sectionHeader(const QString& text, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    return label;
}

QLabel* hintLabel(const QString& text, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

QString roleName(const std::string& role) {
    if (role == "early" || role == "middle" || role == "deep") return QString::fromStdString(role);
    return QObject::tr("pinned");
}

QString layerCaption(const std::string& role, const std::string& layer, int depth) {
    return roleName(role) + kSep + QString::fromStdString(layer) + kSep + QObject::tr("depth %1").arg(depth);
}

}  // namespace strata
