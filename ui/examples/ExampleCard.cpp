#include "examples/ExampleCard.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QScreen>
#include <QTextDocument>

#include "examples/RunExamples.h"
#include "widgets/PixelImage.h"

namespace strata {

namespace {
constexpr int kCardImageBox = 96;
constexpr int kCursorOffset = 16;
}  // namespace

QImage exampleThumbnail(const QString& path, int box) {
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QImage image = reader.read();
    if (image.isNull()) return image;
    return crispPixmap(image, box, box).toImage();
}

QString exampleNumbers(const MapPoint& point, int epochs) {
    return QObject::tr("mean p %1 · variability %2 · right %3/%4")
        .arg(point.meanProbability, 0, 'f', 3)
        .arg(point.variability, 0, 'f', 3)
        .arg(qRound(point.correctFraction * epochs))
        .arg(epochs);
}

ExampleCard::ExampleCard(QWidget* parent) : QFrame(parent, Qt::ToolTip | Qt::FramelessWindowHint) {
    setObjectName("exampleCard");
    setFrameShape(QFrame::Box);
    setStyleSheet("#exampleCard { background: palette(tooltip-base); border: 1px solid palette(mid); }");
    image_ = new QLabel(this);
    image_->setFixedSize(kCardImageBox, kCardImageBox);
    image_->setAlignment(Qt::AlignCenter);
    image_->setStyleSheet("background: black;");
    text_ = new QLabel(this);
    text_->setTextFormat(Qt::RichText);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 6, 8, 6);
    layout->addWidget(image_);
    layout->addWidget(text_);
}

void ExampleCard::showPoint(const MapPoint& point, const QStringList& classes, int epochs, QPoint globalPos) {
    const QString path = QString::fromStdString(point.path);
    const QImage thumb = exampleThumbnail(path, kCardImageBox);
    image_->setPixmap(thumb.isNull() ? QPixmap() : QPixmap::fromImage(thumb));
    image_->setText(thumb.isNull() ? tr("(file gone)") : QString());
    text_->setText(tr("<b>%1</b><br>label: %2<br>preferred: %3<br>%4<br>region: %5")
                       .arg(QFileInfo(path).fileName().toHtmlEscaped(),
                            exampleClassName(classes, point.label).toHtmlEscaped(),
                            exampleClassName(classes, point.preferred).toHtmlEscaped(),
                            exampleNumbers(point, epochs), QString::fromLatin1(regionName(point.region))));
    adjustSize();
    QPoint at = globalPos + QPoint(kCursorOffset, kCursorOffset);
    if (const QScreen* screen = QGuiApplication::screenAt(globalPos)) {
        const QRect area = screen->availableGeometry();
        if (at.x() + width() > area.right()) at.rx() = globalPos.x() - kCursorOffset - width();
        if (at.y() + height() > area.bottom()) at.ry() = globalPos.y() - kCursorOffset - height();
    }
    move(at);
    show();
}

QString ExampleCard::text() const {
    QTextDocument doc;
    doc.setHtml(text_->text());
    return doc.toPlainText();
}

bool ExampleCard::hasImage() const { return !image_->pixmap().isNull(); }

}  // namespace strata
