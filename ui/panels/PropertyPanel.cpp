#include "panels/PropertyPanel.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <climits>

#include "model/DesignDocument.h"
#include "widgets/FloatSpinBox.h"
#include "panels/PalettePanel.h"
#include "panels/PanelText.h"

namespace strata {

namespace {
constexpr double kMinPositiveFloat = 1e-12;  // smallest value a FloatSpinBox keeps exactly
const char* const kErrorColor = "#c62828";
const char* const kMutedColor = "#6b7280";

int clampToInt(double v) { return int(qBound(double(INT_MIN), v, double(INT_MAX))); }

QLabel* infoLabel(QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}
}  // namespace

PropertyPanel::PropertyPanel(DesignDocument* document, QWidget* parent)
    : QWidget(parent), document_(document) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    stack_ = new QStackedWidget(this);
    layout->addWidget(stack_);
    buildEmptyPage();
    buildNodePage();
    showEmpty(tr("Select a layer on the canvas to edit its parameters."));
    connect(document_, &DesignDocument::changed, this, &PropertyPanel::refresh);
}

void PropertyPanel::buildEmptyPage() {
    emptyHint_ = new QLabel(stack_);
    emptyHint_->setObjectName("propertyHint");
    emptyHint_->setAlignment(Qt::AlignCenter);
    emptyHint_->setWordWrap(true);
    emptyHint_->setMargin(16);
    emptyHint_->setEnabled(false);  // the palette's disabled text colour: a hint, not content
    stack_->addWidget(emptyHint_);
}

