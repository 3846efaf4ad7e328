#include "widgets/FloatSpinBox.h"

#include <QLocale>
#include <cmath>

namespace strata {

namespace {
constexpr int kDecimals = 12;          // stored precision: eps values survive a round trip
constexpr int kShownDigits = 6;        // significant digits shown
constexpr double kLinearStep = 0.05;   // step for values of ordinary size
}  // namespace

FloatSpinBox::FloatSpinBox(QWidget* parent) : QDoubleSpinBox(parent) {
    setDecimals(kDecimals);
    setSingleStep(kLinearStep);
}

QString FloatSpinBox::textFromValue(double value) const {
    QString text = locale().toString(value, 'g', kShownDigits);
    text.remove(locale().groupSeparator());
    return text;
}

double FloatSpinBox::valueFromText(const QString& text) const {
    bool ok = false;
    const double v = locale().toDouble(text.trimmed(), &ok);
    return ok ? v : value();
}

QValidator::State FloatSpinBox::validate(QString& input, int&) const {
    const QString text = input.trimmed();
    if (text.isEmpty()) return QValidator::Intermediate;
    bool ok = false;
    const double v = locale().toDouble(text, &ok);
    if (!ok) {
        // Allow what is on the way to a number: "1e", "1e-", "-", "0.", "."
        static const QString partial = QStringLiteral("0123456789eE+-") + locale().decimalPoint();
        for (const QChar c : text)
            if (!partial.contains(c)) return QValidator::Invalid;
        return QValidator::Intermediate;
    }
    return (v >= minimum() && v <= maximum()) ? QValidator::Acceptable : QValidator::Intermediate;
}

void FloatSpinBox::stepBy(int steps) {
    const double v = value();
    // Below one step, stepping by a fixed amount would jump to a different magnitude: scale.
    if (v > 0 && v < singleStep()) {
        const double next = v * std::pow(10.0, steps);
        if (next < singleStep()) {
            setValue(qBound(minimum(), next, maximum()));
            return;
        }
    }
    QDoubleSpinBox::stepBy(steps);
}

}  // namespace strata
