#include "runs/RunsCompareView.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <exception>

#include "runs/RunColors.h"
#include "storage/AtomicFile.h"

namespace strata {

namespace {
constexpr qreal kPenWidth = 1.6;
constexpr double kSideBySideRatio = 1.6;  // width / height above which table and curves sit side by side
constexpr int kMaxRunColumnWidth = 190;   // long paths are elided in the middle, whole in the tooltip

// "88.1 % (val)", as the run list shows it.
QString bestText(const BestAccuracy& best) {
    if (!best.known()) return {};
    return QString("%1 % (%2)").arg(100.0 * best.value, 0, 'f', 1).arg(QString::fromStdString(best.label));
}

// "1 run", "3 runs": the counts of the caption, in words a person reads.
QString counted(int n, const QString& one, const QString& many) {
    return QString("%1 %2").arg(n).arg(n == 1 ? one : many);
}

int countDiffering(const std::vector<CompareRow>& rows, const QString& section) {
    return int(std::count_if(rows.begin(), rows.end(), [&section](const CompareRow& r) {
        return r.kind == CompareRow::Kind::Value && r.differs && r.section == section;
    }));
}
}  // namespace

RunsCompareView::RunsCompareView(QWidget* parent) : QWidget(parent) {
    setObjectName("runsCompare");
    model_ = new RunsCompareModel(this);
    buildUi();
    setRuns({});
}

void RunsCompareView::buildUi() {
    caption_ = new QLabel(this);
    caption_->setObjectName("runsCompareCaption");
    caption_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    differencesOnly_ = new QCheckBox(tr("Differences only"), this);
    differencesOnly_->setToolTip(tr("Hide the settings that are the same in every run"));
    exportButton_ = new QPushButton(tr("Export CSV\u2026"), this);
    exportButton_->setObjectName("exportCompareCsv");
    exportButton_->setToolTip(tr("Save the table as a CSV file"));
    auto* top = new QHBoxLayout;
    top->addWidget(caption_, 1);
    top->addWidget(differencesOnly_);
    top->addWidget(exportButton_);

    table_ = new QTableView(this);
    table_->setObjectName("runsCompareTable");
    table_->setModel(model_);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->setWordWrap(false);
    table_->setTextElideMode(Qt::ElideMiddle);
    table_->setSelectionMode(QAbstractItemView::ContiguousSelection);
    // Run names differ at their end (the time): keep both ends, from the colour swatch on.
    table_->horizontalHeader()->setTextElideMode(Qt::ElideMiddle);
    table_->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);

    buildCurves();
    splitter_ = new QSplitter(Qt::Vertical, this);
    splitter_->addWidget(table_);
    splitter_->addWidget(curves_);
    splitter_->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(splitter_, 1);

    connect(differencesOnly_, &QCheckBox::toggled, this, &RunsCompareView::setDifferencesOnly);
    connect(exportButton_, &QPushButton::clicked, this, &RunsCompareView::chooseExportFile);
}

void RunsCompareView::buildCurves() {
    curves_ = new QCustomPlot(this);
    curves_->setObjectName("runsCompareCurves");
    curves_->setMinimumHeight(220);
    QCPLayoutGrid* grid = curves_->plotLayout();
    grid->clear();  // drops the default axis rect and its legend: laid out anew below
    auto* key = new QCPTextElement(curves_, tr("solid: validation \u00b7 dashed: training"));
    key->setTextColor(QColor(0x60, 0x60, 0x60));
    grid->addElement(0, 0, key);
    loss_ = addAxisRect(1, tr("loss"));
    accuracy_ = addAxisRect(2, tr("accuracy (%)"));
    accuracy_->axis(QCPAxis::atBottom)->setLabel(tr("epoch"));
    auto* margins = new QCPMarginGroup(curves_);  // the two x axes line up
    for (QCPAxisRect* rect : {loss_, accuracy_}) rect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);

    // Below the curves, never over them: two runs a line (their names are long).
    legend_ = new QCPLegend;
    grid->addElement(3, 0, legend_);
    legend_->setLayer("legend");
    legend_->setBorderPen(Qt::NoPen);
    legend_->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend_->setWrap(2);
    grid->setRowStretchFactor(0, 0.001);  // the key and the legend their own height, the curves the rest
    grid->setRowStretchFactor(3, 0.001);
}