void PropertyPanel::buildNodePage() {
    auto* scroll = new QScrollArea(stack_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* page = new QWidget(scroll);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(8, 8, 8, 8);

    // Title row: the group's accent bar (as on the canvas cards), the type, its description.
    auto* titleRow = new QHBoxLayout;
    titleRow->setSpacing(8);
    accent_ = new QWidget(page);
    accent_->setFixedWidth(4);
    accent_->setAutoFillBackground(true);
    auto* titleText = new QVBoxLayout;
    titleText->setSpacing(2);
    title_ = new QLabel(page);
    QFont titleFont = title_->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    title_->setFont(titleFont);
    description_ = infoLabel(page);
    description_->setStyleSheet(QStringLiteral("color: %1").arg(kMutedColor));
    titleText->addWidget(title_);
    titleText->addWidget(description_);
    titleRow->addWidget(accent_);
    titleRow->addLayout(titleText, 1);
    layout->addLayout(titleRow);

    auto* layerBox = new QGroupBox(tr("Layer"), page);
    auto* layerForm = new QFormLayout(layerBox);
    idEdit_ = new QLineEdit(layerBox);
    idEdit_->setObjectName("nodeIdEdit");
    idEdit_->setToolTip(tr("Letters, digits, '_' and '-', starting with a letter or '_'; unique in the design"));
    connect(idEdit_, &QLineEdit::editingFinished, this, &PropertyPanel::commitRename);
    // Escape gives up the edit: the field shows the node's id again.
    auto* revert = new QAction(idEdit_);
    revert->setShortcut(Qt::Key_Escape);
    revert->setShortcutContext(Qt::WidgetShortcut);
    idEdit_->addAction(revert);
    connect(revert, &QAction::triggered, this, [this] {
        idEdit_->setText(nodeId_);
        idError_->hide();
    });
    idError_ = infoLabel(layerBox);
    idError_->setStyleSheet(QStringLiteral("color: %1").arg(kErrorColor));
    idError_->hide();
    layerForm->addRow(tr("Id"), idEdit_);
    layerForm->addRow(QString(), idError_);
    freeze_ = new QCheckBox(tr("Freeze \u2744"), layerBox);
    freeze_->setObjectName("nodeFreeze");
    connect(freeze_, &QCheckBox::toggled, this, [this](bool on) {
        if (!nodeId_.isEmpty()) emit freezeRequested(nodeId_, on);
    });
    layerForm->addRow(QString(), freeze_);
    layout->addWidget(layerBox);

    paramsBox_ = new QGroupBox(tr("Parameters"), page);
    paramsForm_ = new QFormLayout(paramsBox_);
    paramsForm_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    noParams_ = new QLabel(tr("This layer has no parameters."), paramsBox_);
    noParams_->setEnabled(false);
    paramsForm_->addRow(noParams_);
    layout->addWidget(paramsBox_);

    auto* shapeBox = new QGroupBox(tr("Shapes"), page);
    auto* shapeForm = new QFormLayout(shapeBox);
    inputs_ = infoLabel(shapeBox);
    output_ = infoLabel(shapeBox);
    parameters_ = infoLabel(shapeBox);
    output_->setObjectName("nodeOutputShape");
    parameters_->setObjectName("nodeParameterCount");
    shapeForm->addRow(tr("Input"), inputs_);
    shapeForm->addRow(tr("Output"), output_);
    shapeForm->addRow(tr("Weights"), parameters_);
    layout->addWidget(shapeBox);

    issues_ = infoLabel(page);
    issues_->setObjectName("nodeIssues");
    issues_->setTextFormat(Qt::RichText);
    layout->addWidget(issues_);
    layout->addStretch(1);

    scroll->setWidget(page);
    stack_->addWidget(scroll);
}

void PropertyPanel::showEmpty(const QString& hint) {
    nodeId_.clear();
    emptyHint_->setText(hint);
    stack_->setCurrentIndex(0);
}

void PropertyPanel::setSelection(const QStringList& nodeIds) {
    selection_ = nodeIds;
    if (nodeIds.size() != 1) {
        showEmpty(nodeIds.isEmpty()
                      ? tr("Select a layer on the canvas to edit its parameters.")
                      : tr("%1 layers selected.\nSelect one to edit its parameters.").arg(nodeIds.size()));
        return;
    }
    nodeId_ = nodeIds.first();
    idError_->hide();
    refresh();
}

// The editor of one param (row.editor), committing each change; returns the field widget for
// the form (the editor, or for IntOrClasses the editor beside its "classes" box).
QWidget* PropertyPanel::makeParamEditor(ParamRow& row, const QString& name, const QString& help) {
    switch (row.spec.kind) {
    case ParamKind::Int:
    case ParamKind::IntOrClasses: {
        auto* spin = new QSpinBox;
        spin->setRange(clampToInt(row.spec.min), clampToInt(row.spec.max));
        spin->setKeyboardTracking(false);  // one commit per Return, focus change or arrow step
        spin->setAccelerated(true);
        spin->setToolTip(tr("%1 (%2 to %3)").arg(help).arg(spin->minimum()).arg(spin->maximum()));
        connect(spin, &QSpinBox::valueChanged, this, [this, name](int v) { commit(name, v); });
        // A required param the file lacks shows its minimum; confirming that value sets it.
        connect(spin, &QSpinBox::editingFinished, this, [this, name, spin] {
            if (rows_.contains(name) && currentValue(rows_[name].spec).is_null() && spin->isEnabled())
                commit(name, spin->value());
        });
        row.editor = spin;
        if (row.spec.kind == ParamKind::IntOrClasses) {
            auto* box = new QWidget;
            auto* h = new QHBoxLayout(box);
            h->setContentsMargins(0, 0, 0, 0);
            row.classes = new QCheckBox(tr("classes"), box);
            row.classes->setToolTip(tr("Use the dataset's number of classes"));
            h->addWidget(spin, 1);
            h->addWidget(row.classes);
            connect(row.classes, &QCheckBox::toggled, this, [this, name, spin](bool on) {
                spin->setEnabled(!on);
                commit(name, on ? nlohmann::json("classes") : nlohmann::json(spin->value()));
            });
            return box;
        }
        return spin;
    }
    case ParamKind::Float: {
        auto* spin = new FloatSpinBox;
        const double min = (row.spec.min > 0 && row.spec.min < kMinPositiveFloat) ? kMinPositiveFloat : row.spec.min;
        spin->setRange(min, row.spec.max);
        spin->setKeyboardTracking(false);
        spin->setToolTip(help);
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this, name](double v) { commit(name, v); });
        row.editor = spin;
        return spin;
    }
    case ParamKind::Choice: {
        auto* combo = new QComboBox;
        for (const std::string& c : row.spec.choices) combo->addItem(QString::fromStdString(c));
        combo->setToolTip(help);
        connect(combo, &QComboBox::currentTextChanged, this,
                [this, name](const QString& v) { commit(name, v.toStdString()); });
        row.editor = combo;
        return combo;
    }
    case ParamKind::Bool: {
        auto* check = new QCheckBox;
        check->setToolTip(help);
        connect(check, &QCheckBox::toggled, this, [this, name](bool on) { commit(name, on); });
        row.editor = check;
        return check;
    }
    }
    return nullptr;  // every kind is handled above
}

