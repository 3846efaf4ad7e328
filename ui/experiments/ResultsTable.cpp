#include "experiments/ResultsTable.h"

#include <QHeaderView>
#include <QPixmap>

#include "panels/PanelText.h"
#include "widgets/Labels.h"

namespace strata {

namespace {
constexpr int kSwatch = 10;

// "91.2%" for a reported accuracy, "" when the run has none.
QString accuracyText(const ExperimentVariant& v, const char* key) {
    if (!v.metrics.contains(key) || !v.metrics.at(key).is_number()) return QString();
    return QString::number(v.metrics.at(key).get<double>() * 100.0, 'f', 1) + QLatin1Char('%');
}

QTableWidgetItem* cell(const QString& text, Qt::Alignment align = Qt::AlignLeft | Qt::AlignVCenter) {
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(align);
    return item;
}
}  // namespace

ResultsTable::ResultsTable(QWidget* parent) : QTableWidget(0, ColumnCount, parent) {
    setObjectName("experimentResults");
    setHorizontalHeaderLabels({tr("Variant"), tr("Status"), tr("Differs by"), tr("Parameters"), tr("Train acc"),
                               tr("Val acc"), tr("Test acc"), tr("Time")});
    verticalHeader()->hide();
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setSectionResizeMode(DiffersColumn, QHeaderView::Stretch);
    setToolTip(tr("Double-click a variant to open its run."));
    connect(this, &QTableWidget::cellDoubleClicked, this, [this](int row, int) { emit variantActivated(row); });
    connect(this, &QTableWidget::activated, this, [this](const QModelIndex& i) { emit variantActivated(i.row()); });
}

void ResultsTable::setVariants(const std::vector<VariantView>& variants) {
    setRowCount(int(variants.size()));
    for (size_t i = 0; i < variants.size(); ++i) fillRow(int(i), int(i), variants[i].record);
}

void ResultsTable::setVariant(int index, const ExperimentVariant& record) {
    if (index >= 0 && index < rowCount()) fillRow(index, index, record);
}

void ResultsTable::fillRow(int row, int index, const ExperimentVariant& v) {
    QPixmap swatch(kSwatch, kSwatch);
    swatch.fill(variantColor(index));
    setItem(row, VariantColumn, new QTableWidgetItem(QIcon(swatch), QString::fromStdString(v.name)));
    QTableWidgetItem* status = cell(QString::fromStdString(v.status));
    status->setToolTip(QString::fromStdString(v.error));
    setItem(row, StatusColumn, status);
    setItem(row, DiffersColumn, cell(variantDetailsText(v)));
    const auto right = Qt::AlignRight | Qt::AlignVCenter;
    setItem(row, ParametersColumn, cell(v.parameters > 0 ? formatCount(v.parameters) : QString(), right));
    setItem(row, TrainColumn, cell(accuracyText(v, "train_accuracy"), right));
    setItem(row, ValColumn, cell(accuracyText(v, "val_accuracy"), right));
    setItem(row, TestColumn, cell(accuracyText(v, "test_accuracy"), right));
    const double seconds = jsonNumber(v.details, "seconds", -1.0);
    setItem(row, TimeColumn, cell(seconds >= 0 ? clockDuration(seconds) : QString(), right));
}

}  // namespace strata
