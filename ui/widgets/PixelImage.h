#pragma once
// Crisp pixel images: small pictures (a 3x3 kernel, a 28x28 digit) enlarged by integer factors
// with nearest-neighbour sampling, so every source pixel stays a visible square.
#include <QImage>
#include <QPixmap>
#include <QWidget>

namespace strata {

// Paints an image enlarged by the largest integer factor that fits the widget (nearest
// neighbour: pixels stay square), centred; shrinks smoothly when it does not fit at 1x.
class PixelImage : public QWidget {
    Q_OBJECT
public:
    explicit PixelImage(QWidget* parent = nullptr);
    void setImage(const QImage& image);
    const QImage& image() const { return image_; }
    // The preferred on-screen size is the image enlarged to about `box` pixels on its long side.
    void setPreferredBox(int box);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QImage image_;
    int box_ = 256;
};

// The image enlarged by an integer factor with nearest-neighbour sampling (pixels stay
// crisp squares: a 3x3 kernel must read as 9 cells, not a blur), the largest factor that
// keeps it within `maxWidth` x `maxHeight`. Images larger than that box are shrunk smoothly
// to fit instead.
QPixmap crispPixmap(const QImage& image, int maxWidth, int maxHeight);

}  // namespace strata
