#include "runs/PredictPanel.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QMimeData>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>

#include "jobs/BackgroundJob.h"
#include "runs/RunReader.h"

namespace strata {

namespace {
constexpr int kTop = 3;
constexpr int kThumbSize = 64;
constexpr int kRowPadding = 6;
constexpr int kLineHeight = 18;
const QColor kErrorColor(0xc6, 0x28, 0x28);
const QColor kBarColor(0x1f, 0x77, 0xb4);
const QColor kBarTrack(0, 0, 0, 22);

// The image scaled to fit kThumbSize: small inputs are scaled up without smoothing (their
// pixels stay visible), large photos down with smoothing. Null when unreadable.
QImage thumbnailOf(const QString& path) {
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QImage image = reader.read();
    if (image.isNull()) return image;
    const bool up = image.width() < kThumbSize && image.height() < kThumbSize;
    return image.scaled(kThumbSize, kThumbSize, Qt::KeepAspectRatio,
                        up ? Qt::FastTransformation : Qt::SmoothTransformation);
}

// One classified image: thumbnail, file name, then the top classes as bars with percentages,
// or the error in red. Painted in one place so the rows line up exactly.
class PredictionRow : public QWidget {
public:
    PredictionRow(const Prediction& prediction, const QImage& thumbnail, QWidget* parent)
        : QWidget(parent), prediction_(prediction), thumbnail_(thumbnail) {
        setToolTip(QString::fromStdString(prediction.path));
        setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    }
    QSize sizeHint() const override { return {320, kThumbSize + 2 * kRowPadding}; }
    QSize minimumSizeHint() const override { return {200, kThumbSize + 2 * kRowPadding}; }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        const QRect thumbBox(kRowPadding, kRowPadding, kThumbSize, kThumbSize);
        p.fillRect(thumbBox, palette().color(QPalette::AlternateBase));
        if (!thumbnail_.isNull()) {
            const QRect target(QPoint(thumbBox.x() + (kThumbSize - thumbnail_.width()) / 2,
                                      thumbBox.y() + (kThumbSize - thumbnail_.height()) / 2),
                               thumbnail_.size());
            p.drawImage(target, thumbnail_);
        }
        p.setPen(QColor(0, 0, 0, 50));
        p.drawRect(thumbBox.adjusted(0, 0, -1, -1));

        const int left = thumbBox.right() + 1 + 2 * kRowPadding;
        const int width = this->width() - left - kRowPadding;
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.setPen(palette().color(QPalette::Text));
        const QString name = QFileInfo(QString::fromStdString(prediction_.path)).fileName();
        const QRect nameRect(left, kRowPadding, width, kLineHeight);
        p.drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter,
                   QFontMetrics(bold).elidedText(name, Qt::ElideMiddle, width));
        p.setFont(font());

        if (!prediction_.error.empty()) {
            p.setPen(kErrorColor);
            p.drawText(QRect(left, nameRect.bottom() + 2, width, kThumbSize - kLineHeight),
                       Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, QString::fromStdString(prediction_.error));
            return;
        }
        const QFontMetrics fm(font());
        const int labelWidth = std::min(width / 3, 120);
        const int percentWidth = fm.horizontalAdvance("100.0%") + 4;
        const int barWidth = std::max(20, width - labelWidth - percentWidth - 8);
        int y = nameRect.bottom() + 2;
        for (size_t i = 0; i < prediction_.top.size() && i < size_t(kTop); ++i, y += kLineHeight) {
            const auto& [cls, prob] = prediction_.top[i];
            const QRect labelRect(left, y, labelWidth, kLineHeight);
            p.setPen(palette().color(i == 0 ? QPalette::Text : QPalette::PlaceholderText));
            p.drawText(labelRect, Qt::AlignLeft | Qt::AlignVCenter,
                       fm.elidedText(QString::fromStdString(cls), Qt::ElideRight, labelWidth - 4));
            const QRect track(labelRect.right() + 4, y + 4, barWidth, kLineHeight - 8);
            p.fillRect(track, kBarTrack);
            QColor bar = kBarColor;
            if (i > 0) bar.setAlpha(130);
            p.fillRect(QRect(track.topLeft(), QSize(int(track.width() * std::clamp(prob, 0.0, 1.0) + 0.5),
                                                    track.height())),
                       bar);
            p.drawText(QRect(track.right() + 6, y, percentWidth, kLineHeight), Qt::AlignRight | Qt::AlignVCenter,
                       QString("%1%").arg(100.0 * prob, 0, 'f', 1));
        }
    }

private:
    Prediction prediction_;
    QImage thumbnail_;
};
}  // namespace

