#include "data/DatasetPanel.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QImageReader>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPainter>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>
#include <vector>

#include "jobs/BackgroundJob.h"

namespace strata {

namespace {
constexpr int kSamplesPerClass = 6;
constexpr int kThumbSize = 48;        // px; small inputs are scaled up, pixelated
constexpr int kThumbGap = 3;
constexpr double kImbalanceRatio = 1.5;  // largest / smallest class count that earns a warning
constexpr int kMaxListedPaths = 3;       // unreadable files named in a warning
constexpr int kDefaultSearchLevels = 3;  // folders above the executable searched for datasets/
const char* const kErrorColor = "#c62828";
const char* const kWarningColor = "#8a5a00";

QString count(qint64 n) {
    QLocale locale;
    if (locale.language() == QLocale::C) locale = QLocale(QLocale::English, QLocale::UnitedStates);
    return locale.toString(n);
}

QString sizeText(const QSize& size) { return QString("%1×%2").arg(size.width()).arg(size.height()); }

// C*H*W uint8 (grayscale or RGB) as a QImage that owns its pixels.
QImage toImage(const std::vector<uint8_t>& chw, const ImageSpec& spec) {
    const int h = spec.height, w = spec.width;
    const int64_t plane = int64_t(h) * w;
    QImage image(w, h, spec.channels == 3 ? QImage::Format_RGB888 : QImage::Format_Grayscale8);
    for (int y = 0; y < h; ++y) {
        uchar* line = image.scanLine(y);
        for (int x = 0; x < w; ++x) {
            const int64_t i = int64_t(y) * w + x;
            if (spec.channels == 3) {
                line[3 * x] = chw[i];
                line[3 * x + 1] = chw[plane + i];
                line[3 * x + 2] = chw[2 * plane + i];
            } else {
                line[x] = chw[i];
            }
        }
    }
    return image;
}

// The thumbnails of one class side by side, each scaled to fit kThumbSize (pixelated).
QPixmap sampleStrip(const QList<QImage>& samples, qreal dpr) {
    const int width = kSamplesPerClass * kThumbSize + (kSamplesPerClass - 1) * kThumbGap;
    QPixmap strip(QSize(width, kThumbSize) * dpr);
    strip.setDevicePixelRatio(dpr);
    strip.fill(Qt::transparent);
    QPainter painter(&strip);
    int x = 0;
    for (const QImage& image : samples) {
        const QSize size = image.size().scaled(kThumbSize, kThumbSize, Qt::KeepAspectRatio);
        const QRect target(x + (kThumbSize - size.width()) / 2, (kThumbSize - size.height()) / 2, size.width(),
                           size.height());
        painter.drawImage(target, image);  // no smoothing: the pixels of small inputs stay visible
        painter.setPen(QColor(0, 0, 0, 40));
        painter.drawRect(target.adjusted(0, 0, -1, -1));
        x += kThumbSize + kThumbGap;
    }
    return strip;
}

QString htmlLine(const QString& text, const char* color) {
    return QString("<div style=\"color:%1; margin-bottom:4px\">%2</div>").arg(color, text.toHtmlEscaped());
}

// Whether the largest class outnumbers the smallest enough to warn (and offer class weights).
bool classesImbalanced(const QList<qint64>& counts) {
    if (counts.isEmpty()) return false;
    const auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
    return *lo > 0 && double(*hi) / double(*lo) > kImbalanceRatio;
}

// The warnings of a scan: class imbalance, images of another size than the Input, unreadable
// sampled files.
QStringList scanWarnings(const QStringList& classes, const QList<qint64>& counts, const QList<QSize>& sourceSizes,
                         const QStringList& unreadable, const ImageSpec& spec) {
    QStringList warnings;
    if (classesImbalanced(counts)) {
        const auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
        const int small = int(lo - counts.begin()), large = int(hi - counts.begin());
        warnings << DatasetPanel::tr("Classes are imbalanced: \"%1\" has %2 images, \"%3\" has %4 (%5×).")
                        .arg(classes[large], count(*hi), classes[small], count(*lo))
                        .arg(double(*hi) / double(*lo), 0, 'f', 1);
    }
    const QSize inputSize(spec.width, spec.height);
    if (std::any_of(sourceSizes.begin(), sourceSizes.end(), [&](const QSize& s) { return s != inputSize; })) {
        QStringList sizes;
        for (const QSize& s : sourceSizes.mid(0, 3)) sizes << sizeText(s);
        warnings << (sourceSizes.size() == 1
                         ? DatasetPanel::tr("Images are %1; they will be resized to %2 (the Input size).")
                               .arg(sizes.first(), sizeText(inputSize))
                         : DatasetPanel::tr("Images have several sizes (%1%2); they will be resized to %3 "
                                            "(the Input size).")
                               .arg(sizes.join(", "), sourceSizes.size() > 3 ? ", …" : "", sizeText(inputSize)));
    }
    if (!unreadable.isEmpty())
        warnings << DatasetPanel::tr("%1 of the sampled files unreadable (files that cannot be read are skipped in "
                                     "training): %2")
                        .arg(unreadable.size())
                        .arg(unreadable.mid(0, kMaxListedPaths).join(", "));
    return warnings;
}
}  // namespace

// Plain result of one scan, built on the worker thread and applied on the UI thread.
struct DatasetPanel::ScanResult {
    QStringList errors;  // each names the path at fault
    QStringList warnings;
    QStringList classes;
    QList<qint64> counts;
    QList<QList<QImage>> samples;  // per class, at the Input size
};

DatasetPanel::DatasetPanel(QWidget* parent) : QWidget(parent), scans_(new BackgroundJob(this)) {
    setObjectName("datasetPanel");
    buildUi();
    restoreSettings();
}

void DatasetPanel::buildUi() {
    auto folderRow = [this](QLineEdit*& edit, const QString& placeholder, const QString& title) {
        auto* row = new QWidget(this);
        auto* layout = new QHBoxLayout(row);
        layout->setContentsMargins(0, 0, 0, 0);
        edit = new QLineEdit(row);
        edit->setPlaceholderText(placeholder);
        edit->setClearButtonEnabled(true);
        auto* button = new QPushButton(tr("Browse…"), row);
        layout->addWidget(edit, 1);
        layout->addWidget(button);
        QLineEdit* target = edit;
        connect(button, &QPushButton::clicked, this, [this, target, title] { browse(target, title); });
        connect(edit, &QLineEdit::editingFinished, this, &DatasetPanel::onFoldersEdited);
        return row;
    };

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Training:"), folderRow(trainEdit_, tr("DIR/<class>/<image>"), tr("Training folder")));

    auto* valRow = new QWidget(this);
    auto* valLayout = new QHBoxLayout(valRow);
    valLayout->setContentsMargins(0, 0, 0, 0);
    valMode_ = new QComboBox(valRow);
    valMode_->addItems({tr("None"), tr("Split from training"), tr("Folder")});
    valSplit_ = new QDoubleSpinBox(valRow);
    valSplit_->setRange(0.05, 0.5);
    valSplit_->setSingleStep(0.05);
    valSplit_->setDecimals(2);
    valSplit_->setValue(0.1);
    valSplit_->setToolTip(tr("Fraction of the training images held out for validation"));
    valLayout->addWidget(valMode_, 1);
    valLayout->addWidget(valSplit_);
    form->addRow(tr("Validation:"), valRow);
    valFolderRow_ = folderRow(valEdit_, tr("validation folder"), tr("Validation folder"));
    form->addRow(QString(), valFolderRow_);
    form->addRow(tr("Test:"), folderRow(testEdit_, tr("optional"), tr("Test folder")));

    connect(valMode_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        updateValWidgets();
        onFoldersEdited();
    });
    connect(valSplit_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this] {
        if (restoring_) return;
        saveSettings();
        emit foldersChanged();
    });

    summary_ = new QLabel(this);
    summary_->setObjectName("datasetSummary");
    QFont bold = summary_->font();
    bold.setBold(true);
    summary_->setFont(bold);

    messages_ = new QLabel(this);
    messages_->setObjectName("datasetMessages");
    messages_->setWordWrap(true);
    messages_->setTextFormat(Qt::RichText);
    messages_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    messages_->hide();
    balance_ = new QPushButton(tr("Weight the loss by class (class weights: auto)"), this);
    balance_->setObjectName("datasetBalance");
    balance_->setToolTip(tr("Each class's images count in the loss in inverse proportion to the class's size, "
                            "so a small class is not ignored (strata train --class-weights auto)"));
    balance_->hide();
    connect(balance_, &QPushButton::clicked, this, &DatasetPanel::classWeightsRequested);

    table_ = new QTableWidget(0, 3, this);
    table_->setObjectName("datasetClasses");
    table_->setHorizontalHeaderLabels({tr("Class"), tr("Images"), tr("Samples")});
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(kThumbSize + 6);
    table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionMode(QAbstractItemView::NoSelection);
    table_->setFocusPolicy(Qt::NoFocus);
    table_->setShowGrid(false);
    table_->setAlternatingRowColors(true);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(summary_);
    layout->addWidget(messages_);
    layout->addWidget(balance_, 0, Qt::AlignLeft);
    layout->addWidget(table_, 1);
    layout->addStretch(0);  // takes the space while the table is hidden (no folder, an error)

    scanTimer_ = new QTimer(this);
    scanTimer_->setSingleShot(true);
    scanTimer_->setInterval(0);  // coalesces the setters of one event-loop turn into one scan
    connect(scanTimer_, &QTimer::timeout, this, &DatasetPanel::startScan);
    updateValWidgets();
    showMessages({}, {});
    summary_->setText(tr("No training folder chosen."));
}

