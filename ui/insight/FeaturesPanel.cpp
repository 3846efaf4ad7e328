#include "insight/FeaturesPanel.h"

#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QUrl>
#include <QVBoxLayout>

#include "insight/ActivationsView.h"
#include "insight/AttentionMapView.h"
#include "insight/ConfusionMatrixView.h"
#include "insight/FiltersView.h"
#include "insight/GradientHeatmap.h"
#include "insight/HierarchyView.h"
#include "widgets/Labels.h"
#include "insight/PatchesView.h"
#include "insight/SaliencyMapView.h"

namespace strata {

namespace {
const char* const kErrorStyle = "color: #c62828;";
const char* const kSep = " \u00b7 ";

// The first local image file among the dropped URLs ("" when none).
QString droppedImage(const QMimeData* mime) {
    static const QStringList kSuffixes = {"png", "jpg", "jpeg", "bmp", "tif", "tiff"};
    if (!mime || !mime->hasUrls()) return QString();
    for (const QUrl& url : mime->urls()) {
        const QFileInfo info(url.toLocalFile());
        if (url.isLocalFile() && info.isFile() && kSuffixes.contains(info.suffix().toLower()))
            return info.absoluteFilePath();
    }
    return QString();
}
}  // namespace

QString FeaturesPanel::defaultEmptyText() {
    return tr("Train with features on to see what each layer learns: press Train and, at each epoch end, this "
              "panel shows the first layer's filters, what early, middle and deep layers respond to, the image "
              "patches that excite them, and how well each depth separates the classes. Or open a run from the "
              "Runs panel.");
}

FeaturesPanel::FeaturesPanel(QWidget* parent) : QWidget(parent) {
    setObjectName("featuresPanel");
    setAcceptDrops(true);
    buildUi();
    showEmpty();
}

// The bar above the tabs: epoch, status, pinned layer, Compute features and the probe image.
QHBoxLayout* FeaturesPanel::buildBar() {
    epoch_ = sectionHeader(QString(), this);
    epoch_->setObjectName("featuresEpoch");
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    pinCombo_ = new QComboBox(this);
    pinCombo_->setObjectName("pinLayer");
    pinCombo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    pinCombo_->setToolTip(tr("A layer to show besides early, middle and deep (or select one node on the canvas)"));
    probeButton_ = new QPushButton(tr("Probe image…"), this);
    probeButton_->setObjectName("chooseProbe");
    probeButton_->setToolTip(tr("The image whose activations and saliency are shown; you can also drop an image file "
                                "onto this panel"));
    probeLabel_ = new QLabel(this);
    probeLabel_->setForegroundRole(QPalette::PlaceholderText);

    auto* bar = new QHBoxLayout;
    bar->addWidget(epoch_);
    bar->addWidget(status_, 1);
    bar->addWidget(new QLabel(tr("Pin layer:"), this));
    bar->addWidget(pinCombo_);
    computeInBar_ = new QPushButton(tr("Compute features"), this);
    computeInBar_->setObjectName("computeInBar");
    computeInBar_->setToolTip(tr("This run stores no feature snapshot: compute one for the other tabs"));
    computeInBar_->setVisible(false);
    bar->addWidget(computeInBar_);
    bar->addSpacing(12);
    bar->addWidget(probeButton_);
    bar->addWidget(probeLabel_);
    return bar;
}

// The page of a run without a feature snapshot: why, and Compute features.
QWidget* FeaturesPanel::buildEmptyPage() {
    auto* empty = new QWidget;
    auto* emptyLayout = new QVBoxLayout(empty);
    emptyHint_ = hintLabel(QString(), empty);
    emptyHint_->setObjectName("featuresEmptyHint");
    computeButton_ = new QPushButton(tr("Compute features for this run"), empty);
    emptyLayout->addStretch(1);
    emptyLayout->addWidget(emptyHint_);
    emptyLayout->addWidget(computeButton_, 0, Qt::AlignHCenter);
    emptyLayout->addStretch(1);
    return empty;
}

void FeaturesPanel::buildUi() {
    QHBoxLayout* bar = buildBar();

    filters_ = new FiltersView;
    activations_ = new ActivationsView;
    patches_ = new PatchesView;
    hierarchy_ = new HierarchyView;
    gradients_ = new GradientHeatmap;
    confusion_ = new ConfusionMatrixView;
    saliency_ = new SaliencyMapView;
    attention_ = new AttentionMapView;

    auto* filtersAndActivations = new QSplitter(Qt::Horizontal);
    filtersAndActivations->addWidget(filters_);
    filtersAndActivations->addWidget(activations_);
    filtersAndActivations->setStretchFactor(0, 1);
    filtersAndActivations->setStretchFactor(1, 3);
    filtersAndActivations->setSizes({300, 900});
    auto* evaluation = new QSplitter(Qt::Horizontal);
    evaluation->addWidget(confusion_);
    evaluation->addWidget(saliency_);
    evaluation->setSizes({700, 400});

    tabs_ = new QTabWidget;
    tabs_->setObjectName("featuresTabs");
    tabs_->addTab(filtersAndActivations, tr("Filters && activations"));
    tabs_->addTab(patches_, tr("Patches"));
    tabs_->addTab(hierarchy_, tr("Hierarchy"));
    tabs_->addTab(gradients_, tr("Gradients"));
    tabs_->addTab(evaluation, tr("Evaluation"));
    tabs_->addTab(attention_, tr("Attention"));

    QWidget* empty = buildEmptyPage();

    stack_ = new QStackedWidget(this);
    stack_->addWidget(empty);
    stack_->addWidget(tabs_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(stack_, 1);

    connect(probeButton_, &QPushButton::clicked, this, &FeaturesPanel::chooseProbeImage);
    connect(computeButton_, &QPushButton::clicked, this, &FeaturesPanel::computeRequested);
    connect(computeInBar_, &QPushButton::clicked, this, &FeaturesPanel::computeRequested);
    connect(attention_, &AttentionMapView::compareRequested, this, &FeaturesPanel::compareRequested);
    connect(pinCombo_, &QComboBox::activated, this, [this](int index) {
        pinnedLayer_ = pinCombo_->itemData(index).toString();
        emit pinRequested(pinnedLayer_);
    });
    fillPinCombo();
    updateProbeLabel();
}

void FeaturesPanel::setSnapshot(const FeatureSnapshot& snapshot) {
    snapshot_ = snapshot;
    hasSnapshot_ = true;
    if (snapshot.epoch == 0 && !snapshot.projection.x.empty()) before_ = snapshot.projection.silhouette;
    epoch_->setText(snapshot.epoch == 0 ? tr("before training") : tr("epoch %1").arg(snapshot.epoch));
    filters_->setSnapshot(snapshot);
    activations_->setSnapshot(snapshot);
    patches_->setSnapshot(snapshot);
    hierarchy_->setSnapshot(snapshot, before_);
    gradients_->setHistory(snapshot.gradients);
    confusion_->setConfusion(snapshot.confusion, snapshot.classes);
    saliency_->setSnapshot(snapshot);
    fillPinCombo();
    computeInBar_->setVisible(false);
    stack_->setCurrentWidget(tabs_);
}

void FeaturesPanel::setSight(const RunSight& sight) {
    attention_->setSight(sight);
    if (hasSnapshot_ || !isShowingEmptyState() || !attention_->hasAttention()) return;
    clearViews();  // what they showed was another run's
    computeInBar_->setVisible(!computeButton_->isHidden());
    stack_->setCurrentWidget(tabs_);
    tabs_->setCurrentWidget(attention_);
}

void FeaturesPanel::setComparison(const RunSight& sight) { attention_->setComparison(sight); }

void FeaturesPanel::clearViews() {
    filters_->clear();
    activations_->clear();
    patches_->clear();
    hierarchy_->clear();
    gradients_->clear();
    confusion_->clear();
    saliency_->clear();
}

void FeaturesPanel::showEmpty(const QString& hint, bool offerCompute) {
    snapshot_ = FeatureSnapshot();
    hasSnapshot_ = false;
    epoch_->setText(tr("Features"));
    emptyHint_->setText(hint.isEmpty() ? defaultEmptyText() : hint);
    computeButton_->setVisible(offerCompute);
    computeInBar_->setVisible(false);
    fillPinCombo();
    stack_->setCurrentIndex(0);
}

void FeaturesPanel::beginTraining() {
    before_.reset();
    setStatus(tr("training: updates before the first epoch and at each epoch end"));
    if (!hasSnapshot_) emptyHint_->setText(tr("Computing what each layer sees before training…"));
}

void FeaturesPanel::setStatus(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? kErrorStyle : "");
}

QString FeaturesPanel::statusText() const { return status_->text(); }

QString FeaturesPanel::epochText() const { return epoch_->text(); }

bool FeaturesPanel::isShowingEmptyState() const { return stack_->currentWidget() != tabs_; }

QString FeaturesPanel::emptyText() const { return emptyHint_->text(); }

void FeaturesPanel::setProbeImage(const QString& path) {
    probeImage_ = path;
    updateProbeLabel();
}

void FeaturesPanel::setPinnedLayer(const QString& layer) {
    pinnedLayer_ = layer;
    fillPinCombo();
}

void FeaturesPanel::fillPinCombo() {
    // "(none)", then every layer of the snapshot in execution order; a pinned layer the
    // snapshot does not know yet (pinned before the first snapshot) is kept as an entry.
    const QSignalBlocker block(pinCombo_);
    pinCombo_->clear();
    pinCombo_->addItem(tr("(none)"), QString());
    bool found = pinnedLayer_.isEmpty();
    for (const LayerDepth& layer : snapshot_.layers) {
        if (layer.type == "Input" || layer.type == "Output") continue;
        const QString id = QString::fromStdString(layer.id);
        QString text = id + kSep + QString::fromStdString(layer.type);
        if (!layer.role.empty()) text += kSep + QString::fromStdString(layer.role);
        pinCombo_->addItem(text, id);
        found = found || id == pinnedLayer_;
    }
    if (!found) pinCombo_->addItem(pinnedLayer_, pinnedLayer_);
    pinCombo_->setCurrentIndex(std::max(0, pinCombo_->findData(pinnedLayer_)));
    pinCombo_->setEnabled(pinCombo_->count() > 1);
}

void FeaturesPanel::updateProbeLabel() {
    if (probeImage_.isEmpty()) {
        probeLabel_->setText(tr("first training image"));
        probeLabel_->setToolTip(QString());
    } else {
        probeLabel_->setText(QFileInfo(probeImage_).fileName());
        probeLabel_->setToolTip(probeImage_);
    }
}

void FeaturesPanel::chooseProbeImage() {
    const QString file = QFileDialog::getOpenFileName(this, tr("Probe image"), QFileInfo(probeImage_).absolutePath(),
                                                      tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff)"));
    if (file.isEmpty()) return;
    setProbeImage(file);
    emit probeImageChosen(file);
}

void FeaturesPanel::dragEnterEvent(QDragEnterEvent* event) {
    if (!droppedImage(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void FeaturesPanel::dragMoveEvent(QDragMoveEvent* event) {
    if (!droppedImage(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void FeaturesPanel::dropEvent(QDropEvent* event) {
    const QString file = droppedImage(event->mimeData());
    if (file.isEmpty()) return;
    event->acceptProposedAction();
    setProbeImage(file);
    emit probeImageChosen(file);
}

}  // namespace strata