void PropertyPanel::rebuildParams(const LayerSpec* spec) {
    for (const QString& name : rowOrder_) paramsForm_->removeRow(rows_[name].label);
    rows_.clear();
    rowOrder_.clear();
    shownType_ = spec ? QString::fromStdString(spec->type) : QString();
    noParams_->setVisible(!spec || spec->params.empty());
    if (!spec) return;

    for (const ParamSpec& p : spec->params) {
        ParamRow row;
        row.spec = p;
        const QString name = QString::fromStdString(p.name);
        const QString help = QString::fromStdString(p.help);
        row.label = new QLabel(name, paramsBox_);
        row.label->setToolTip(help);
        paramsForm_->addRow(row.label, makeParamEditor(row, name, help));
        row.editor->setObjectName(QStringLiteral("param_") + name);
        rows_.insert(name, row);
        rowOrder_.append(name);
    }
}

nlohmann::json PropertyPanel::currentValue(const ParamSpec& spec) const {
    if (!document_) return spec.defaultValue;
    const Node* node = document_->design().findNode(nodeId_.toStdString());
    if (node && node->params.is_object() && node->params.contains(spec.name)) return node->params.at(spec.name);
    return spec.defaultValue;
}

void PropertyPanel::refresh() {
    if (nodeId_.isEmpty() || !document_) {
        // A node renamed or recreated by undo may be selected again by the canvas later.
        return;
    }
    const Node* node = document_->design().findNode(nodeId_.toStdString());
    if (!node) {
        showEmpty(tr("Select a layer on the canvas to edit its parameters."));
        return;
    }
    const LayerSpec* spec = LayerRegistry::instance().find(node->type);
    const QString type = QString::fromStdString(node->type);
    if (type != shownType_ || rows_.size() != int(spec ? spec->params.size() : 0)) rebuildParams(spec);

    const QColor accent = PalettePanel::groupColor(spec ? QString::fromStdString(spec->group) : QString());
    title_->setText(type);
    QPalette accentPalette = accent_->palette();
    accentPalette.setColor(QPalette::Window, accent);
    accent_->setPalette(accentPalette);
    description_->setText(spec ? QString::fromStdString(spec->description) : tr("Unknown layer type"));
    if (!idEdit_->hasFocus() || idEdit_->text() != nodeId_) idEdit_->setText(nodeId_);

    for (const QString& name : rowOrder_) {
        ParamRow& row = rows_[name];
        const nlohmann::json value = currentValue(row.spec);
        const QSignalBlocker blockEditor(row.editor);
        if (auto* combo = qobject_cast<QComboBox*>(row.editor)) {
            combo->setCurrentText(value.is_string() ? QString::fromStdString(value.get<std::string>()) : QString());
        } else if (auto* check = qobject_cast<QCheckBox*>(row.editor)) {
            check->setChecked(value.is_boolean() ? value.get<bool>() : false);
        } else if (auto* dspin = qobject_cast<QDoubleSpinBox*>(row.editor)) {
            dspin->setValue(value.is_number() ? value.get<double>() : row.spec.min);
        } else if (auto* spin = qobject_cast<QSpinBox*>(row.editor)) {
            const bool classes = value.is_string() && value.get<std::string>() == "classes";
            if (row.classes) {
                const QSignalBlocker blockClasses(row.classes);
                row.classes->setChecked(classes);
                spin->setEnabled(!classes);
            }
            spin->setValue(classes ? document_->classes()
                                   : value.is_number() ? clampToInt(value.get<double>()) : spin->minimum());
        }
        row.label->setStyleSheet(QString());
    }

    const DesignAnalysis& analysis = document_->analysis();
    const NodeAnalysis* na = analysis.find(nodeId_.toStdString());
    QStringList inputs;
    if (na)
        for (const Shape& s : na->inputs) inputs << formatShape(s);
    inputs_->setText(inputs.isEmpty() ? tr("none") : inputs.join(QStringLiteral(", ")));
    if (spec && !spec->hasOutput) output_->setText(tr("none: the logits leave the network here"));
    else output_->setText(na ? formatShape(na->output) : tr("unknown"));
    parameters_->setText(na ? formatCount(na->parameters) : QStringLiteral("0"));

    QStringList issueLines;
    for (const DesignIssue& issue : analysis.issues) {
        if (QString::fromStdString(issue.node) != nodeId_) continue;
        issueLines << QString::fromStdString(issue.message).toHtmlEscaped();
        const QString field = QString::fromStdString(issue.field);
        if (rows_.contains(field)) {
            rows_[field].label->setStyleSheet(QStringLiteral("color: %1; font-weight: bold;").arg(kErrorColor));
        }
    }
    issues_->setVisible(!issueLines.isEmpty());
    issues_->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                         .arg(kErrorColor, issueLines.join(QStringLiteral("<br><br>"))));
    refreshFreeze();
    stack_->setCurrentIndex(1);
}

