#include "widgets/Labels.h"

#include <cmath>

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

QString clockDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return QString();
    const qint64 s = qint64(std::llround(seconds));
    const QLatin1Char zero('0');
    if (s < 3600) return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, zero);
    return QStringLiteral("%1:%2:%3").arg(s / 3600).arg((s / 60) % 60, 2, 10, zero).arg(s % 60, 2, 10, zero);
}

}  // namespace strata
