#include "training/TrainingSettingsPanel.h"

#include <QComboBox>
#include <QCryptographicHash>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>
#include <algorithm>
#include <climits>
#include <stdexcept>

#include "compile/Precision.h"
#include "data/Augmentation.h"
#include "training/AugmentPreviewGrid.h"
#include "training/TransferSettingsBox.h"
#include "widgets/FloatSpinBox.h"

namespace strata {

namespace {
// Ranges follow TrainConfig::validate().
constexpr int kMaxEpochs = 100000;
constexpr int kMaxBatchSize = 65536;
constexpr double kMinLr = 1e-7;
constexpr double kMaxLr = 10;
constexpr double kMaxMomentum = 0.999;
constexpr int kMaxThreads = 1024;
constexpr int kHashDigits = 16;

// QSettings keys: the run file's /config attribute names.
const char* const kEpochs = "epochs";
const char* const kBatchSize = "batch_size";
const char* const kOptimizer = "optimizer";
const char* const kLr = "lr";
const char* const kMomentum = "momentum";
const char* const kWeightDecay = "weight_decay";
const char* const kSchedule = "schedule";
const char* const kAugment = "augment";
const char* const kClassWeights = "class_weights";
const char* const kSampler = "sampler";
const char* const kSeed = "seed";
const char* const kThreads = "threads";
const char* const kPrecision = "precision";
const char* const kInitFrom = "init_from";
const char* const kRestat = "restat";
const char* const kFreeze = "freeze";
const char* const kFreezeThrough = "freeze_through";

QComboBox* choices(const QStringList& items, QWidget* parent) {
    auto* box = new QComboBox(parent);
    box->addItems(items);
    return box;
}

void select(QComboBox* box, const std::string& value) {
    const int i = box->findText(QString::fromStdString(value));
    box->setCurrentIndex(i >= 0 ? i : 0);
}
}  // namespace

TrainingSettingsPanel::TrainingSettingsPanel(QWidget* parent) : QWidget(parent) {
    epochs_ = new QSpinBox(this);
    epochs_->setRange(1, kMaxEpochs);
    batchSize_ = new QSpinBox(this);
    batchSize_->setRange(1, kMaxBatchSize);
    optimizer_ = choices({"sgd", "adam", "adamw"}, this);
    lr_ = new FloatSpinBox(this);
    lr_->setRange(kMinLr, kMaxLr);
    lr_->setSingleStep(0.1);  // below 0.1 the box steps by factors of ten: 1e-3 -> 1e-2
    lr_->setToolTip(tr("Learning rate; arrows step by factors of ten, e.g. 1e-3 \u2192 1e-2"));
    momentum_ = new QDoubleSpinBox(this);
    momentum_->setRange(0, kMaxMomentum);
    momentum_->setDecimals(3);
    momentum_->setSingleStep(0.05);
    weightDecay_ = new FloatSpinBox(this);
    weightDecay_->setRange(0, 1);
    weightDecay_->setSingleStep(0.1);
    schedule_ = choices({"none", "cosine", "step"}, this);
    schedule_->setToolTip(tr("Learning-rate schedule over the epochs"));
    // Editable: any +-joined set is accepted; the list offers the usual ones.
    augment_ = choices({"none", "flip", "crop", "flip+crop", "rotate", "jitter", "erase", "flip+crop+rotate",
                        "flip+crop+rotate+jitter+erase"},
                       this);
    augment_->setEditable(true);
    augment_->setInsertPolicy(QComboBox::NoInsert);
    augment_->setToolTip(tr("Random changes to training images, any +-joined set of: flip (horizontal), crop "
                            "(shifted), rotate (up to 10 degrees), jitter (brightness and contrast), erase (a "
                            "random rectangle)"));
    classWeights_ = choices({"none", "auto"}, this);
    classWeights_->setToolTip(tr("auto: weigh the loss by inverse class frequency, so rare classes count as much"));
    sampler_ = choices({"shuffle", "balanced"}, this);
    sampler_->setToolTip(tr("balanced: draw every class equally often in an epoch (with replacement)"));
    seed_ = new QSpinBox(this);
    seed_->setRange(0, INT_MAX);
    seed_->setToolTip(tr("The same seed, data and settings replay the same run"));
    threads_ = new QSpinBox(this);
    threads_->setRange(0, kMaxThreads);
    threads_->setSpecialValueText(tr("auto"));
    threads_->setToolTip(tr("CPU threads for training; auto uses all %1 cores").arg(QThread::idealThreadCount()));
    precision_ = choices({"fp32", "bf16", "auto"}, this);
    precision_->setToolTip(tr("bf16 runs the forward pass in bfloat16 (weights stay fp32); auto picks bf16 only "
                              "where the CPU has bf16 instructions and most of the design's work is in layers bf16 speeds up "
                              "(wide convolutions and Linear layers). This CPU: %1")
                               .arg(QString::fromStdString(cpuPrecisionSupport().describe())));

    preview_ = new AugmentPreviewGrid(this);
    buildLayout();

    setConfig(TrainConfig());

    auto changed = [this] {
        updateEnabled();
        if (!updating_) emit configChanged();
    };
    for (QSpinBox* box : {epochs_, batchSize_, seed_, threads_})
        connect(box, qOverload<int>(&QSpinBox::valueChanged), this, changed);
    for (QDoubleSpinBox* box : {static_cast<QDoubleSpinBox*>(lr_), momentum_, static_cast<QDoubleSpinBox*>(weightDecay_)})
        connect(box, qOverload<double>(&QDoubleSpinBox::valueChanged), this, changed);
    connect(augment_, &QComboBox::currentTextChanged, this, changed);
    for (QComboBox* box : {optimizer_, schedule_, classWeights_, sampler_, precision_})
        connect(box, qOverload<int>(&QComboBox::currentIndexChanged), this, changed);
    connect(transfer_, &TransferSettingsBox::edited, this, changed);
    connect(augment_, &QComboBox::currentTextChanged, this, &TrainingSettingsPanel::updatePreview);
    connect(seed_, qOverload<int>(&QSpinBox::valueChanged), this, &TrainingSettingsPanel::updatePreview);
    connect(findLr_, &QPushButton::clicked, this, &TrainingSettingsPanel::findLearningRateRequested);
    // Remembered at once: another design may be opened before anything is trained.
    connect(this, &TrainingSettingsPanel::configChanged, this, [this] {
        if (!designKey_.isEmpty()) save(designKey_);
    });
}

// The form and the transfer box in a scroll area. It scrolls rather than setting a minimum
// height: with the preview grid the form is taller than the dock area of a small window, and a
// minimum would push the window past the screen.
void TrainingSettingsPanel::buildLayout() {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    outer->addWidget(scroll);
    auto* content = new QWidget(scroll);
    scroll->setWidget(content);
    auto* layout = new QVBoxLayout(content);
    auto* form = new QFormLayout;
    layout->addLayout(form);
    transfer_ = new TransferSettingsBox(this);
    layout->addWidget(transfer_);
    layout->addStretch(1);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Epochs"), epochs_);
    form->addRow(tr("Batch size"), batchSize_);
    form->addRow(tr("Optimizer"), optimizer_);
    form->addRow(tr("Learning rate"), learningRateRow());
    form->addRow(tr("Momentum"), momentum_);
    form->addRow(tr("Weight decay"), weightDecay_);
    form->addRow(tr("Schedule"), schedule_);
    form->addRow(tr("Augmentation"), augment_);
    form->addRow(preview_);  // both columns: a slim dock holds the grid
    form->addRow(tr("Class weights"), classWeights_);
    form->addRow(tr("Sampler"), sampler_);
    form->addRow(tr("Seed"), seed_);
    form->addRow(tr("Threads"), threads_);
    form->addRow(tr("Precision"), precision_);
    // As wide as the form needs (the dock then is, as without scrolling); only height scrolls.
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(content->minimumSizeHint().width() + scroll->verticalScrollBar()->sizeHint().width());
}

TrainConfig TrainingSettingsPanel::config(const TrainConfig& base) const {
    TrainConfig c = base;
    c.epochs = epochs_->value();
    c.batchSize = batchSize_->value();
    c.optimizer = optimizer_->currentText().toStdString();
    c.lr = lr_->value();
    c.momentum = momentum_->value();
    c.weightDecay = weightDecay_->value();
    c.schedule = schedule_->currentText().toStdString();
    c.augment = augment_->currentText().trimmed().toStdString();
    try {
        c.augment = augmentName(parseAugment(c.augment));
    } catch (const std::invalid_argument&) {
        // Kept as typed: starting a training names the bad augmentation.
    }
    c.classWeights = classWeights_->currentText().toStdString();
    c.sampler = sampler_->currentText().toStdString();
    c.seed = seed_->value();
    c.threads = threads_->value();
    c.precision = precision_->currentText().toStdString();
    transfer_->read(c);
    return c;
}

void TrainingSettingsPanel::setConfig(const TrainConfig& c) {
    updating_ = true;
    epochs_->setValue(c.epochs);
    batchSize_->setValue(c.batchSize);
    select(optimizer_, c.optimizer);
    lr_->setValue(c.lr);
    momentum_->setValue(c.momentum);
    weightDecay_->setValue(c.weightDecay);
    select(schedule_, c.schedule);
    augment_->setCurrentText(QString::fromStdString(c.augment));
    select(classWeights_, c.classWeights);
    select(sampler_, c.sampler);
    seed_->setValue(int(std::clamp<int64_t>(c.seed, 0, INT_MAX)));
    threads_->setValue(c.threads);
    select(precision_, c.precision);
    transfer_->showConfig(c);
    updating_ = false;
    updateEnabled();
    updatePreview();
}

void TrainingSettingsPanel::updatePreview() {
    if (preview_) preview_->setAugment(augment_->currentText(), uint64_t(seed_->value()));
}

// The learning rate's field with "Find…" beside it.
QWidget* TrainingSettingsPanel::learningRateRow() {
    auto* row = new QWidget(this);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    lr_->setParent(row);
    layout->addWidget(lr_, 1);
    findLr_ = new QPushButton(tr("Find\u2026"), row);
    findLr_->setToolTip(tr("Find learning rate: a short training of the design with the learning rate rising from "
                           "1e-7 suggests one (nothing of it is kept)"));
    findLr_->setAccessibleName(tr("Find learning rate"));
    layout->addWidget(findLr_);
    return row;
}

QString TrainingSettingsPanel::settingsGroup(const QString& designKey) {
    const QByteArray hash = QCryptographicHash::hash(designKey.toUtf8(), QCryptographicHash::Sha1).toHex();
    return QStringLiteral("training/") + QString::fromLatin1(hash.left(kHashDigits));
}

bool TrainingSettingsPanel::load(const QString& designKey) {
    const TrainConfig d;
    QSettings s;
    s.beginGroup(settingsGroup(designKey));
    const bool saved = !s.childKeys().isEmpty();
    TrainConfig c;
    c.epochs = s.value(kEpochs, d.epochs).toInt();
    c.batchSize = s.value(kBatchSize, d.batchSize).toInt();
    c.optimizer = s.value(kOptimizer, QString::fromStdString(d.optimizer)).toString().toStdString();
    c.lr = s.value(kLr, d.lr).toDouble();
    c.momentum = s.value(kMomentum, d.momentum).toDouble();
    c.weightDecay = s.value(kWeightDecay, d.weightDecay).toDouble();
    c.schedule = s.value(kSchedule, QString::fromStdString(d.schedule)).toString().toStdString();
    c.augment = s.value(kAugment, QString::fromStdString(d.augment)).toString().toStdString();
    c.classWeights = s.value(kClassWeights, QString::fromStdString(d.classWeights)).toString().toStdString();
    c.sampler = s.value(kSampler, QString::fromStdString(d.sampler)).toString().toStdString();
    c.seed = s.value(kSeed, qint64(d.seed)).toLongLong();
    c.threads = s.value(kThreads, d.threads).toInt();
    c.precision = s.value(kPrecision, QString::fromStdString(d.precision)).toString().toStdString();
    c.initFrom = s.value(kInitFrom).toString().toStdString();
    c.restat = s.value(kRestat, d.restat).toBool();
    for (const QString& id : s.value(kFreeze).toStringList()) c.freeze.push_back(id.toStdString());
    c.freezeThrough = s.value(kFreezeThrough).toString().toStdString();
    designKey_ = designKey;
    setConfig(c);
    return saved;
}

void TrainingSettingsPanel::save(const QString& designKey) const {
    const TrainConfig c = config();
    QSettings s;
    s.beginGroup(settingsGroup(designKey));
    s.setValue(kEpochs, c.epochs);
    s.setValue(kBatchSize, c.batchSize);
    s.setValue(kOptimizer, QString::fromStdString(c.optimizer));
    s.setValue(kLr, c.lr);
    s.setValue(kMomentum, c.momentum);
    s.setValue(kWeightDecay, c.weightDecay);
    s.setValue(kSchedule, QString::fromStdString(c.schedule));
    s.setValue(kAugment, QString::fromStdString(c.augment));
    s.setValue(kClassWeights, QString::fromStdString(c.classWeights));
    s.setValue(kSampler, QString::fromStdString(c.sampler));
    s.setValue(kSeed, qint64(c.seed));
    s.setValue(kThreads, c.threads);
    s.setValue(kPrecision, QString::fromStdString(c.precision));
    s.setValue(kInitFrom, QString::fromStdString(c.initFrom));
    s.setValue(kRestat, c.restat);
    QStringList frozen;
    for (const std::string& id : c.freeze) frozen << QString::fromStdString(id);
    s.setValue(kFreeze, frozen);
    s.setValue(kFreezeThrough, QString::fromStdString(c.freezeThrough));
}

void TrainingSettingsPanel::setReadOnly(bool readOnly) {
    readOnly_ = readOnly;
    transfer_->setReadOnly(readOnly);
    updateEnabled();
}

void TrainingSettingsPanel::updateEnabled() {
    for (QWidget* w : std::initializer_list<QWidget*>{epochs_, batchSize_, optimizer_, lr_, weightDecay_, schedule_,
                                                      augment_, classWeights_, sampler_, seed_, threads_,
                                                      precision_, findLr_})
        w->setEnabled(!readOnly_);
    // Only SGD uses momentum (Adam and AdamW keep their own moment estimates).
    const bool sgd = optimizer_->currentText() == QLatin1String("sgd");
    momentum_->setEnabled(!readOnly_ && sgd);
    momentum_->setToolTip(sgd ? tr("SGD momentum") : tr("Used by SGD only"));
}

}  // namespace strata
