#pragma once
// The variants compared: what sets each apart (its kind's details: batchnorm and residual,
// width and fraction, frozen layers), its parameters, its train, validation and test accuracy
// and its training time, one row per variant in the experiment's order. The variant column
// carries the variant's plot colour.
#include <QTableWidget>

#include <vector>

#include "experiments/ExperimentView.h"

namespace strata {

class ResultsTable : public QTableWidget {
    Q_OBJECT
public:
    enum Column {
        VariantColumn, StatusColumn, DiffersColumn, ParametersColumn,
        TrainColumn, ValColumn, TestColumn, TimeColumn, ColumnCount
    };
    explicit ResultsTable(QWidget* parent = nullptr);

    void setVariants(const std::vector<VariantView>& variants);
    // Refreshes one variant's row (its record changed).
    void setVariant(int index, const ExperimentVariant& record);

signals:
    void variantActivated(int index);

private:
    void fillRow(int row, int index, const ExperimentVariant& record);
};

}  // namespace strata
