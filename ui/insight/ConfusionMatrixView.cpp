#include "insight/ConfusionMatrixView.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImageReader>
#include <QLabel>
#include <QListWidget>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>

#include "widgets/Labels.h"

namespace strata {

namespace {
constexpr int kThumb = 64;
constexpr int kCellSize = 36;
constexpr int kLongHeaderClasses = 5;  // above this many classes, columns are headed by number
const QColor kHot(0x1f, 0x5f, 0xa8);  // a full row in one cell
const QColor kMistake(0xc6, 0x28, 0x28);

QString className(const std::vector<std::string>& classes, int i) {
    return i >= 0 && size_t(i) < classes.size() ? QString::fromStdString(classes[size_t(i)])
                                                : QObject::tr("class %1").arg(i);
}

// White blended towards `color` by `share` (0..1).
QColor shade(const QColor& color, double share) {
    share = std::clamp(share, 0.0, 1.0);
    auto mix = [share](int c) { return int(255 + (c - 255) * share + 0.5); };
    return QColor(mix(color.red()), mix(color.green()), mix(color.blue()));
}

QIcon thumbnail(const QString& path) {
    QImageReader reader(path);
    reader.setAutoTransform(true);
    QImage image = reader.read();
    if (image.isNull()) return QIcon();
    const bool up = image.width() < kThumb && image.height() < kThumb;
    return QIcon(QPixmap::fromImage(
        image.scaled(kThumb, kThumb, Qt::KeepAspectRatio, up ? Qt::FastTransformation : Qt::SmoothTransformation)));
}
}  // namespace

ConfusionMatrixView::ConfusionMatrixView(QWidget* parent) : QWidget(parent) {
    setObjectName("confusionView");
    table_ = new QTableWidget(this);
    table_->setObjectName("confusionTable");
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->setToolTip(tr("Rows: true class; columns: predicted class. Click a cell to see its images."));
    caption_ = new QLabel(this);
    caption_->setWordWrap(true);
    examples_ = new QListWidget(this);
    examples_->setObjectName("confusionExamples");
    examples_->setViewMode(QListView::IconMode);
    examples_->setIconSize(QSize(kThumb, kThumb));
    examples_->setResizeMode(QListView::Adjust);
    examples_->setMovement(QListView::Static);
    examples_->setMinimumHeight(kThumb + 36);

    table_->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    table_->horizontalHeader()->setMinimumSectionSize(kCellSize);
    table_->verticalHeader()->setMinimumSectionSize(kCellSize * 2 / 3);

    // The matrix at its natural size on the left, the chosen cell's images beside it.
    auto* title = sectionHeader(tr("Confusion matrix on held-out images"), this);
    auto* cellSide = new QVBoxLayout;
    cellSide->addWidget(caption_);
    cellSide->addWidget(examples_, 1);
    auto* body = new QHBoxLayout;
    body->addWidget(table_, 0, Qt::AlignTop);
    body->addLayout(cellSide, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(title);
    layout->addLayout(body, 1);
    connect(table_, &QTableWidget::cellClicked, this, [this](int r, int c) {
        if (c >= int(confusion_.counts.size())) return;  // the accuracy column
        chosen_ = {r, c};
        chooseCell(r, c);
    });
    clear();
}

void ConfusionMatrixView::clear() {
    confusion_ = ConfusionView();
    classes_.clear();
    table_->clear();
    table_->setRowCount(0);
    table_->setColumnCount(0);
    examples_->clear();
    shownPaths_.clear();
    caption_->setText(tr("No evaluation yet."));
}

void ConfusionMatrixView::setConfusion(const ConfusionView& confusion, const std::vector<std::string>& classes) {
    clear();
    confusion_ = confusion;
    classes_ = classes;
    const int n = int(confusion.counts.size());
    if (n == 0) return;
    table_->setRowCount(n);
    table_->setColumnCount(n + 1);
    // Many classes: number the columns (and prefix the rows with the numbers) so the matrix
    // stays square instead of as wide as its longest class names.
    const bool numbered = n > kLongHeaderClasses;
    QStringList rows, columns;
    for (int i = 0; i < n; ++i) {
        rows << (numbered ? QString("%1  %2").arg(i).arg(className(classes, i)) : className(classes, i));
        columns << (numbered ? QString::number(i) : className(classes, i));
    }
    columns << tr("accuracy");
    table_->setVerticalHeaderLabels(rows);
    table_->setHorizontalHeaderLabels(columns);
    for (int i = 0; i < n; ++i) table_->horizontalHeaderItem(i)->setToolTip(tr("predicted %1").arg(className(classes, i)));
    for (int r = 0; r < n; ++r) {
        const auto& row = confusion.counts[size_t(r)];
        const int64_t total = std::accumulate(row.begin(), row.end(), int64_t(0));
        for (int c = 0; c < n; ++c) {
            const int64_t count = c < int(row.size()) ? row[size_t(c)] : 0;
            const double share = total > 0 ? double(count) / double(total) : 0;
            auto* item = new QTableWidgetItem(QString::number(count));
            item->setTextAlignment(Qt::AlignCenter);
            // The diagonal in blue, mistakes in red: where the network confuses classes pops out.
            item->setBackground(shade(r == c ? kHot : kMistake, r == c ? share : std::min(1.0, share * 3)));
            if (r == c && share > 0.55) item->setForeground(Qt::white);
            item->setToolTip(tr("%1 images of %2 predicted as %3 (%4% of the row)")
                                 .arg(count)
                                 .arg(className(classes, r), className(classes, c))
                                 .arg(100 * share, 0, 'f', 1));
            table_->setItem(r, c, item);
        }
        const double acc = size_t(r) < confusion.perClassAccuracy.size() ? confusion.perClassAccuracy[size_t(r)] : 0;
        auto* accuracy = new QTableWidgetItem(QString::number(100 * acc, 'f', 1) + "%");
        accuracy->setTextAlignment(Qt::AlignCenter);
        QFont bold = accuracy->font();
        bold.setBold(true);
        accuracy->setFont(bold);
        accuracy->setFlags(Qt::ItemIsEnabled);
        table_->setItem(r, n, accuracy);
    }
    caption_->setText(tr("Click a cell to see its images."));
    // Show some images at once: the cell the user chose last, else the largest confusion.
    int bestR = -1, bestC = -1;
    if (chosen_.first >= 0 && chosen_.first < n && chosen_.second < n) {
        bestR = chosen_.first;
        bestC = chosen_.second;
    } else {
        int64_t most = 0;
        for (int r = 0; r < n; ++r)
            for (int c = 0; c < n && c < int(confusion.counts[size_t(r)].size()); ++c)
                if (r != c && confusion.counts[size_t(r)][size_t(c)] > most) {
                    most = confusion.counts[size_t(r)][size_t(c)];
                    bestR = r;
                    bestC = c;
                }
    }
    if (bestR >= 0) {
        const std::pair<int, int> keep = chosen_;
        chooseCell(bestR, bestC);
        chosen_ = keep;  // an automatic choice is not the user's
        table_->setCurrentCell(bestR, bestC);
    }
}

void ConfusionMatrixView::chooseCell(int trueClass, int predicted) {
    const int n = int(confusion_.counts.size());
    if (trueClass < 0 || predicted < 0 || trueClass >= n || predicted >= n) return;  // the accuracy column
    examples_->clear();
    shownPaths_.clear();
    const auto& paths = confusion_.examplePaths;
    if (size_t(trueClass) < paths.size() && size_t(predicted) < paths[size_t(trueClass)].size())
        for (const std::string& p : paths[size_t(trueClass)][size_t(predicted)]) shownPaths_ << QString::fromStdString(p);
    for (const QString& path : shownPaths_) {
        auto* item = new QListWidgetItem(thumbnail(path), QFileInfo(path).fileName(), examples_);
        item->setToolTip(path);
    }
    const int64_t count = confusion_.counts[size_t(trueClass)].size() > size_t(predicted)
                              ? confusion_.counts[size_t(trueClass)][size_t(predicted)]
                              : 0;
    caption_->setText(tr("True %1, predicted %2: %3 images%4")
                          .arg(className(classes_, trueClass), className(classes_, predicted))
                          .arg(count)
                          .arg(shownPaths_.isEmpty() ? tr(" (no examples stored)")
                                                     : tr(", showing %1").arg(shownPaths_.size())));
    emit cellChosen(trueClass, predicted, shownPaths_);
}

}  // namespace strata
