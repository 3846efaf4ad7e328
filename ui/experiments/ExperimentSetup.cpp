#include "experiments/ExperimentSetup.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QSpinBox>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <vector>

#include "design/DesignTransforms.h"
#include "experiment/ExperimentKinds.h"
#include "experiments/NumberLists.h"
#include "experiments/VariantsPage.h"

namespace strata {

ExperimentSetup::ExperimentSetup(QWidget* parent) : QWidget(parent) {
    kind_ = new QComboBox(this);
    kind_->setObjectName("experimentKind");
    kind_->addItem(tr("Stabilizers: plain, BatchNorm, residual, both"));
    kind_->addItem(tr("Scaling: widths and data fractions"));
    kind_->addItem(tr("Variants of the open design: widths, data, settings"));
    kind_->addItem(tr("Transfer: how far down features transfer"));
    pages_ = new QStackedWidget(this);  // in the order of Kind
    pages_->addWidget(stabilizersPage());
    pages_->addWidget(scalingPage());
    variants_ = new VariantsPage(this);
    pages_->addWidget(variants_);
    pages_->addWidget(transferPage());
    connect(kind_, &QComboBox::currentIndexChanged, this, &ExperimentSetup::fitPage);
    fitPage(0);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(kind_);
    layout->addWidget(pages_);
}

// The stack takes the height of the page shown, not of its tallest page.
void ExperimentSetup::fitPage(int index) {
    for (int i = 0; i < pages_->count(); ++i)
        pages_->widget(i)->setSizePolicy(QSizePolicy::Preferred, i == index ? QSizePolicy::Preferred : QSizePolicy::Ignored);
    pages_->setCurrentIndex(index);
    pages_->adjustSize();
}

QWidget* ExperimentSetup::stabilizersPage() {
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    form->setContentsMargins(0, 0, 0, 0);
    depth_ = new QSpinBox(page);
    depth_->setRange(1, kDeepStackMaxDepth);
    depth_->setValue(StabilizerSpec().depth);
    depth_->setToolTip(tr("3x3 convolution blocks after the stem"));
    blockWidth_ = new QSpinBox(page);
    blockWidth_->setRange(1, kDeepStackMaxWidth);
    blockWidth_->setValue(StabilizerSpec().blockWidth);
    blockWidth_->setToolTip(tr("channels of every block"));
    activation_ = new QComboBox(page);
    activation_->addItems({"ReLU", "Tanh", "Sigmoid"});  // design layer types
    auto* row = new QHBoxLayout;
    row->addWidget(depth_);
    row->addWidget(blockWidth_);
    row->addWidget(activation_);
    form->addRow(tr("Depth, width, activation"), row);
    return page;
}

QWidget* ExperimentSetup::scalingPage() {
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    form->setContentsMargins(0, 0, 0, 0);
    widths_ = new QLineEdit(QStringLiteral("0.25, 0.5, 1, 2"), page);
    widths_->setToolTip(tr("width multipliers of the open design, each trained on all the data"));
    fractions_ = new QLineEdit(QStringLiteral("0.1, 0.3, 1"), page);
    fractions_->setToolTip(tr("fractions of each class of the data, each trained at width 1"));
    form->addRow(tr("Widths"), widths_);
    form->addRow(tr("Data fractions"), fractions_);
    return page;
}

QWidget* ExperimentSetup::transferPage() {
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    form->setContentsMargins(0, 0, 0, 0);
    source_ = new QLineEdit(page);
    source_->setPlaceholderText(tr("the training settings' source run"));
    source_->setToolTip(tr("the trained run (.h5) whose weights the variants start from"));
    auto* browse = new QToolButton(page);
    browse->setText(QStringLiteral("\u2026"));
    connect(browse, &QToolButton::clicked, this, &ExperimentSetup::chooseSource);
    auto* row = new QHBoxLayout;
    row->addWidget(source_, 1);
    row->addWidget(browse);
    form->addRow(tr("Source run"), row);
    return page;
}

void ExperimentSetup::chooseSource() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Source run"), source_->text(), tr("Runs (*.h5)"));
    if (!path.isEmpty()) source_->setText(path);
}

