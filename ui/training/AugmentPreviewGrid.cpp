#include "training/AugmentPreviewGrid.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QPainter>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "data/AugmentPreview.h"
#include "jobs/BackgroundJob.h"

namespace strata {

namespace {
constexpr int kCellTarget = 56;  // about this many pixels a cell: 28x28 doubles, 16x16 quadruples
constexpr int kLargestCrisp = 64;  // larger images shrink smoothly to kCellTarget instead
constexpr int kGap = 2;
const char* const kImageFilter = "Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff)";

// C*H*W bytes (grey or RGB) as a QImage that owns its pixels.
QImage planesToImage(const std::vector<uint8_t>& chw, const ImageSpec& spec) {
    const int64_t plane = int64_t(spec.height) * spec.width;
    QImage image(spec.width, spec.height, spec.channels == 3 ? QImage::Format_RGB888 : QImage::Format_Grayscale8);
    for (int y = 0; y < spec.height; ++y) {
        uchar* line = image.scanLine(y);
        for (int x = 0; x < spec.width; ++x) {
            const int64_t i = int64_t(y) * spec.width + x;
            if (spec.channels != 3) line[x] = chw[size_t(i)];
            else
                for (int c = 0; c < 3; ++c) line[3 * x + c] = chw[size_t(c * plane + i)];
        }
    }
    return image;
}

// Small images grow by an integer factor (square pixels); photos shrink to the target.
QSize cellSize(const ImageSpec& spec) {
    const int side = std::max(spec.height, spec.width);
    if (side > kLargestCrisp) return QSize(spec.width, spec.height).scaled(kCellTarget, kCellTarget, Qt::KeepAspectRatio);
    const int factor = std::max(1, int(std::lround(double(kCellTarget) / side)));
    return {spec.width * factor, spec.height * factor};
}

// The mean byte per channel of `paths` (those that decode), rounded.
std::vector<uint8_t> meanPixel(const std::vector<std::string>& paths, const ImageSpec& spec, const StopToken& stop,
                               int& decoded) {
    const int64_t plane = int64_t(spec.height) * spec.width;
    std::vector<double> sum(size_t(spec.channels), 0.0);
    std::vector<uint8_t> pixels;
    decoded = 0;
    for (const std::string& path : paths) {
        if (stop.stopRequested()) break;
        if (!decodeImage(path, spec, pixels)) continue;
        ++decoded;
        for (int64_t i = 0; i < int64_t(pixels.size()); ++i) sum[size_t(i / plane)] += pixels[size_t(i)];
    }
    std::vector<uint8_t> mean(size_t(spec.channels), 0);
    for (size_t c = 0; c < mean.size() && decoded > 0; ++c)
        mean[c] = uint8_t(std::lround(sum[c] / (double(decoded) * double(plane))));
    return mean;
}

QString fillText(const std::vector<uint8_t>& fill) {
    QStringList values;
    for (uint8_t v : fill) values << QString::number(v);
    return values.join(", ");
}
}  // namespace

struct AugmentPreviewGrid::Loaded {
    ImageSpec spec;
    QString path, error;
    std::vector<uint8_t> pixels, fill;
    int fillImages = 0;
};

AugmentPreviewGrid::AugmentPreviewGrid(QWidget* parent) : QWidget(parent) {
    jobs_ = new BackgroundJob(this);
    cells_ = new QLabel(this);
    cells_->setObjectName("augmentPreviewCells");
    note_ = new QLabel(this);
    note_->setWordWrap(true);
    note_->setStyleSheet("color: #666;");
    note_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // wraps to the grid's width
    imageButton_ = new QPushButton(tr("Image\u2026"), this);
    imageButton_->setToolTip(tr("Preview another image (or drop an image file on the grid)"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(3);
    // Narrow: the grid above, the note and the button below it, so a slim dock holds it.
    layout->addWidget(cells_, 0, Qt::AlignLeft);
    auto* row = new QHBoxLayout;
    row->addWidget(note_, 1);
    row->addWidget(imageButton_, 0, Qt::AlignTop);
    layout->addLayout(row);
    setAcceptDrops(true);
    connect(imageButton_, &QPushButton::clicked, this, &AugmentPreviewGrid::chooseImage);
    redraw();
}

void AugmentPreviewGrid::setFolder(const QString& dir) {
    if (dir == folder_) return;
    folder_ = dir;
    picked_.clear();  // new data: its own first image
    startLoading();
}

void AugmentPreviewGrid::setInputSpec(const ImageSpec& spec) {
    if (spec.channels == spec_.channels && spec.height == spec_.height && spec.width == spec_.width) return;
    spec_ = spec;
    startLoading();
}

void AugmentPreviewGrid::setImageFile(const QString& path) {
    if (path == picked_) return;
    picked_ = path;
    startLoading();
}

void AugmentPreviewGrid::setAugment(const QString& text, uint64_t seed) {
    if (text == augmentText_ && seed == seed_) return;
    augmentText_ = text;
    seed_ = seed;
    redraw();
}

QString AugmentPreviewGrid::note() const { return note_->text(); }

void AugmentPreviewGrid::startLoading() {
    if (folder_.isEmpty() && picked_.isEmpty()) {
        jobs_->cancel();
        applyLoaded(Loaded{spec_, {}, {}, {}, {}, 0});
        return;
    }
    loading_ = true;
    const QString folder = folder_, file = picked_;
    const ImageSpec spec = spec_;
    jobs_->start([folder, file, spec](const StopToken& stop) { return load(folder, file, spec, stop); },
                 [this](const Loaded& loaded) { applyLoaded(loaded); });
    redraw();
}

// On a worker thread: the folder's listing (for its first image and the mean's sample), the image.
AugmentPreviewGrid::Loaded AugmentPreviewGrid::load(const QString& folder, const QString& file, const ImageSpec& spec,
                                                    const StopToken& stop) {
    Loaded r{spec, file, {}, {}, {}, 0};
    std::vector<std::string> sample;
    try {
        if (!folder.isEmpty()) {
            const FolderIndex index = scanImageFolder(folder.toStdString());
            if (r.path.isEmpty()) r.path = QString::fromStdString(index.entries.front().path);
            const size_t n = index.entries.size(), take = std::min<size_t>(n, kFillSample);
            for (size_t i = 0; i < take; ++i) sample.push_back(index.entries[i * n / take].path);
        }
    } catch (const std::exception& e) {
        if (r.path.isEmpty()) r.error = QString::fromStdString(e.what());  // else the picked image still shows
    }
    if (r.path.isEmpty()) return r;
    std::string why;
    if (!decodeImage(r.path.toStdString(), spec, r.pixels, &why)) {
        r.error = QStringLiteral("%1: %2").arg(r.path, QString::fromStdString(why));
        r.pixels.clear();
        return r;
    }
    if (sample.empty()) sample.push_back(r.path.toStdString());  // no folder: the image's own mean
    r.fill = meanPixel(sample, spec, stop, r.fillImages);
    return r;
}

void AugmentPreviewGrid::applyLoaded(const Loaded& loaded) {
    loading_ = false;
    imageSpec_ = loaded.spec;
    path_ = loaded.path;
    error_ = loaded.error;
    image_ = loaded.pixels;
    fill_ = loaded.fill;
    fillImages_ = loaded.fillImages;
    redraw();
}

void AugmentPreviewGrid::redraw() {
    copies_.clear();
    Augment augment;
    QString problem;
    try {
        augment = parseAugment(augmentText_.trimmed().toStdString());
    } catch (const std::invalid_argument& e) {
        problem = QString::fromStdString(e.what());
    }
    if (problem.isEmpty() && !image_.empty())
        copies_ = augmentPreview(image_, imageSpec_, augment, seed_, kCopies, fill_);
    paintGrid();

    const QString name = QFileInfo(path_).fileName();
    QString text;
    if (!error_.isEmpty()) text = error_;
    else if (image_.empty())
        text = loading_ ? tr("Reading images\u2026")
                        : tr("Choose a training folder in the Dataset panel, or an image, to see the augmentation.");
    else if (!problem.isEmpty()) text = problem;
    else if (!augment.any()) text = tr("No augmentation: training sees %1 as it is, every epoch.").arg(name);
    else text = tr("%1 draws of %2, as training may see it. Filled areas take the data set's mean.").arg(kCopies).arg(name);
    note_->setText(text);
    QString tip = tr("Drop an image file here to preview it.");
    if (!copies_.empty())
        tip = tr("%1\nSeed %2 (the training seed). Filled pixels take the data set's mean, %3, estimated from %4 "
                 "images of the folder.\n%5")
                  .arg(QDir::toNativeSeparators(path_))
                  .arg(seed_)
                  .arg(fillText(fill_))
                  .arg(fillImages_)
                  .arg(tip);
    cells_->setToolTip(tip);
    emit refreshed();
}

// The copies in a 4x4 grid; empty cells (nothing to show) stay a light grey.
void AugmentPreviewGrid::paintGrid() {
    const ImageSpec& spec = image_.empty() ? spec_ : imageSpec_;
    const QSize cell = cellSize(spec);
    const int rows = (kCopies + kColumns - 1) / kColumns;
    grid_ = QImage(kColumns * cell.width() + (kColumns - 1) * kGap, rows * cell.height() + (rows - 1) * kGap,
                   QImage::Format_RGB32);
    grid_.fill(palette().color(QPalette::Window));
    QPainter p(&grid_);
    for (int i = 0; i < kCopies; ++i) {
        const QRect r(QPoint((i % kColumns) * (cell.width() + kGap), (i / kColumns) * (cell.height() + kGap)), cell);
        if (size_t(i) >= copies_.size()) {
            p.fillRect(r, QColor(0xe4, 0xe4, 0xe4));
            continue;
        }
        const bool crisp = std::max(spec.height, spec.width) <= kLargestCrisp;
        p.setRenderHint(QPainter::SmoothPixmapTransform, !crisp);
        p.drawImage(r, planesToImage(copies_[size_t(i)], imageSpec_));
    }
    p.end();
    cells_->setPixmap(QPixmap::fromImage(grid_));
}

void AugmentPreviewGrid::chooseImage() {
    const QString start = path_.isEmpty() ? folder_ : QFileInfo(path_).absolutePath();
    const QString file = QFileDialog::getOpenFileName(this, tr("Image to Preview"), start, tr(kImageFilter));
    if (!file.isEmpty()) setImageFile(file);
}

void AugmentPreviewGrid::dragEnterEvent(QDragEnterEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.front().isLocalFile()) event->acceptProposedAction();
}

void AugmentPreviewGrid::dropEvent(QDropEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.front().isLocalFile()) return;
    setImageFile(urls.front().toLocalFile());  // a file that cannot be decoded shows why in the note
    event->acceptProposedAction();
}

}  // namespace strata
