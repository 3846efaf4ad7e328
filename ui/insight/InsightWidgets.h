#pragma once
// Small building blocks shared by the feature views: a crisp, resizable pixel image, image
// tiles for grids, column headers and the "early · conv1 · depth 1" caption.
#include <QImage>
#include <QLabel>
#include <QString>
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

// The object name of every image tile, so tests and screenshots can count them.
inline constexpr const char* kImageTileName = "imageTile";

// A QLabel showing `image` enlarged crisply to about `box` pixels, with a tooltip.
QLabel* imageTile(const QImage& image, int box, const QString& toolTip, QWidget* parent = nullptr);
// A small bold header for a column or section.
QLabel* sectionHeader(const QString& text, QWidget* parent = nullptr);
// A grey, centred, word-wrapped hint (what to do when there is nothing to show).
QLabel* hintLabel(const QString& text, QWidget* parent = nullptr);

// "early · conv1 · depth 1"; "pinned · conv2 · depth 3" for a layer without a role.
QString layerCaption(const std::string& role, const std::string& layer, int depth);
// "early", "middle", "deep", else "pinned" (the role the user's pinned layer shows under).
QString roleName(const std::string& role);

}  // namespace strata