// One background classification: the inputs, then (filled by the worker) the results.
struct PredictPanel::Batch {
    QString runPath;
    QStringList paths;
    std::shared_ptr<TrainedModel> model;  // in: the loaded model if any; out: the one used
    QString modelPath;
    int generation = 0;  // PredictPanel::runGeneration_ when it started
    QString runError;    // out: why the run's network could not be loaded ("" when it was)
    QList<Item> items;
};

PredictPanel::PredictPanel(QWidget* parent) : QWidget(parent), jobs_(new BackgroundJob(this)) {
    setObjectName("predictPanel");
    setAcceptDrops(true);
    buildUi();
    setRun(QString());
}

void PredictPanel::buildUi() {
    header_ = new QLabel(this);
    header_->setObjectName("predictRunHeader");
    header_->setWordWrap(true);
    addButton_ = new QPushButton(tr("Add images…"), this);
    addButton_->setObjectName("addImages");
    clearButton_ = new QPushButton(tr("Clear"), this);
    busyLabel_ = new QLabel(tr("Classifying…"), this);
    busyLabel_->setForegroundRole(QPalette::PlaceholderText);
    busyLabel_->hide();
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(addButton_);
    buttons->addWidget(clearButton_);
    buttons->addWidget(busyLabel_);
    buttons->addStretch(1);

    list_ = new QWidget;
    list_->setObjectName("predictions");
    listLayout_ = new QVBoxLayout(list_);
    listLayout_->setContentsMargins(0, 0, 0, 0);
    listLayout_->setSpacing(0);
    placeholder_ = new QLabel(list_);
    placeholder_->setAlignment(Qt::AlignCenter);
    placeholder_->setWordWrap(true);
    placeholder_->setForegroundRole(QPalette::PlaceholderText);
    placeholder_->setMinimumHeight(kThumbSize * 2);
    listLayout_->addWidget(placeholder_);
    listLayout_->addStretch(1);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(list_);
    scroll->setWidgetResizable(true);
    scroll->setBackgroundRole(QPalette::Base);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(header_);
    layout->addLayout(buttons);
    layout->addWidget(scroll, 1);

    connect(addButton_, &QPushButton::clicked, this, &PredictPanel::addImages);
    connect(clearButton_, &QPushButton::clicked, this, &PredictPanel::clear);
}

void PredictPanel::setRun(const QString& runPath) {
    if (runPath != run_) {
        clear();
        pending_.clear();
    }
    // Loaded again on first use even for the same path: a resumed training rewrites its file.
    model_.reset();
    modelPath_.clear();
    ++runGeneration_;
    run_ = runPath;
    runBroken_ = false;
    runSummary_.clear();
    if (!run_.isEmpty()) {
        try {  // the summary only: the network itself is loaded off the UI thread on first use
            const ValidRun run = readValidRun(run_.toStdString(), {RunParts::Summary});
            QStringList classes;
            for (const std::string& c : run.classes) classes << QString::fromStdString(c);
            runSummary_ = (classes.size() == 1 ? tr("1 class: %1") : tr("%1 classes: %2").arg(classes.size()))
                              .arg(classes.join(", "));
        } catch (const std::exception& e) {
            runBroken_ = true;
            runSummary_ = QString::fromStdString(e.what());
        }
    }
    updateHeader();
}

void PredictPanel::updateHeader() {
    const bool usable = !run_.isEmpty() && !runBroken_;
    addButton_->setEnabled(usable);
    clearButton_->setEnabled(!items_.isEmpty());
    if (run_.isEmpty()) {
        header_->setText(tr("Train the design or open a run to classify images with it."));
        header_->setStyleSheet(QString());
    } else if (runBroken_) {
        header_->setText(runSummary_);
        header_->setStyleSheet(QString("color: %1").arg(kErrorColor.name()));
    } else {
        header_->setText(tr("<b>%1</b> — %2").arg(QFileInfo(run_).fileName().toHtmlEscaped(),
                                                  runSummary_.toHtmlEscaped()));
        header_->setStyleSheet(QString());
    }
    placeholder_->setVisible(items_.isEmpty());
    placeholder_->setText(usable ? tr("Drop image files here, or use “Add images…”.") : QString());
}

