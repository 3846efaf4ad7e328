#include "widgets/Labels.h"

#include "widgets/PixelImage.h"

namespace strata {

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

}  // namespace strata