void PropertyPanel::setFrozenNodes(const QSet<QString>& ids) {
    frozen_ = ids;
    if (!nodeId_.isEmpty() && document_) refreshFreeze();
}

// Only weights can be frozen: a node without parameters has nothing to keep.
void PropertyPanel::refreshFreeze() {
    const NodeAnalysis* na = document_->analysis().find(nodeId_.toStdString());
    const bool freezable = na && na->parameters > 0;
    const QSignalBlocker block(freeze_);
    freeze_->setChecked(freezable && frozen_.contains(nodeId_));
    freeze_->setEnabled(freezable);
    freeze_->setToolTip(freezable ? tr("Training leaves this layer's weights as they are (e.g. those copied from "
                                       "a run); the training settings keep this, not the design file")
                                  : tr("Only layers with parameters can be frozen"));
}

void PropertyPanel::commit(const QString& param, const nlohmann::json& value) {
    if (nodeId_.isEmpty() || !document_ || !rows_.contains(param)) return;
    if (currentValue(rows_[param].spec) == value) return;  // no empty undo steps
    if (!document_->setParam(nodeId_, param, value)) refresh();  // refused: show the document's value again
}

void PropertyPanel::commitRename() {
    const QString newId = idEdit_->text().trimmed();
    if (nodeId_.isEmpty() || !document_ || newId == nodeId_) {
        idError_->hide();
        return;
    }
    const QString oldId = nodeId_;
    // Follow the new id already while the document announces the change, so the panel
    // refreshes onto the renamed node instead of finding the old id gone.
    nodeId_ = newId;
    if (!document_->renameNode(oldId, newId)) {
        nodeId_ = oldId;
        idError_->setText(tr("Cannot rename to \"%1\": an id starts with a letter or '_', uses letters, digits, "
                             "'_' and '-', and is unique in the design.")
                              .arg(newId));
        idError_->show();
        const QSignalBlocker block(idEdit_);
        idEdit_->setText(oldId);
        return;
    }
    idError_->hide();
    nodeId_ = newId;  // the canvas may have cleared the selection meanwhile
    refresh();
    emit nodeRenamed(newId);
}

QWidget* PropertyPanel::editor(const QString& param) const {
    return rows_.contains(param) ? rows_.value(param).editor : nullptr;
}

QCheckBox* PropertyPanel::classesBox(const QString& param) const {
    return rows_.contains(param) ? rows_.value(param).classes : nullptr;
}

QString PropertyPanel::outputText() const { return output_->text(); }
QString PropertyPanel::parametersText() const { return parameters_->text(); }
QString PropertyPanel::issuesText() const { return issues_->isHidden() ? QString() : issues_->text(); }

void PropertyPanel::focusParam(const QString& param) {
    if (QWidget* w = editor(param)) w->setFocus(Qt::OtherFocusReason);
}

}  // namespace strata