void DatasetPanel::restoreSettings() {
    restoring_ = true;
    QSettings settings;
    trainEdit_->setText(settings.value("data/train").toString());
    valMode_->setCurrentIndex(std::clamp(settings.value("data/valMode", int(ValNone)).toInt(), 0, 2));
    valSplit_->setValue(settings.value("data/valSplit", 0.1).toDouble());
    valEdit_->setText(settings.value("data/val").toString());
    testEdit_->setText(settings.value("data/test").toString());
    restoring_ = false;
    updateValWidgets();
    if (!trainFolder().isEmpty()) scheduleScan();
}

void DatasetPanel::saveSettings() const {
    QSettings settings;
    settings.setValue("data/train", trainEdit_->text().trimmed());
    settings.setValue("data/valMode", valMode_->currentIndex());
    settings.setValue("data/valSplit", valSplit_->value());
    settings.setValue("data/val", valEdit_->text().trimmed());
    settings.setValue("data/test", testEdit_->text().trimmed());
}

void DatasetPanel::setInputSpec(const ImageSpec& spec) {
    if (spec.channels == spec_.channels && spec.height == spec_.height && spec.width == spec_.width) return;
    spec_ = spec;
    if (!trainFolder().isEmpty()) scheduleScan();
}

void DatasetPanel::setTrainFolder(const QString& dir) {
    trainEdit_->setText(dir);
    onFoldersEdited();
}

