#pragma once
// The settings of the "variants of the open design" experiment (ExperimentSetup): lists of
// width multipliers, data fractions, learning rates and batch sizes, and the optimizers to
// try. Every combination of the values given is one variant (variantsPlan,
// core/experiment/ExperimentKinds.h); a list left empty keeps the design's width or the
// training settings' value, as every other setting does. A line under the fields says how
// many variants that makes, so a grid that grows too large is seen before Start.
#include <QString>
#include <QWidget>

#include <utility>
#include <vector>

#include "experiment/ExperimentKinds.h"

class QCheckBox;
class QLabel;
class QLineEdit;

namespace strata {

class VariantsPage : public QWidget {
    Q_OBJECT
public:
    explicit VariantsPage(QWidget* parent = nullptr);

    // What the fields ask for; false, with the reason in *problem, when one does not read or
    // all are empty.
    bool axes(VariantAxes& out, QString* problem) const;
    // Fills the fields from a variants experiment's spec ("widths", "settings"), so Start
    // repeats it.
    void showSpec(const nlohmann::json& spec);

    // The editors, for tests.
    QLineEdit* widthsEdit() const { return widths_; }
    QLineEdit* fractionsEdit() const { return fractions_; }
    QLineEdit* lrsEdit() const { return lrs_; }
    QLineEdit* batchSizesEdit() const { return batchSizes_; }
    // The box of optimizer `name` ("sgd", "adam", "adamw"); null for another name.
    QCheckBox* optimizerBox(const QString& name) const;
    QLabel* countLabel() const { return count_; }

private:
    QLineEdit* listEdit(const QString& text, const QString& placeholder, const QString& tip);
    void updateCount();

    QLineEdit* widths_ = nullptr;
    QLineEdit* fractions_ = nullptr;
    QLineEdit* lrs_ = nullptr;
    QLineEdit* batchSizes_ = nullptr;
    std::vector<std::pair<QString, QCheckBox*>> optimizers_;
    QLabel* count_ = nullptr;
};

}  // namespace strata
