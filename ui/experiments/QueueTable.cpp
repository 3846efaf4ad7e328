#include "experiments/QueueTable.h"

#include <QHeaderView>
#include <QLabel>
#include <QPixmap>
#include <QProgressBar>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/Labels.h"

namespace strata {

namespace {
constexpr int kSwatch = 10;
// Below this share of a variant done, elapsed / fraction is too noisy to estimate from.
constexpr double kMinEstimateFraction = 0.05;

QIcon swatch(const QColor& color) {
    QPixmap pixmap(kSwatch, kSwatch);
    pixmap.fill(color);
    return QIcon(pixmap);
}

bool ended(const ExperimentVariant& v) { return v.status == "done" || v.status == "failed"; }

double recordedSeconds(const ExperimentVariant& v) { return jsonNumber(v.details, "seconds", 0.0); }

// The share of its epochs a variant's run file already holds (a stopped one resumes there).
double recordedFraction(const VariantView& view) {
    if (ended(view.record)) return 1.0;
    const double epochs = jsonNumber(view.record.config, "epochs", 0);
    return epochs > 0 ? std::min(1.0, double(view.epochs.size()) / epochs) : 0.0;
}
}  // namespace

QueueTable::QueueTable(QWidget* parent) : QWidget(parent) {
    table_ = new QTableWidget(0, ColumnCount, this);
    table_->setObjectName("experimentQueue");
    table_->setHorizontalHeaderLabels({tr("Variant"), tr("Status"), tr("Progress"), tr("Time")});
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->horizontalHeader()->setSectionResizeMode(ProgressColumn, QHeaderView::Stretch);
    for (int c : {VariantColumn, StatusColumn, TimeColumn})
        table_->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) { emit variantActivated(row); });
    connect(table_, &QTableWidget::activated, this, [this](const QModelIndex& i) { emit variantActivated(i.row()); });

    overall_ = new QProgressBar(this);
    overall_->setObjectName("experimentProgress");
    overall_->setRange(0, kProgressSteps);
    overallText_ = new QLabel(this);
    overallText_->setObjectName("experimentEta");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(table_, 1);
    layout->addWidget(overall_);
    layout->addWidget(overallText_);
    showOverall();
}

void QueueTable::setVariants(const std::vector<VariantView>& variants, bool live) {
    live_ = live;
    rows_.clear();
    table_->setRowCount(int(variants.size()));
    for (size_t i = 0; i < variants.size(); ++i) {
        Row row;
        row.record = variants[i].record;
        row.fraction = recordedFraction(variants[i]);
        auto* name = new QTableWidgetItem(swatch(variantColor(int(i))), QString::fromStdString(row.record.name));
        rows_.push_back(std::move(row));
        table_->setItem(int(i), VariantColumn, name);
        table_->setItem(int(i), StatusColumn, new QTableWidgetItem);
        table_->setItem(int(i), TimeColumn, new QTableWidgetItem);
        auto* bar = new QProgressBar(table_);
        bar->setRange(0, kProgressSteps);
        table_->setCellWidget(int(i), ProgressColumn, bar);
        showRow(int(i));
    }
    showOverall();
}

void QueueTable::setLive(bool live) {
    live_ = live;
    for (size_t i = 0; i < rows_.size(); ++i) {
        rows_[i].eta = -1;
        rows_[i].loading.clear();
        showRow(int(i));
    }
    showOverall();
}

void QueueTable::variantStarted(int index) {
    if (!valid(index)) return;
    Row& row = rows_[size_t(index)];
    row.record.status = "running";
    row.clock.start();
    showRow(index);
    showOverall();
}

void QueueTable::variantLoading(int index, qint64 done, qint64 total) {
    if (!valid(index) || total <= 0) return;
    rows_[size_t(index)].loading = tr("decoding %1%").arg(done * 100 / total);
    showRow(index);
}

void QueueTable::variantProgress(int index, const BatchEvent& e) {
    if (!valid(index) || e.epochs <= 0 || e.batches <= 0) return;
    Row& row = rows_[size_t(index)];
    // Epochs count from the run's start, resumed ones included, as the trainer's ETA does.
    row.fraction = (double(e.epoch - 1) + double(e.batch) / double(e.batches)) / double(e.epochs);
    row.eta = e.etaSeconds;
    row.loading.clear();
    showRow(index);
    showOverall();
}

