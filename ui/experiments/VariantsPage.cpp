#include "experiments/VariantsPage.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>

#include <algorithm>
#include <cmath>

#include "experiments/NumberLists.h"
#include "widgets/Labels.h"

namespace strata {

VariantsPage::VariantsPage(QWidget* parent) : QWidget(parent) {
    const QString kept = tr("from settings");
    widths_ = listEdit(QStringLiteral("0.5, 1, 2"), QStringLiteral("1"),
                       tr("width multipliers: every Conv2d and hidden Linear layer's width times k"));
    fractions_ = listEdit(QString(), tr("all the data"), tr("fractions of each class of the training data"));
    lrs_ = listEdit(QString(), kept, tr("learning rates"));
    batchSizes_ = listEdit(QString(), kept, tr("batch sizes"));
    auto* optimizers = new QHBoxLayout;
    for (const char* name : {"sgd", "adam", "adamw"}) {  // the training settings' names
        auto* box = new QCheckBox(QString::fromLatin1(name), this);
        box->setToolTip(tr("the optimizers to try; none checked: the training settings' optimizer"));
        connect(box, &QCheckBox::toggled, this, &VariantsPage::updateCount);
        optimizers->addWidget(box);
        optimizers_.emplace_back(QString::fromLatin1(name), box);
    }
    optimizers->addStretch(1);
    count_ = hintLabel(QString(), this);
    count_->setObjectName("variantCount");
    count_->setAlignment(Qt::AlignLeft);
    // One line that never widens the column (the dock is short, and a long complaint would
    // push the plots aside); the whole text is the tooltip.
    count_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    // Two edits a row, as the stabilizers' row holds three spin boxes: the dock is short.
    const auto pair = [](QWidget* a, QWidget* b) {
        auto* row = new QHBoxLayout;
        row->addWidget(a);
        row->addWidget(b);
        return row;
    };
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Widths, data fractions"), pair(widths_, fractions_));
    form->addRow(tr("Learning rates, batch sizes"), pair(lrs_, batchSizes_));
    form->addRow(tr("Optimizers"), optimizers);
    form->addRow(count_);
    updateCount();
}

QLineEdit* VariantsPage::listEdit(const QString& text, const QString& placeholder, const QString& tip) {
    auto* edit = new QLineEdit(text, this);
    edit->setPlaceholderText(placeholder);
    edit->setToolTip(tip + tr("; each value a variant of its own, in every combination with the other lists"));
    connect(edit, &QLineEdit::textChanged, this, &VariantsPage::updateCount);
    return edit;
}

QCheckBox* VariantsPage::optimizerBox(const QString& name) const {
    for (const auto& [key, box] : optimizers_)
        if (key == name) return box;
    return nullptr;
}

bool VariantsPage::axes(VariantAxes& out, QString* problem) const {
    out = VariantAxes();
    std::vector<double> fractions, lrs, batches;
    if (!parseNumberList(widths_->text(), tr("Widths"), out.widths, problem) ||
        !parseNumberList(fractions_->text(), tr("Data fractions"), fractions, problem) ||
        !parseNumberList(lrs_->text(), tr("Learning rates"), lrs, problem) ||
        !parseNumberList(batchSizes_->text(), tr("Batch sizes"), batches, problem))
        return false;
    std::vector<nlohmann::json> sizes, optimizers;
    for (double b : batches) {
        if (b != std::floor(b)) {
            if (problem) *problem = tr("Batch sizes: %1 is not a whole number.").arg(b);
            return false;
        }
        sizes.push_back(int64_t(b));
    }
    for (const auto& [name, box] : optimizers_)
        if (box->isChecked()) optimizers.push_back(name.toStdString());
    // A list left empty is no axis: every variant keeps the training settings' value.
    const std::pair<const char*, std::vector<nlohmann::json>> lists[] = {
        {"data_fraction", {fractions.begin(), fractions.end()}}, {"lr", {lrs.begin(), lrs.end()}},
        {"batch_size", sizes}, {"optimizer", optimizers}};
    for (const auto& [key, values] : lists)
        if (!values.empty()) out.settings[key] = values;
    if (out.widths.empty() && out.settings.empty()) {
        if (problem) *problem = tr("Give at least one width, data fraction, learning rate, optimizer or batch size.");
        return false;
    }
    return true;
}

void VariantsPage::showSpec(const nlohmann::json& spec) {
    const nlohmann::json none = nlohmann::json::array();
    const nlohmann::json settings = spec.value("settings", nlohmann::json::object());
    const auto list = [&settings, &none](const char* key) {
        return settings.is_object() && settings.contains(key) ? settings.at(key) : none;
    };
    widths_->setText(numberListText(spec.value("widths", none)));
    fractions_->setText(numberListText(list("data_fraction")));
    lrs_->setText(numberListText(list("lr")));
    batchSizes_->setText(numberListText(list("batch_size")));
    const nlohmann::json optimizers = list("optimizer");
    for (const auto& [name, box] : optimizers_)
        box->setChecked(std::find(optimizers.begin(), optimizers.end(), nlohmann::json(name.toStdString())) != optimizers.end());
}

// "6 variants, one per combination" or why the fields do not read.
void VariantsPage::updateCount() {
    VariantAxes axes;
    QString problem;
    if (!this->axes(axes, &problem)) {
        count_->setText(problem);
        count_->setToolTip(problem);
        return;
    }
    size_t count = std::max<size_t>(1, axes.widths.size());
    for (const auto& [key, values] : axes.settings) count *= values.size();
    count_->setText(count == 1 ? tr("1 variant") : tr("%1 variants, one per combination").arg(count));
    count_->setToolTip(tr("Every combination of the values given is a variant; the other settings are the training "
                          "settings', the same for every variant."));
}

}  // namespace strata
