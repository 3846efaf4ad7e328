#include "runs/RunsPanel.h"

#include <qcustomplot.h>

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <iterator>

#include "runs/OutputFolders.h"
#include "runs/RunColors.h"
#include "runs/RunSummary.h"
#include "runs/RunsCompareView.h"

namespace strata {

namespace {
enum Column { ColRun, ColDesign, ColDate, ColEpochs, ColBest, ColTime, ColumnCount };

constexpr qreal kPenWidth = 1.6;
constexpr double kSideBySideRatio = 1.8;  // width / height above which list and curves sit side by side

QString durationText(double seconds) {
    if (seconds < 1) return QString("%1 s").arg(seconds, 0, 'f', 2);
    if (seconds < 60) return QString("%1 s").arg(seconds, 0, 'f', 1);
    const qint64 s = qint64(seconds + 0.5);
    if (s < 3600) return QString("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
    return QString("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QChar('0'));
}

QString dateText(const QString& iso) {
    const QDateTime t = QDateTime::fromString(iso, Qt::ISODate);
    return t.isValid() ? t.toLocalTime().toString("yyyy-MM-dd HH:mm") : iso;
}

QString qs(const std::string& s) { return QString::fromStdString(s); }

// "88.1 % (val)": which accuracy it is always shows, as in `strata runs`.
QString bestText(const BestAccuracy& best) {
    return QString("%1 % (%2)").arg(100.0 * best.value, 0, 'f', 1).arg(qs(best.label));
}

QString bestToolTip(const BestAccuracy& best) {
    if (best.label == "val") return RunsPanel::tr("Best validation accuracy over the epochs");
    if (best.label == "test") return RunsPanel::tr("No validation set: the test accuracy after the last epoch");
    return RunsPanel::tr("Neither validation nor test set: the training accuracy of the last epoch");
}

QString homeShortened(const QString& path) {
    const QString home = QDir::homePath();
    return path.startsWith(home + "/") ? "~" + path.mid(home.size()) : path;
}
}  // namespace

RunsPanel::RunsPanel(QWidget* parent) : QWidget(parent) {
    setObjectName("runsPanel");
    buildUi();
}

void RunsPanel::buildUi() {
    folderLabel_ = new QLabel(this);
    folderLabel_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    folderLabel_->setForegroundRole(QPalette::PlaceholderText);
    auto* refreshButton = new QPushButton(tr("Refresh"), this);
    openButton_ = new QPushButton(tr("Open"), this);
    openButton_->setToolTip(tr("Reopen the run's design and curves"));
    resumeButton_ = new QPushButton(tr("Resume"), this);
    resumeButton_->setToolTip(tr("Continue training this run"));
    auto* top = new QHBoxLayout;
    top->addWidget(folderLabel_, 1);
    top->addWidget(refreshButton);
    top->addWidget(openButton_);
    top->addWidget(resumeButton_);
    compareButton_ = new QPushButton(tr("Compare"), this);
    compareButton_->setObjectName("compareRuns");
    compareButton_->setToolTip(tr("Set the selected runs side by side: settings, design differences and curves"));
    top->addWidget(compareButton_);

    tree_ = new QTreeWidget(this);
    tree_->setObjectName("runsTree");
    tree_->setColumnCount(ColumnCount);
    tree_->setHeaderLabels({tr("Run"), tr("Design"), tr("Date"), tr("Epochs"), tr("Best acc."), tr("Time")});
    tree_->setRootIsDecorated(false);
    tree_->setUniformRowHeights(true);
    tree_->setAlternatingRowColors(true);
    tree_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    tree_->header()->setStretchLastSection(false);
    tree_->header()->setSectionResizeMode(ColDesign, QHeaderView::Stretch);
    tree_->headerItem()->setToolTip(ColBest, tr("(val): the best validation accuracy; (test): no validation set, "
                                                "the final test accuracy; (train): neither, the final training "
                                                "accuracy"));

    plot_ = new QCustomPlot(this);
    plot_->setObjectName("runsOverlay");
    plot_->setMinimumHeight(160);
    plot_->xAxis->setLabel(tr("epoch"));
    plot_->yAxis->setLabel(tr("accuracy (%)"));
    QSharedPointer<QCPAxisTickerFixed> epochTicker(new QCPAxisTickerFixed);
    epochTicker->setTickStep(1.0);  // whole epochs; more when there are many
    epochTicker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    plot_->xAxis->setTicker(epochTicker);
    plot_->plotLayout()->insertRow(0);
    auto* caption = new QCPTextElement(plot_, tr("solid: validation · dashed: training"));
    caption->setTextColor(QColor(0x60, 0x60, 0x60));
    plot_->plotLayout()->addElement(0, 0, caption);
    plot_->legend->setVisible(false);
    plot_->legend->setBrush(QColor(255, 255, 255, 220));
    plot_->legend->setBorderPen(QPen(QColor(0xc0, 0xc0, 0xc0)));
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignRight | Qt::AlignBottom);

    splitter_ = new QSplitter(Qt::Vertical, this);
    splitter_->addWidget(tree_);
    splitter_->addWidget(plot_);
    splitter_->setStretchFactor(0, 1);
    splitter_->setStretchFactor(1, 1);
    splitter_->setChildrenCollapsible(false);
    splitter_->setSizes({140, 260});  // proportions: the curves get the larger part

    auto* runsTab = new QVBoxLayout;
    runsTab->addLayout(top);
    runsTab->addWidget(splitter_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(buildCompareTabs(runsTab));

    connect(refreshButton, &QPushButton::clicked, this, &RunsPanel::refresh);
    connect(openButton_, &QPushButton::clicked, this, [this] {
        const QStringList selected = selectedRuns();
        if (!selected.isEmpty()) emit openRequested(selected.first());
    });
    connect(resumeButton_, &QPushButton::clicked, this, [this] {
        const QStringList selected = selectedRuns();
        if (selected.size() == 1) emit resumeRequested(selected.first());
    });
    connect(tree_, &QTreeWidget::itemSelectionChanged, this, &RunsPanel::onSelectionChanged);
    connect(tree_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
        const RunSummary* row = rowOf(item);
        if (row && row->error.empty()) emit openRequested(qs(row->path));
    });
    connect(compareButton_, &QPushButton::clicked, this, &RunsPanel::showCompare);
    tree_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(tree_, &QTreeWidget::customContextMenuRequested, this, &RunsPanel::showRunMenu);
    setFolder(QString());
}

std::unique_ptr<QMenu> RunsPanel::runMenu(const QString& path) {
    auto menu = std::make_unique<QMenu>(this);
    menu->setObjectName("runMenu");
    const auto row =
        std::find_if(rows_.begin(), rows_.end(), [&path](const RunSummary& r) { return qs(r.path) == path; });
    if (row == rows_.end() || !row->error.empty()) return menu;  // unreadable: nothing to offer
    QAction* open = menu->addAction(tr("Open"));
    connect(open, &QAction::triggered, this, [this, path] { emit openRequested(path); });
    QAction* resume = menu->addAction(tr("Resume"));
    connect(resume, &QAction::triggered, this, [this, path] { emit resumeRequested(path); });
    menu->addSeparator();
    QAction* startFrom = menu->addAction(tr("Start a training from this run"));
    startFrom->setObjectName("startFromRun");
    startFrom->setToolTip(tr("The next training of the open design starts from this run's weights where layers "
                             "match (Training Settings \u203a Transfer)"));
    connect(startFrom, &QAction::triggered, this, [this, path] { emit startFromRequested(path); });
    if (selectedRuns().size() >= 2 && selectedRuns().contains(path)) {
        QAction* compare = menu->addAction(tr("Compare the selected runs"));
        compare->setObjectName("compareSelectedRuns");
        connect(compare, &QAction::triggered, this, &RunsPanel::showCompare);
    }
    return menu;
}

// The list's page and the Compare page; the Compare page follows the selection while shown.
QWidget* RunsPanel::buildCompareTabs(QLayout* runsTab) {
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName("runsTabs");
    tabs_->setDocumentMode(true);
    auto* runsPage = new QWidget(tabs_);
    runsPage->setLayout(runsTab);
    tabs_->addTab(runsPage, tr("Runs"));
    compare_ = new RunsCompareView(tabs_);
    tabs_->addTab(compare_, tr("Compare"));
    connect(tabs_, &QTabWidget::currentChanged, this, &RunsPanel::updateCompare);
    return tabs_;
}

void RunsPanel::showCompare() {
    if (tabs_->currentWidget() == compare_) updateCompare();
    else tabs_->setCurrentWidget(compare_);  // currentChanged compares
}

void RunsPanel::updateCompare() {
    if (tabs_->currentWidget() == compare_) compare_->setRuns(selectedRuns());
}

void RunsPanel::showRunMenu(const QPoint& pos) {
    const RunSummary* row = rowOf(tree_->itemAt(pos));
    if (!row) return;
    const std::unique_ptr<QMenu> menu = runMenu(qs(row->path));
    if (!menu->isEmpty()) menu->exec(tree_->viewport()->mapToGlobal(pos));
}

void RunsPanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    const Qt::Orientation wanted = width() > kSideBySideRatio * height() ? Qt::Horizontal : Qt::Vertical;
    if (splitter_->orientation() == wanted) return;
    splitter_->setOrientation(wanted);
    const int extent = wanted == Qt::Horizontal ? splitter_->width() : splitter_->height();
    splitter_->setSizes({extent * 2 / 5, extent * 3 / 5});
}

void RunsPanel::setFolder(const QString& dir) {
    folder_ = dir.isEmpty() ? QString() : QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    tree_->clearSelection();
    refresh();
}

void RunsPanel::refresh() {
    const QStringList selected = selectedRuns();
    rows_ = folder_.isEmpty() ? std::vector<RunSummary>() : listRunSummaries(folder_.toStdString());

    QSignalBlocker block(tree_);
    tree_->clear();
    for (size_t i = 0; i < rows_.size(); ++i) {
        auto* item = new QTreeWidgetItem(tree_);
        item->setData(ColRun, Qt::UserRole, int(i));
        fillItem(item, rows_[i]);
    }
    for (int c = 0; c < ColumnCount; ++c)
        if (c != ColDesign) tree_->resizeColumnToContents(c);

    const QString where = folder_.isEmpty() ? tr("no runs folder") : homeShortened(folder_);
    folderLabel_->setText(rows_.empty()     ? tr("No runs in %1").arg(where)
                          : rows_.size() == 1 ? tr("1 run in %1").arg(where)
                                              : tr("%1 runs in %2").arg(rows_.size()).arg(where));
    folderLabel_->setToolTip(folder_);
    block.unblock();
    selectRuns(selected);
}

void RunsPanel::fillItem(QTreeWidgetItem* item, const RunSummary& run) const {
    item->setText(ColRun, qs(run.name));
    item->setToolTip(ColRun, qs(run.path));
    item->setText(ColDate, dateText(qs(run.created)));
    for (int c : {ColEpochs, ColBest, ColTime}) item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
    if (!run.error.empty()) {
        item->setText(ColDesign, tr("unreadable"));
        item->setFlags(Qt::ItemIsEnabled);  // listed, not selectable
        for (int c = 0; c < ColumnCount; ++c) {
            item->setForeground(c, palette().color(QPalette::Disabled, QPalette::Text));
            item->setToolTip(c, qs(run.error));
        }
        return;
    }
    item->setText(ColDesign, qs(run.design));
    item->setText(ColEpochs, QString::number(run.epochsDone));
    if (run.epochsTotal > 0)
        item->setToolTip(ColEpochs, tr("%1 of %2 epochs (%3)").arg(run.epochsDone).arg(run.epochsTotal).arg(qs(run.status)));
    if (run.best.known()) {
        item->setText(ColBest, bestText(run.best));
        item->setToolTip(ColBest, bestToolTip(run.best));
    }
    item->setText(ColTime, run.epochs.empty() ? QString() : durationText(run.seconds));
}

int RunsPanel::runCount() const { return int(rows_.size()); }

QStringList RunsPanel::runPaths() const {
    QStringList paths;
    for (const RunSummary& row : rows_) paths << qs(row.path);
    return paths;
}

QStringList RunsPanel::selectedRuns() const {
    QStringList paths;
    for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = tree_->topLevelItem(i);
        if (item->isSelected())
            if (const RunSummary* row = rowOf(item)) paths << qs(row->path);
    }
    return paths;
}