ExperimentSetup::Kind ExperimentSetup::kind() const { return Kind(kind_->currentIndex()); }

void ExperimentSetup::setKind(Kind kind) { kind_->setCurrentIndex(int(kind)); }

QString ExperimentSetup::kindName() const {
    static const char* const names[] = {"stabilizers", "scaling", "variants", "transfer"};
    return QString::fromLatin1(names[kind()]);
}

void ExperimentSetup::showExperiment(const Experiment& e) {
    const nlohmann::json& spec = e.spec;
    if (!spec.is_object()) return;
    if (e.kind == "stabilizers") {
        setKind(Stabilizers);
        depth_->setValue(int(jsonNumber(spec, "depth", depth_->value())));
        blockWidth_->setValue(int(jsonNumber(spec, "width", blockWidth_->value())));
        // The command line records the name as typed ("relu"); the box holds layer types.
        const int a = activation_->findText(QString::fromStdString(jsonText(spec, "activation")),
                                            Qt::MatchFixedString);
        if (a >= 0) activation_->setCurrentIndex(a);
    } else if (e.kind == "scaling") {
        setKind(Scaling);
        if (spec.contains("widths")) widths_->setText(numberListText(spec.at("widths")));
        if (spec.contains("fractions")) fractions_->setText(numberListText(spec.at("fractions")));
    } else if (e.kind == "variants") {
        setKind(Variants);
        variants_->showSpec(spec);
    } else if (e.kind == "transfer") {
        setKind(Transfer);
        source_->setText(QString::fromStdString(jsonText(spec, "init_from")));
    }
}

QString ExperimentSetup::newFolder(const ExperimentInputs& inputs) const {
    const QString design = kind() == Stabilizers ? QString() : inputs.designPath;
    return QString::fromStdString(defaultExperimentFolder(design.toStdString(), kindName().toStdString()));
}

// Built here rather than on the worker: it reads no data, so a value out of range (a fraction
// of 2, a learning rate of 50) is refused before anything starts.
ExperimentQueue::PlanMaker ExperimentSetup::variantsMaker(const ExperimentInputs& inputs, QString* problem) const {
    VariantAxes axes;
    if (!variants_->axes(axes, problem)) return {};
    try {
        return [plan = variantsPlan(inputs.design, axes, inputs.config)] { return plan; };
    } catch (const std::exception& e) {
        if (problem) *problem = QString::fromStdString(e.what());
        return {};
    }
}

ExperimentQueue::PlanMaker ExperimentSetup::planMaker(const ExperimentInputs& inputs, QString* problem) const {
    const TrainConfig base = inputs.config;
    switch (kind()) {
    case Stabilizers: {
        StabilizerSpec spec;
        spec.depth = depth_->value();
        spec.blockWidth = blockWidth_->value();
        spec.activation = activation_->currentText().toStdString();
        // The stack is a design of its own: a source run or frozen ids of the open design
        // would not match it (the command line offers neither for this kind).
        TrainConfig config = base;
        config.initFrom.clear();
        config.restat = false;
        config.freeze.clear();
        config.freezeThrough.clear();
        return [spec, config] { return stabilizerPlan(spec, config); };
    }
    case Scaling: {
        std::vector<double> widths, fractions;
        if (!parseNumberList(widths_->text(), tr("Widths"), widths, problem) ||
            !parseNumberList(fractions_->text(), tr("Data fractions"), fractions, problem))
            return {};
        if (widths.empty()) {
            if (problem) *problem = tr("Widths: give at least one width multiplier.");
            return {};
        }
        return [design = inputs.design, widths, fractions, base] { return scalingPlan(design, widths, fractions, base); };
    }
    case Variants:
        return variantsMaker(inputs, problem);
    case Transfer: {
        TrainConfig config = base;
        if (!source_->text().trimmed().isEmpty()) config.initFrom = source_->text().trimmed().toStdString();
        if (config.initFrom.empty()) {
            if (problem) *problem = tr("Choose the source run whose features the variants start from.");
            return {};
        }
        return [design = inputs.design, config] { return transferPlan(design, config); };
    }
    }
    return {};
}

}  // namespace strata