QCPAxisRect* RunsCompareView::addAxisRect(int row, const QString& yLabel) {
    auto* rect = new QCPAxisRect(curves_);
    curves_->plotLayout()->addElement(row, 0, rect);
    rect->axis(QCPAxis::atLeft)->setLabel(yLabel);
    QSharedPointer<QCPAxisTickerFixed> epochTicker(new QCPAxisTickerFixed);
    epochTicker->setTickStep(1.0);  // whole epochs; more when there are many
    epochTicker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    rect->axis(QCPAxis::atBottom)->setTicker(epochTicker);
    return rect;
}

void RunsCompareView::setRuns(const QStringList& paths) {
    std::vector<ComparedRun> runs;
    for (const QString& path : paths) runs.push_back(readComparedRun(path));
    model_->setRuns(std::move(runs));
    updateTable();
    updatePlots();
    updateCaption();
    exportButton_->setEnabled(!paths.isEmpty());
}

QStringList RunsCompareView::runs() const {
    QStringList paths;
    for (const ComparedRun& run : model_->runs()) paths << run.path;
    return paths;
}

void RunsCompareView::setDifferencesOnly(bool only) {
    differencesOnly_->setChecked(only);  // re-enters through toggled when it changes
    if (model_->differencesOnly() == only) return;
    model_->setDifferencesOnly(only);
    updateTable();
}

// Section titles span the row; columns fit their text up to a width, the setting column whole.
void RunsCompareView::updateTable() {
    table_->clearSpans();
    const std::vector<CompareRow>& rows = model_->rows();
    for (int r = 0; r < int(rows.size()); ++r)
        if (rows[size_t(r)].kind == CompareRow::Kind::Section) table_->setSpan(r, 0, 1, model_->columnCount());
    table_->resizeColumnsToContents();
    for (int c = 1; c < model_->columnCount(); ++c)
        table_->setColumnWidth(c, std::min(table_->columnWidth(c), kMaxRunColumnWidth));
}

void RunsCompareView::updatePlots() {
    // First: the entries point at the graphs, and only QCustomPlot's own legend drops them itself.
    legend_->clearItems();
    curves_->clearGraphs();
    curves_->clearItems();
    const std::vector<ComparedRun>& runs = model_->runs();
    for (int i = 0; i < int(runs.size()); ++i)
        if (runs[size_t(i)].readable() && !runs[size_t(i)].epochs.empty()) plotRun(i, runs[size_t(i)]);
    legend_->setVisible(legendCount() > 0);
    fitRanges();
    if (curves_->graphCount() == 0) {
        auto* hint = new QCPItemText(curves_);
        hint->setClipAxisRect(accuracy_);
        hint->position->setAxisRect(accuracy_);
        hint->position->setType(QCPItemPosition::ptAxisRectRatio);
        hint->position->setCoords(0.5, 0.5);
        hint->setText(tr("No curves: no readable run with epochs"));
        hint->setColor(palette().color(QPalette::Disabled, QPalette::Text));
    }
    curves_->replot(QCustomPlot::rpQueuedReplot);
}

// Whole epochs from 1; loss from 0; accuracy from the nearest ten below its lowest point.
void RunsCompareView::fitRanges() {
    const bool any = curves_->graphCount() > 0;
    for (QCPAxisRect* rect : {loss_, accuracy_}) {
        for (QCPAxis* axis : {rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft)}) axis->rescale();
        QCPAxis* x = rect->axis(QCPAxis::atBottom);
        x->setRange(any ? 0.8 : 0, std::max(1.0, x->range().upper) + 0.2);
    }
    QCPAxis* loss = loss_->axis(QCPAxis::atLeft);
    loss->setRange(0, any ? loss->range().upper * 1.08 : 1);
    QCPAxis* accuracy = accuracy_->axis(QCPAxis::atLeft);
    const double lowest = any ? accuracy->range().lower : 0;
    accuracy->setRange(std::max(0.0, std::floor(lowest / 10.0) * 10.0 - 2), 101);
}

