#include "examples/DataMapPanel.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include "examples/DataMapPlot.h"
#include "examples/MislabeledGrid.h"
#include "jobs/BackgroundJob.h"
#include "widgets/Labels.h"

namespace strata {

namespace {
const char* const kErrorColor = "#c62828";
enum Column { File, Label, Preferred, Mean, Variability, Right, Columns };

QTableWidgetItem* numberItem(double value) {
    auto* item = new QTableWidgetItem(QString::number(value, 'f', 3));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}
}  // namespace

DataMapPanel::DataMapPanel(QWidget* parent) : QWidget(parent) {
    setObjectName("dataMapPanel");
    job_ = new BackgroundJob(this);
    header_ = new QLabel(this);
    header_->setTextFormat(Qt::RichText);
    setBox_ = new QComboBox(this);
    setBox_->setObjectName("exampleSetBox");
    stack_ = new QStackedWidget(this);
    message_ = hintLabel(QString(), stack_);
    message_->setObjectName("dataMapMessage");
    tabs_ = new QTabWidget(stack_);
    tabs_->setObjectName("dataTabs");
    tabs_->addTab(buildMapTab(), tr("Map"));
    grid_ = new MislabeledGrid(tabs_);
    tabs_->addTab(grid_, tr("Mislabeled"));
    stack_->addWidget(message_);
    stack_->addWidget(tabs_);
    auto* top = new QHBoxLayout;
    top->addWidget(header_, 1);
    top->addWidget(setBox_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(top);
    layout->addWidget(stack_, 1);
    connect(setBox_, &QComboBox::currentIndexChanged, this, &DataMapPanel::showSet);
    connect(plot_, &DataMapPlot::selectionChanged, this, &DataMapPanel::listSelection);
    connect(grid_, &MislabeledGrid::problem, this, &DataMapPanel::problem);
    setRun(QString());
}

QWidget* DataMapPanel::buildMapTab() {
    auto* split = new QSplitter(Qt::Horizontal, tabs_);
    plot_ = new DataMapPlot(split);
    auto* side = new QWidget(split);
    selectionCaption_ = new QLabel(side);
    selectionCaption_->setWordWrap(true);
    table_ = new QTableWidget(0, Columns, side);
    table_->setObjectName("selectionTable");
    table_->setHorizontalHeaderLabels({tr("File"), tr("Label"), tr("Preferred"), tr("Mean p"), tr("Variability"), tr("Right")});
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    auto* layout = new QVBoxLayout(side);
    layout->setContentsMargins(4, 0, 0, 0);
    layout->addWidget(selectionCaption_);
    layout->addWidget(table_, 1);
    split->addWidget(plot_);
    split->addWidget(side);
    split->setStretchFactor(0, 5);
    split->setStretchFactor(1, 2);
    return split;
}

void DataMapPanel::setRun(const QString& runPath) {
    if (runPath.isEmpty()) {
        job_->cancel();
        loading_ = false;
        RunExamples none;
        none.problem = tr("Train the design or open a run: its dataset map shows which images the network found "
                          "easy, ambiguous or hard, and which are probably mislabeled.");
        showExamples(std::move(none));
        return;
    }
    loading_ = true;
    header_->setText(tr("Reading %1…").arg(QFileInfo(runPath).fileName().toHtmlEscaped()));
    job_->start([runPath](const StopToken&) { return loadRunExamples(runPath); },
                [this](RunExamples examples) {
                    loading_ = false;
                    showExamples(std::move(examples));
                });
}

void DataMapPanel::showExamples(RunExamples examples) {
    examples_ = std::move(examples);
    const bool shown = examples_.ok();
    const QString name = QFileInfo(examples_.run).fileName().toHtmlEscaped();
    header_->setText(examples_.run.isEmpty() ? QString()
                     : shown                 ? tr("<b>%1</b> — %2 epochs recorded").arg(name).arg(examples_.epochs)
                                             : tr("<b>%1</b>").arg(name));
    const QSignalBlocker block(setBox_);
    setBox_->clear();
    setBox_->addItem(tr("Training images (%1)").arg(QLocale().toString(qlonglong(examples_.train->size()))));
    if (examples_.hasVal())
        setBox_->addItem(tr("Validation images (%1)").arg(QLocale().toString(qlonglong(examples_.val->size()))));
    setBox_->setVisible(shown && examples_.hasVal());
    // A run that cannot be read is an error; one without a record only says how to get one.
    if (!shown) showMessage(examples_.problem, examples_.unreadable);
    stack_->setCurrentWidget(shown ? static_cast<QWidget*>(tabs_) : message_);
    showSet();
    emit loaded();
}

bool DataMapPanel::showsValidation() const { return setBox_->currentIndex() == 1; }

void DataMapPanel::setShowsValidation(bool validation) { setBox_->setCurrentIndex(validation && examples_.hasVal() ? 1 : 0); }

void DataMapPanel::showSet() {
    const MapPoints points = showsValidation() ? examples_.val : examples_.train;
    plot_->setPoints(points, examples_.classes, examples_.epochs);
    grid_->setPoints(points, examples_.classes, examples_.epochs);
    listSelection();
}

void DataMapPanel::listSelection() {
    const std::vector<int>& chosen = plot_->selection();
    const int rows = std::min(int(chosen.size()), kMostListed);
    selectionCaption_->setText(chosen.empty() ? tr("Click a dot, or drag a lasso around dots, to list their images.")
                               : int(chosen.size()) > rows
                                   ? tr("%1 images selected; the first %2 listed").arg(chosen.size()).arg(rows)
                                   : chosen.size() == 1 ? tr("1 image selected")
                                                    : tr("%1 images selected").arg(chosen.size()));
    table_->setRowCount(rows);
    for (int r = 0; r < rows; ++r) {
        const MapPoint& p = plot_->point(chosen[size_t(r)]);
        const QString path = QString::fromStdString(p.path);
        auto* file = new QTableWidgetItem(QFileInfo(path).fileName());
        file->setToolTip(QDir::toNativeSeparators(path));
        table_->setItem(r, File, file);
        table_->setItem(r, Label, new QTableWidgetItem(exampleClassName(examples_.classes, p.label)));
        table_->setItem(r, Preferred, new QTableWidgetItem(exampleClassName(examples_.classes, p.preferred)));
        table_->setItem(r, Mean, numberItem(p.meanProbability));
        table_->setItem(r, Variability, numberItem(p.variability));
        table_->setItem(r, Right, numberItem(p.correctFraction));
    }
}

void DataMapPanel::showMessage(const QString& text, bool error) {
    message_->setText(text);
    message_->setStyleSheet(error ? QStringLiteral("color: %1").arg(kErrorColor) : QString());
}

}  // namespace strata