void QueueTable::variantFinished(int index, const ExperimentVariant& record) {
    if (!valid(index)) return;
    Row& row = rows_[size_t(index)];
    row.record = record;
    if (ended(record)) row.fraction = 1.0;
    row.eta = -1;
    row.loading.clear();
    showRow(index);
    showOverall();
}

QProgressBar* QueueTable::rowBar(int row) const {
    return qobject_cast<QProgressBar*>(table_->cellWidget(row, ProgressColumn));
}

QString QueueTable::statusText(int row) const {
    const QTableWidgetItem* item = table_->item(row, StatusColumn);
    return item ? item->text() : QString();
}

void QueueTable::showRow(int index) {
    const Row& row = rows_[size_t(index)];
    const std::string& s = row.record.status;
    const bool started = row.clock.isValid();
    // A "running" record is only running while the experiment trains and this variant has
    // started in it; otherwise it was interrupted and waits for Resume.
    QString status = QString::fromStdString(s);
    if (s == "running") status = !live_ ? tr("stopped") : started ? tr("running") : tr("pending");
    if (s == "running" && live_ && started && !row.loading.isEmpty()) status += QStringLiteral(" (%1)").arg(row.loading);
    QTableWidgetItem* statusItem = table_->item(index, StatusColumn);
    statusItem->setText(status);
    statusItem->setToolTip(QString::fromStdString(row.record.error));
    statusItem->setForeground(s == "failed" ? QBrush(QColor(0xc6, 0x28, 0x28)) : QBrush());
    rowBar(index)->setValue(int(std::lround(row.fraction * kProgressSteps)));
    QString time;
    if (ended(row.record)) time = clockDuration(recordedSeconds(row.record));
    else if (s == "running" && live_ && row.eta >= 0) time = tr("%1 left").arg(clockDuration(row.eta));
    table_->item(index, TimeColumn)->setText(time);
}

// Seconds one variant takes: the mean training time of those done, else the running one's
// pace so far; negative when nothing tells yet.
double QueueTable::estimatePerVariant() const {
    double sum = 0;
    int n = 0;
    for (const Row& r : rows_)
        if (r.record.status == "done" && recordedSeconds(r.record) > 0) sum += recordedSeconds(r.record), ++n;
    if (n > 0) return sum / n;
    for (const Row& r : rows_)
        if (r.record.status == "running" && r.clock.isValid() && r.fraction > kMinEstimateFraction)
            return r.clock.elapsed() / 1000.0 / r.fraction;
    return -1;
}

double QueueTable::remainingSeconds() const {
    const double each = estimatePerVariant();
    double left = 0;
    for (const Row& r : rows_) {
        if (ended(r.record)) continue;
        const bool running = r.record.status == "running" && r.clock.isValid();
        if (running && r.eta >= 0) left += r.eta;
        else if (each < 0) return -1;
        else left += each * (1.0 - (running ? r.fraction : 0.0));
    }
    return left;
}

void QueueTable::showOverall() {
    const int n = int(rows_.size());
    int done = 0;
    double progress = 0, seconds = 0;
    for (const Row& r : rows_) {
        done += ended(r.record) ? 1 : 0;
        progress += ended(r.record) ? 1.0 : r.fraction;
        seconds += recordedSeconds(r.record);
    }
    overall_->setValue(n > 0 ? int(std::lround(progress / n * kProgressSteps)) : 0);
    QString text = n == 0 ? tr("No experiment yet.") : tr("%1 of %2 variants ended").arg(done).arg(n);
    const double left = remainingSeconds();
    if (n > 0 && live_) text += left >= 0 ? tr(" \u00b7 about %1 left").arg(clockDuration(left)) : tr(" \u00b7 estimating time left\u2026");
    else if (n > 0 && done == n) text += tr(" \u00b7 %1 of training").arg(clockDuration(seconds));
    else if (n > 0) text += tr(" \u00b7 stopped: Resume continues it");
    overallText_->setText(text);
}

}  // namespace strata