// The run's curves in its column's colour: validation solid, training dashed; one legend entry
// per run, with its best accuracy.
void RunsCompareView::plotRun(int index, const ComparedRun& run) {
    const QColor color = runColor(index);
    const bool hasVal = run.epochs.front().hasVal;
    QVector<double> x, trainLoss, valLoss, trainAcc, valAcc;
    for (const EpochRecord& e : run.epochs) {
        x << e.epoch;
        trainLoss << e.trainLoss;
        valLoss << e.valLoss;
        trainAcc << 100.0 * e.trainAccuracy;
        valAcc << 100.0 * e.valAccuracy;
    }
    auto addCurve = [&](QCPAxisRect* rect, const QVector<double>& y, Qt::PenStyle style) {
        QCPGraph* graph = curves_->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        graph->setPen(QPen(color, kPenWidth, style));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
        graph->setData(x, y, /*alreadySorted=*/true);
        graph->removeFromLegend();
        return graph;
    };
    QCPGraph* named = hasVal ? addCurve(loss_, valLoss, Qt::SolidLine) : nullptr;
    QCPGraph* train = addCurve(loss_, trainLoss, Qt::DashLine);
    if (!named) named = train;
    if (hasVal) addCurve(accuracy_, valAcc, Qt::SolidLine);
    addCurve(accuracy_, trainAcc, Qt::DashLine);
    const QString best = bestText(run.best);
    named->setName(best.isEmpty() ? run.name : run.name + "  " + best);
    named->addToLegend(legend_);
}

void RunsCompareView::updateCaption() {
    const std::vector<ComparedRun>& runs = model_->runs();
    if (runs.empty()) {
        caption_->setText(tr("Select two or more runs on the Runs tab, then press Compare."));
        return;
    }
    const int unreadable =
        int(std::count_if(runs.begin(), runs.end(), [](const ComparedRun& r) { return !r.readable(); }));
    const int settings = countDiffering(model_->rows(), "settings"), design = countDiffering(model_->rows(), "design");
    QString text = counted(int(runs.size()), tr("run"), tr("runs")) + ": ";
    text += settings + design == 0 ? tr("same settings and design")
                                   : tr("%1 and %2 differ")
                                         .arg(counted(settings, tr("setting"), tr("settings")))
                                         .arg(counted(design, tr("design row"), tr("design rows")));
    if (unreadable > 0) text += tr("; %1 cannot be read").arg(unreadable);
    caption_->setText(text);
    caption_->setToolTip(QString());
}

QString RunsCompareView::exportCsv(const QString& path) {
    const QByteArray bytes = model_->csv().toUtf8();
    QString error;
    try {
        writeFileAtomic(path.toStdString(), bytes.constData(), size_t(bytes.size()));
    } catch (const std::exception& e) {
        error = QString::fromUtf8(e.what());
    }
    caption_->setText(error.isEmpty() ? tr("Exported to %1").arg(QDir::toNativeSeparators(path))
                                      : tr("Export failed: %1").arg(error));
    caption_->setToolTip(error.isEmpty() ? path : error);
    return error;
}

QString RunsCompareView::caption() const { return caption_->text(); }

void RunsCompareView::chooseExportFile() {
    const QStringList paths = runs();
    const QString dir = paths.isEmpty() ? QDir::homePath() : QFileInfo(paths.first()).absolutePath();
    QString path = QFileDialog::getSaveFileName(this, tr("Export comparison as CSV"), dir + "/runs-compare.csv",
                                                tr("CSV files (*.csv)"));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += ".csv";
    exportCsv(path);
}

int RunsCompareView::lossGraphCount() const { return int(loss_->graphs().size()); }
int RunsCompareView::accuracyGraphCount() const { return int(accuracy_->graphs().size()); }
int RunsCompareView::legendCount() const {
    int entries = 0;  // itemCount() counts the wrapped grid's cells, empty ones too
    for (int i = 0; i < legend_->itemCount(); ++i) entries += legend_->item(i) != nullptr;
    return entries;
}

void RunsCompareView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    const Qt::Orientation wanted = width() > kSideBySideRatio * height() ? Qt::Horizontal : Qt::Vertical;
    if (splitter_->orientation() == wanted) return;
    splitter_->setOrientation(wanted);
    const int extent = wanted == Qt::Horizontal ? splitter_->width() : splitter_->height();
    splitter_->setSizes({extent * 9 / 20, extent * 11 / 20});
}

}  // namespace strata
