#include "training/TransferSettingsBox.h"

#include <QCheckBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace strata {

namespace {
const char* const kErrorStyle = "color: #c62828";
const char* const kMutedStyle = "color: #6b7280";

QLabel* wrappedLabel(QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QStringList toQStrings(const std::vector<std::string>& ids) {
    QStringList out;
    for (const std::string& id : ids) out << QString::fromStdString(id);
    return out;
}
}  // namespace

TransferSettingsBox::TransferSettingsBox(QWidget* parent) : QGroupBox(tr("Transfer"), parent) {
    setObjectName("transferSettings");
    sourceLabel_ = new QLabel(this);
    sourceLabel_->setObjectName("transferSource");
    sourceLabel_->setMinimumWidth(60);
    sourceLabel_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // long names elide, never widen
    choose_ = new QPushButton(tr("Start from run\u2026"), this);
    choose_->setObjectName("transferChoose");
    choose_->setToolTip(tr("Start the next training from a trained run's weights where layers match by id, "
                           "type and shape"));
    clear_ = new QPushButton(tr("Clear"), this);
    clear_->setObjectName("transferClear");
    clear_->setToolTip(tr("Train from fresh weights"));
    restat_ = new QCheckBox(tr("Recompute mean/std"), this);
    restat_->setObjectName("transferRestat");
    restat_->setToolTip(tr("Normalize with the mean and std of this dataset instead of the run's (the run's "
                           "layers learned on its normalization)"));
    report_ = wrappedLabel(this);
    report_->setObjectName("transferReport");
    frozenLabel_ = wrappedLabel(this);
    frozenLabel_->setObjectName("transferFrozen");
    unfreeze_ = new QPushButton(tr("Unfreeze all"), this);
    unfreeze_->setObjectName("transferUnfreeze");
    freezeProblem_ = wrappedLabel(this);
    freezeProblem_->setObjectName("transferFreezeProblem");
    freezeProblem_->setStyleSheet(kErrorStyle);
    freezeProblem_->hide();

    auto* sourceRow = new QHBoxLayout;
    sourceRow->setContentsMargins(0, 0, 0, 0);
    sourceRow->addWidget(sourceLabel_, 1);
    sourceRow->addWidget(clear_);
    auto* frozenRow = new QHBoxLayout;
    frozenRow->setContentsMargins(0, 0, 0, 0);
    frozenRow->addWidget(frozenLabel_, 1);
    frozenRow->addWidget(unfreeze_);
    auto* form = new QFormLayout(this);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(choose_);
    form->addRow(tr("Run"), sourceRow);
    form->addRow(QString(), restat_);
    form->addRow(report_);
    form->addRow(tr("Frozen"), frozenRow);
    form->addRow(freezeProblem_);

    connect(choose_, &QPushButton::clicked, this, &TransferSettingsBox::chooseSource);
    connect(clear_, &QPushButton::clicked, this, [this] { setSource(QString()); });
    connect(restat_, &QCheckBox::toggled, this, [this] { emit edited(); });
    connect(unfreeze_, &QPushButton::clicked, this, [this] { setFrozen({}); });
    updateSource();
    updateFrozen();
}

void TransferSettingsBox::read(TrainConfig& c) const {
    c.initFrom = source_.toStdString();
    c.restat = restat_->isChecked();
    c.freeze.clear();
    for (const QString& id : frozen_) c.freeze.push_back(id.toStdString());
    c.freezeThrough = through_.toStdString();
}

void TransferSettingsBox::showConfig(const TrainConfig& c) {
    {
        const QSignalBlocker block(restat_);
        restat_->setChecked(c.restat);
    }
    const QString source = QString::fromStdString(c.initFrom);
    if (source != source_) {
        source_ = source;
        updateSource();
        emit sourceChanged(source_);
    }
    const QStringList frozen = toQStrings(c.freeze);
    const QString through = QString::fromStdString(c.freezeThrough);
    if (frozen != frozen_ || through != through_) {
        frozen_ = frozen;
        through_ = through;
        updateFrozen();
        emit freezeChanged();
    }
}

void TransferSettingsBox::chooseSource() {
    const QString start = source_.isEmpty() ? (browseFolder_.isEmpty() ? QDir::homePath() : browseFolder_)
                                            : QFileInfo(source_).absolutePath();
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Start from run"), start, tr("Strata runs (*.h5);;All files (*)"));
    if (!path.isEmpty()) setSource(path);
}

void TransferSettingsBox::setSource(const QString& path) {
    if (path == source_) return;
    source_ = path;
    updateSource();
    emit sourceChanged(source_);
    emit edited();
}

bool TransferSettingsBox::restat() const { return restat_->isChecked(); }

void TransferSettingsBox::setFrozen(const QStringList& ids, const QString& through) {
    if (ids == frozen_ && through == through_) return;
    frozen_ = ids;
    through_ = through;
    updateFrozen();
    emit freezeChanged();
    emit edited();
}

void TransferSettingsBox::updateSource() {
    const bool chosen = !source_.isEmpty();
    sourceLabel_->setText(chosen ? QFileInfo(source_).fileName() : tr("none: fresh weights"));
    sourceLabel_->setToolTip(chosen ? QDir::toNativeSeparators(source_) : QString());
    sourceLabel_->setStyleSheet(chosen ? QString() : QString(kMutedStyle));
    if (!chosen) setReport(QString(), QString(), false);
    updateEnabled();
}

void TransferSettingsBox::updateFrozen() {
    QString text = frozen_.join(QStringLiteral(", "));
    if (!through_.isEmpty())
        text = text.isEmpty() ? tr("every layer up to %1").arg(through_)
                              : tr("%1; every layer up to %2").arg(text, through_);
    frozenLabel_->setText(text.isEmpty() ? tr("none") : text);
    frozenLabel_->setStyleSheet(text.isEmpty() ? QString(kMutedStyle) : QString());
    frozenLabel_->setToolTip(tr("Frozen layers keep their weights while training. Freeze a layer from its card, "
                                "its properties or its context menu (\u201cFreeze up to here\u201d)."));
    updateEnabled();
}

void TransferSettingsBox::setReport(const QString& text, const QString& details, bool error) {
    reportError_ = error;
    report_->setText(text);
    report_->setToolTip(details);
    report_->setStyleSheet(error ? QString(kErrorStyle) : QString(kMutedStyle));
    report_->setVisible(!text.isEmpty());
}

void TransferSettingsBox::setFreezeProblem(const QString& text) {
    freezeProblem_->setText(text);
    freezeProblem_->setVisible(!text.isEmpty());
}

QString TransferSettingsBox::reportText() const { return report_->text(); }
QString TransferSettingsBox::freezeProblem() const { return freezeProblem_->text(); }

void TransferSettingsBox::setReadOnly(bool readOnly) {
    readOnly_ = readOnly;
    updateEnabled();
}

void TransferSettingsBox::updateEnabled() {
    choose_->setEnabled(!readOnly_);
    clear_->setEnabled(!readOnly_ && !source_.isEmpty());
    // mean/std come from the run only when there is one.
    restat_->setEnabled(!readOnly_ && !source_.isEmpty());
    unfreeze_->setEnabled(!readOnly_ && (!frozen_.isEmpty() || !through_.isEmpty()));
}

}  // namespace strata
