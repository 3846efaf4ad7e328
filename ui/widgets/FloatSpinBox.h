#pragma once
// A QDoubleSpinBox for layer params whose sensible values span orders of magnitude: it keeps
// full precision, shows the shortest exact text ("0.5", "1e-05"), accepts scientific input,
// and steps small values by factors of ten (eps 1e-05 -> 1e-04) instead of jumping to 0.1.
#include <QDoubleSpinBox>

namespace strata {

class FloatSpinBox : public QDoubleSpinBox {
    Q_OBJECT
public:
    explicit FloatSpinBox(QWidget* parent = nullptr);

    QString textFromValue(double value) const override;
    double valueFromText(const QString& text) const override;
    QValidator::State validate(QString& input, int& pos) const override;
    void stepBy(int steps) override;
};

}  // namespace strata
