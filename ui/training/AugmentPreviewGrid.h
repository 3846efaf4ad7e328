#pragma once
// What training sees of one image under the augmentation set in the training settings: a
// 4x4 grid of 16 augmented copies (data/AugmentPreview.h, the draws and pixel mapping of
// training), redrawn at once when the augmentation or the seed changes. The image is the
// training folder's first (sorted by class, then path, as training lists it) until the user
// picks another ("Image…" or a file dropped on the grid). Filled pixels (crop padding,
// rotated-in corners, the erased rectangle) take the data set's mean, as in training; it is
// estimated from up to kFillSample images spread over the folder, since the exact mean would
// mean decoding the whole folder. Files are read off the UI thread, once per folder, image
// and Input size; the draws themselves take microseconds.
#include <QImage>
#include <QString>
#include <QWidget>

#include <cstdint>
#include <vector>

#include "data/Augmentation.h"
#include "data/ImageFolder.h"

class QLabel;
class QPushButton;

namespace strata {

class BackgroundJob;
class StopToken;

class AugmentPreviewGrid : public QWidget {
    Q_OBJECT
public:
    static constexpr int kCopies = 16;
    static constexpr int kColumns = 4;
    static constexpr int kFillSample = 256;  // images that estimate the data set's mean

    explicit AugmentPreviewGrid(QWidget* parent = nullptr);

    // The training folder ("" for none): its first image is shown (replacing a picked one).
    void setFolder(const QString& dir);
    // The design's Input size: images are decoded as training decodes them.
    void setInputSpec(const ImageSpec& spec);
    // Shows `path` instead of the folder's first image ("" returns to it).
    void setImageFile(const QString& path);
    // The augmentation as the settings field spells it ("none", "flip+crop", ...) and the seed
    // of the draws (training's).
    void setAugment(const QString& text, uint64_t seed);

    // What is shown, for tests and the caption: the image's path ("" for none), its pixels
    // (C*H*W), the 16 copies, the grid as painted, the one-line note below it, the fill value.
    QString imagePath() const { return path_; }
    const std::vector<uint8_t>& image() const { return image_; }
    const std::vector<std::vector<uint8_t>>& copies() const { return copies_; }
    QImage gridImage() const { return grid_; }
    QString note() const;
    const std::vector<uint8_t>& fill() const { return fill_; }
    // True while files are being read.
    bool isLoading() const { return loading_; }
    QPushButton* imageButton() const { return imageButton_; }

signals:
    // The grid shows new copies (or a note instead of them).
    void refreshed();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    struct Loaded;
    static Loaded load(const QString& folder, const QString& file, const ImageSpec& spec, const StopToken& stop);
    void startLoading();
    void applyLoaded(const Loaded& loaded);
    void chooseImage();
    void redraw();
    void paintGrid();

    QLabel* cells_ = nullptr;
    QLabel* note_ = nullptr;
    QPushButton* imageButton_ = nullptr;
    BackgroundJob* jobs_ = nullptr;

    QString folder_, picked_;
    ImageSpec spec_;
    QString augmentText_ = QStringLiteral("none");
    uint64_t seed_ = 0;

    QString path_, error_;
    ImageSpec imageSpec_;  // of image_ (the spec asked for when it was read)
    std::vector<uint8_t> image_, fill_;
    int fillImages_ = 0;
    std::vector<std::vector<uint8_t>> copies_;
    QImage grid_;
    bool loading_ = false;
};

}  // namespace strata