QString DatasetPanel::trainFolder() const { return trainEdit_->text().trimmed(); }

void DatasetPanel::setValFolder(const QString& dir) {
    valEdit_->setText(dir);
    valMode_->setCurrentIndex(dir.isEmpty() ? ValNone : ValFolder);
    onFoldersEdited();
}

QString DatasetPanel::valFolder() const {
    return valMode_->currentIndex() == ValFolder ? valEdit_->text().trimmed() : QString();
}

void DatasetPanel::setValSplit(double fraction) {
    if (fraction > 0) valSplit_->setValue(fraction);
    valMode_->setCurrentIndex(fraction > 0 ? ValSplit : ValNone);
}

double DatasetPanel::valSplit() const { return valMode_->currentIndex() == ValSplit ? valSplit_->value() : 0.0; }

void DatasetPanel::setTestFolder(const QString& dir) {
    testEdit_->setText(dir);
    onFoldersEdited();
}

QString DatasetPanel::testFolder() const { return testEdit_->text().trimmed(); }

QString DatasetPanel::defaultTrainFolder() {
    const QString relative = QStringLiteral("datasets/fashion-mnist/train");
#ifdef STRATA_SOURCE_DIR
    const QString fromSource = QDir(QStringLiteral(STRATA_SOURCE_DIR)).filePath(relative);
    if (QFileInfo(fromSource).isDir()) return QDir::cleanPath(fromSource);
#endif
    QDir dir(QCoreApplication::applicationDirPath());
    for (int level = 0; level <= kDefaultSearchLevels; ++level) {
        const QString candidate = dir.filePath(relative);
        if (QFileInfo(candidate).isDir()) return QFileInfo(candidate).canonicalFilePath();
        if (!dir.cdUp()) break;
    }
    return QString();
}

void DatasetPanel::browse(QLineEdit* edit, const QString& title) {
    const QString start = edit->text().isEmpty() ? trainFolder() : edit->text();
    const QString dir = QFileDialog::getExistingDirectory(this, title, start);
    if (dir.isEmpty()) return;
    edit->setText(dir);
    onFoldersEdited();
}

void DatasetPanel::updateValWidgets() {
    valSplit_->setVisible(valMode_->currentIndex() == ValSplit);
    valFolderRow_->setVisible(valMode_->currentIndex() == ValFolder);
}

void DatasetPanel::onFoldersEdited() {
    if (restoring_) return;
    saveSettings();
    emit foldersChanged();
    scheduleScan();
}

void DatasetPanel::scheduleScan() { scanTimer_->start(); }

void DatasetPanel::startScan() {
    scanning_ = true;
    summary_->setText(trainFolder().isEmpty() ? tr("No training folder chosen.") : tr("Scanning…"));
    const QString train = trainFolder(), val = valFolder(), test = testFolder();
    const bool valWanted = valMode_->currentIndex() == ValFolder;
    const ImageSpec spec = spec_;
    scans_->start(
        [train, val, test, valWanted, spec](const StopToken& stop) {
            ScanResult result = scan(train, val, test, spec, stop);
            if (valWanted && val.isEmpty())
                result.errors << tr("Choose a validation folder, or another validation option.");
            return result;
        },
        [this](const ScanResult& result) { applyScan(result); }, QThread::LowPriority);
}