void RunsPanel::selectRuns(const QStringList& paths) {
    {
        QSignalBlocker block(tree_);
        for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
            QTreeWidgetItem* item = tree_->topLevelItem(i);
            const RunSummary* row = rowOf(item);
            item->setSelected(row && row->error.empty() && paths.contains(qs(row->path)));
        }
    }
    tree_->viewport()->update();
    onSelectionChanged();
}

int RunsPanel::overlayGraphCount() const { return plot_->graphCount(); }

QString RunsPanel::defaultRunsFolder(const QString& designPath) {
    return QString::fromStdString(strata::defaultRunsFolder(designPath.toStdString()));
}

void RunsPanel::onSelectionChanged() {
    updateButtons();
    updatePlot();
    updateCompare();
    emit selectionChanged(selectedRuns());
}

void RunsPanel::updateButtons() {
    const int selected = int(selectedRuns().size());
    openButton_->setEnabled(selected >= 1);
    resumeButton_->setEnabled(selected == 1);
    compareButton_->setEnabled(selected >= 2);
}

void RunsPanel::updatePlot() {
    plot_->clearGraphs();
    plot_->clearItems();
    const QStringList selected = selectedRuns();
    int colorIndex = 0;
    double maxEpoch = 1, minAccuracy = 100;
    for (const RunSummary& row : rows_) {
        if (!selected.contains(qs(row.path))) continue;
        const QColor color = runColor(colorIndex++);  // the same as the run's column in Compare
        const bool hasVal = !row.epochs.empty() && row.epochs.front().hasVal;
        QVector<double> x, train, val;
        for (const EpochRecord& e : row.epochs) {
            x << e.epoch;
            train << 100.0 * e.trainAccuracy;
            val << 100.0 * e.valAccuracy;
            maxEpoch = std::max(maxEpoch, double(e.epoch));
            minAccuracy = std::min({minAccuracy, 100.0 * e.trainAccuracy, hasVal ? 100.0 * e.valAccuracy : 100.0});
        }
        auto addCurve = [&](const QVector<double>& y, Qt::PenStyle style, const QString& name) {
            QCPGraph* graph = plot_->addGraph();
            graph->setPen(QPen(color, kPenWidth, style));
            graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
            graph->setName(name);
            graph->setData(x, y, /*alreadySorted=*/true);
            return graph;
        };
        const QString name = qs(row.name);
        if (hasVal) addCurve(val, Qt::SolidLine, name);
        QCPGraph* trainGraph = addCurve(train, Qt::DashLine, hasVal ? name + tr(" (train)") : name);
        if (hasVal) trainGraph->removeFromLegend();  // one legend entry per run
    }

    plot_->legend->setVisible(plot_->graphCount() > 0);
    plot_->xAxis->setRange(plot_->graphCount() > 0 ? 0.8 : 0, maxEpoch + 0.2);
    plot_->yAxis->setRange(std::max(0.0, std::floor(minAccuracy / 10.0) * 10.0 - 2), 101);
    if (plot_->graphCount() == 0) {
        auto* hint = new QCPItemText(plot_);
        hint->position->setType(QCPItemPosition::ptAxisRectRatio);
        hint->position->setCoords(0.5, 0.5);
        hint->setText(rows_.empty() ? tr("No runs yet: train the design to make one")
                                    : tr("Select runs to compare their curves"));
        hint->setColor(palette().color(QPalette::Disabled, QPalette::Text));
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

const RunSummary* RunsPanel::rowOf(const QTreeWidgetItem* item) const {
    if (!item) return nullptr;
    const int i = item->data(ColRun, Qt::UserRole).toInt();
    return i >= 0 && size_t(i) < rows_.size() ? &rows_[size_t(i)] : nullptr;
}

}  // namespace strata