void PredictPanel::classify(const QStringList& paths) {
    if (paths.isEmpty()) return;
    pending_ += paths;
    if (!busy_) startNext();
}

void PredictPanel::clear() {
    for (QWidget* row : list_->findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly))
        if (row != placeholder_) delete row;
    items_.clear();
    updateHeader();
}

QList<Prediction> PredictPanel::results() const {
    QList<Prediction> predictions;
    for (const Item& item : items_) predictions << item.prediction;
    return predictions;
}

void PredictPanel::addImages() {
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Images to classify"), QString(), tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff);;All files (*)"));
    classify(files);
}

void PredictPanel::startNext() {
    auto batch = std::make_shared<Batch>();
    batch->runPath = run_;
    batch->paths = pending_;
    batch->model = model_;
    batch->modelPath = modelPath_;
    batch->generation = runGeneration_;
    pending_.clear();
    busy_ = true;
    busyLabel_->show();
    jobs_->start(
        [batch](const StopToken& stop) {
            runBatch(*batch, stop);
            return batch;
        },
        [this](const std::shared_ptr<Batch>& done) { finishBatch(done); });
}

void PredictPanel::runBatch(Batch& batch, const StopToken& stop) {
    QString& runError = batch.runError;
    if (batch.runPath.isEmpty()) {
        runError = tr("No run to classify with: train the design or open a run first.");
    } else if (!batch.model || batch.modelPath != batch.runPath) {
        batch.model.reset();
        try {
            batch.model = std::make_shared<TrainedModel>(batch.runPath.toStdString());
            batch.modelPath = batch.runPath;
        } catch (const std::exception& e) {
            runError = QString::fromStdString(e.what());
        }
    }
    for (const QString& path : batch.paths) {
        if (stop.stopRequested()) return;  // the panel is going: nobody will see the rest
        Item item;
        item.prediction.path = path.toStdString();
        item.thumbnail = thumbnailOf(path);
        if (!batch.model) {
            item.prediction.error = runError.toStdString();
        } else {
            try {
                item.prediction = batch.model->predict(path.toStdString(), kTop);
            } catch (const std::exception& e) {
                item.prediction.error = e.what();
            }
        }
        batch.items << item;
    }
}

void PredictPanel::finishBatch(const std::shared_ptr<Batch>& batch) {
    busy_ = false;
    busyLabel_->hide();
    if (batch->runPath == run_) {  // else the run changed meanwhile: these results are stale
        // Else setRun came meanwhile, for the same path: the next batch loads the file afresh.
        const bool current = batch->generation == runGeneration_;
        if (current && batch->model) {
            model_ = batch->model;
            modelPath_ = batch->modelPath;
        } else if (current && !run_.isEmpty() && !batch->runError.isEmpty()) {
            // Its summary read, but the network did not (a damaged checkpoint): the header says
            // why, and no more images are taken until another run (or this one again) is set.
            runBroken_ = true;
            runSummary_ = batch->runError;
        }
        for (const Item& item : batch->items) addRow(item);
        updateHeader();
        emit predictionsReady(int(batch->items.size()));
    }
    if (!pending_.isEmpty()) startNext();
}

void PredictPanel::addRow(const Item& item) {
    items_ << item;
    auto* row = new PredictionRow(item.prediction, item.thumbnail, list_);
    listLayout_->insertWidget(listLayout_->count() - 1, row);  // above the trailing stretch
}

QStringList PredictPanel::localImageFiles(const QMimeData* mime) {
    QStringList files;
    if (!mime || !mime->hasUrls()) return files;
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isFile()) files << url.toLocalFile();
    return files;
}

void PredictPanel::dragEnterEvent(QDragEnterEvent* event) {
    if (addButton_->isEnabled() && !localImageFiles(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void PredictPanel::dragMoveEvent(QDragMoveEvent* event) {
    if (addButton_->isEnabled() && !localImageFiles(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void PredictPanel::dropEvent(QDropEvent* event) {
    const QStringList files = localImageFiles(event->mimeData());
    if (files.isEmpty()) return;
    event->acceptProposedAction();
    classify(files);
}

}  // namespace strata