DatasetPanel::ScanResult DatasetPanel::scan(const QString& train, const QString& val, const QString& test,
                                            const ImageSpec& spec, const StopToken& stop) {
    ScanResult result;
    if (train.isEmpty()) {
        result.errors << tr("No training folder chosen.");
        return result;
    }
    FolderIndex index;
    try {
        index = scanImageFolder(train.toStdString());
    } catch (const std::exception& e) {
        result.errors << QString::fromStdString(e.what());
        return result;
    }

    QList<QSize> sourceSizes;
    QStringList unreadable;
    size_t first = 0;
    for (size_t c = 0; c < index.classes.size(); ++c) {
        if (stop.stopRequested()) return result;  // overtaken or the panel is going: dropped anyway
        const qint64 n = index.countPerClass[c];
        result.classes << QString::fromStdString(index.classes[c]);
        result.counts << n;
        QList<QImage> samples;
        const qint64 picks = std::min<qint64>(kSamplesPerClass, n);
        for (qint64 i = 0; i < picks; ++i) {  // spread over the class, not just its first files
            const std::string& path = index.entries[first + size_t(i * n / picks)].path;
            std::vector<uint8_t> pixels;
            std::string error;
            if (!decodeImage(path, spec, pixels, &error)) {
                unreadable << QString("%1 (%2)").arg(QString::fromStdString(path), QString::fromStdString(error));
                continue;
            }
            samples << toImage(pixels, spec);
            const QSize size = QImageReader(QString::fromStdString(path)).size();
            if (size.isValid() && !sourceSizes.contains(size)) sourceSizes << size;
        }
        result.samples << samples;
        first += size_t(n);
    }

    // Validation and test folders must hold the training classes.
    auto checkOther = [&](const QString& dir, const QString& role) {
        if (dir.isEmpty()) return;
        try {
            const FolderIndex other = scanImageFolder(dir.toStdString());
            if (other.classes != index.classes)
                result.errors << tr("%1: %2 classes differ from the training classes in %3").arg(dir, role, train);
        } catch (const std::exception& e) {
            result.errors << QString::fromStdString(e.what());
        }
    };
    checkOther(val, tr("validation"));
    checkOther(test, tr("test"));

    result.warnings = scanWarnings(result.classes, result.counts, sourceSizes, unreadable, spec);
    return result;
}

void DatasetPanel::applyScan(const ScanResult& result) {
    scanning_ = false;
    valid_ = result.errors.isEmpty();
    lastError_ = result.errors.value(0);
    warnings_ = result.warnings;
    classes_ = result.classes;

    qint64 total = 0;
    for (qint64 n : result.counts) total += n;
    if (trainFolder().isEmpty()) summary_->setText(tr("No training folder chosen."));
    else if (result.classes.isEmpty()) summary_->setText(tr("Cannot use this folder."));
    else if (result.classes.size() == 1) summary_->setText(tr("1 class · %1 images").arg(count(total)));
    else summary_->setText(tr("%1 classes · %2 images").arg(result.classes.size()).arg(count(total)));

    table_->setRowCount(0);
    table_->setRowCount(int(result.classes.size()));
    thumbnailCount_ = 0;
    const qreal dpr = devicePixelRatioF();
    for (int row = 0; row < result.classes.size(); ++row) {
        auto* name = new QTableWidgetItem(result.classes[row]);
        auto* n = new QTableWidgetItem(count(result.counts[row]));
        n->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        table_->setItem(row, 0, name);
        table_->setItem(row, 1, n);
        auto* strip = new QLabel;
        strip->setPixmap(sampleStrip(result.samples[row], dpr));
        strip->setContentsMargins(6, 0, 0, 0);
        table_->setCellWidget(row, 2, strip);
        thumbnailCount_ += int(result.samples[row].size());
    }
    table_->setVisible(!result.classes.isEmpty());
    showMessages(trainFolder().isEmpty() ? QStringList() : result.errors, result.warnings);
    balance_->setVisible(!trainFolder().isEmpty() && classesImbalanced(result.counts));
    emit scanned(valid_);
}

void DatasetPanel::showMessages(const QStringList& errors, const QStringList& warnings) {
    QString html;
    for (const QString& e : errors) html += htmlLine(e, kErrorColor);
    for (const QString& w : warnings) html += htmlLine(w, kWarningColor);
    messages_->setText(html);
    messages_->setVisible(!html.isEmpty());
}

}  // namespace strata
