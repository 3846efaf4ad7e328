#include "insight/CanvasInsight.h"

#include <QTimer>
#include <QUndoStack>

#include "design/Design.h"

#include "canvas/DesignScene.h"
#include "canvas/NodeBadgeItem.h"
#include "canvas/NodeItem.h"
#include "canvas/NodePreviewItem.h"
#include "insight/DesignInsightWorker.h"
#include "insight/PictureImage.h"
#include "model/DesignDocument.h"

namespace strata {

namespace {

template <class Item>
Item* childOf(const NodeItem* card) {
    for (QGraphicsItem* child : card->childItems())
        if (child->type() == Item::Type) return static_cast<Item*>(child);
    return nullptr;
}

QString shapeText(const std::vector<int64_t>& shape) {
    QStringList dims;
    for (int64_t d : shape) dims << QString::number(d);
    return "[" + dims.join(", ") + "]";
}

QString previewCaption(const NodePreview& n, bool runWeights) {
    const QString what = (n.spatial ? QObject::tr("its first %1 channels") : QObject::tr("its first %1 values"))
                             .arg(n.shown);
    return QObject::tr("%1: output %2, %3, with the %4 weights")
        .arg(QString::fromStdString(n.id), shapeText(n.shape), what,
             runWeights ? QObject::tr("run's") : QObject::tr("initial"));
}

}  // namespace

CanvasInsight::CanvasInsight(DesignDocument* document, DesignScene* scene, QObject* parent)
    : QObject(parent), document_(document), scene_(scene), worker_(new DesignInsightWorker(this)),
      debounce_(new QTimer(this)) {
    debounce_->setSingleShot(true);
    debounce_->setInterval(kDebounceMs);
    connect(debounce_, &QTimer::timeout, this, &CanvasInsight::requestPreviews);
    // After the scene's own sync (connected first, when the scene was made): new cards exist.
    connect(document_, &DesignDocument::changed, this, &CanvasInsight::onDocumentChanged);
    connect(worker_, &DesignInsightWorker::previewsReady, this, &CanvasInsight::showPreviews);
    connect(worker_, &DesignInsightWorker::preflightReady, this, &CanvasInsight::showFindings);
    connect(worker_, &DesignInsightWorker::timingReady, this, &CanvasInsight::showTiming);
    connect(worker_, &DesignInsightWorker::failed, this, &CanvasInsight::onFailed);
}

bool CanvasInsight::anyPreviewShown() const {
    if (previewsOn_) return true;
    for (bool shown : shownFor_)
        if (shown) return true;
    return false;
}

bool CanvasInsight::isBusy() const { return debounce_->isActive() || worker_->isBusy(); }

void CanvasInsight::setPreviewsOn(bool on) {
    previewsOn_ = on;
    shownFor_.clear();
    // Off, the pictures would go stale with the next edit: a card turned on later asks anew.
    if (anyPreviewShown()) requestPreviews();
    else previews_.clear();
    applyToCards();
}

void CanvasInsight::setNodePreviewShown(const QString& id, bool shown) {
    shownFor_[id] = shown;
    if (shown && !previews_.contains(id)) requestPreviews();
    if (NodeItem* card = scene_->nodeItem(id)) applyTo(card, /*previews=*/true);
}

void CanvasInsight::setSampleImage(const QString& path) {
    sampleImage_ = path;
    if (anyPreviewShown()) requestPreviews();
}

void CanvasInsight::setDataFolder(const QString& dir) {
    dataFolder_ = dir;
    if (anyPreviewShown() && sampleImage_.isEmpty()) requestPreviews();
}

void CanvasInsight::setRunPath(const QString& path) {
    runPath_ = path;
    runDesign_ = path.isEmpty() ? std::string() : designToString(document_->design());
    if (anyPreviewShown()) requestPreviews();
}

void CanvasInsight::forgetReplacedRun() {
    // Edits keep the run's weights (those that still fit). A design replaced (opened, new,
    // restored) starts a new undo history: unless it is the run's own, the run no longer applies.
    // A design is compared only then, not after every edit.
    if (runPath_.isEmpty() || document_->undoStack()->count() > 0) return;
    if (designToString(document_->design()) != runDesign_) setRunPath(QString());
}

void CanvasInsight::onDocumentChanged() {
    forgetReplacedRun();
    clearFindingsAndTimes();
    // The pictures stay until the new ones come; only cards made by this edit get theirs.
    for (NodeItem* card : scene_->nodeItems()) applyTo(card, /*previews=*/!childOf<NodePreviewItem>(card));
    if (anyPreviewShown()) debounce_->start();
}

void CanvasInsight::requestPreviews() {
    debounce_->stop();
    PreviewInputs inputs;
    inputs.runPath = runPath_.toStdString();
    inputs.imagePath = sampleImage_.toStdString();
    inputs.dataDir = dataFolder_.toStdString();
    inputs.classes = document_->classes();
    worker_->requestPreviews(document_->design(), inputs);
}

void CanvasInsight::showPreviews(const NodePreviews& previews) {
    previews_.clear();
    for (const NodePreview& n : previews.nodes)
        previews_.insert(QString::fromStdString(n.id), {toQImage(n.picture), previewCaption(n, previews.runWeights)});
    applyToCards();
    emit previewsUpdated();
    // With the previews on, every edit also gets its pre-flight.
    if (previewsOn_) worker_->requestPreflight(document_->design(), preflightInputs());
}

PreflightInputs CanvasInsight::preflightInputs() const {
    // A seeded random batch, not the training folder: decoding a whole folder after each edit
    // would take seconds (`strata check --preflight --data DIR` uses the folder).
    PreflightInputs inputs;
    inputs.classes = document_->classes();
    return inputs;
}

void CanvasInsight::runPreflight() { worker_->requestPreflight(document_->design(), preflightInputs()); }

void CanvasInsight::showFindings(const PreflightReport& report) {
    findings_.clear();
    for (const PreflightFinding& f : report.findings) {
        QString& text = findings_[QString::fromStdString(f.node)];
        text += (text.isEmpty() ? "" : "\n") + QString::fromStdString(f.text);
    }
    applyToCards();
    emit preflightUpdated(int(report.findings.size()));
    emit message(report.findings.empty() ? tr("Pre-flight: no findings (%1 images, %2 s)")
                                               .arg(report.images)
                                               .arg(report.seconds, 0, 'f', 2)
                                         : tr("Pre-flight: %1 (badges on the cards)")
                                               .arg(report.findings.size() == 1
                                                        ? tr("1 finding")
                                                        : tr("%1 findings").arg(report.findings.size())));
}

void CanvasInsight::measureSpeed(int batch, int threads, bool bf16) {
    NodeTimingOptions options;
    options.batch = batch;
    options.threads = threads;
    options.bf16 = bf16;
    options.classes = document_->classes();
    emit message(tr("Measuring the speed of each node on a batch of %1…").arg(batch));
    worker_->requestTiming(document_->design(), options);
}

void CanvasInsight::showTiming(const NodeTimingReport& report) {
    timing_ = report;
    timeTexts_.clear();
    QHash<QString, double> ms;
    for (const NodeTime& n : report.nodes) {
        const QString id = QString::fromStdString(n.id);
        ms.insert(id, n.forwardMs + n.backwardMs);
        timeTexts_.insert(id, tr("%1 + %2 ms").arg(n.forwardMs, 0, 'f', 2).arg(n.backwardMs, 0, 'f', 2));
    }
    scene_->setMeasuredTimes(ms);
    applyToCards();
    emit message(tr("Measured: a training step of %1 images takes %2 ms (the nodes' own passes %3 ms)")
                     .arg(report.batch)
                     .arg(report.stepMs, 0, 'f', 1)
                     .arg(report.nodesMs, 0, 'f', 1));
    emit timingUpdated(report);
}

void CanvasInsight::onFailed(const QString& kind, const QString& error) {
    if (kind == QLatin1String("preview")) {
        previews_.clear();
        applyToCards();
        // The pre-flight needs no sample image: the edit still gets its badges.
        if (previewsOn_) worker_->requestPreflight(document_->design(), preflightInputs());
    }
    emit message(tr("%1 failed: %2").arg(kind, error));
}

void CanvasInsight::clearFindingsAndTimes() {
    findings_.clear();
    if (timeTexts_.isEmpty()) return;
    timing_ = NodeTimingReport();
    timeTexts_.clear();
    scene_->setMeasuredTimes({});
}

void CanvasInsight::applyToCards() {
    for (NodeItem* card : scene_->nodeItems()) applyTo(card, /*previews=*/true);
}

void CanvasInsight::applyTo(NodeItem* card, bool previews) {
    const QString id = card->id();
    NodeBadgeItem* badge = childOf<NodeBadgeItem>(card);
    const QString finding = findings_.value(id);
    if (finding.isEmpty()) delete badge;
    else if (badge) badge->setText(finding);
    else new NodeBadgeItem(card, finding);

    NodePreviewItem* item = childOf<NodePreviewItem>(card);
    const bool shown = nodePreviewShown(id) && previews_.contains(id);
    const QString time = timeTexts_.value(id);
    if (!item && !shown && time.isEmpty()) return;
    if (!item) item = new NodePreviewItem(card);
    if (previews) {
        const Preview preview = shown ? previews_.value(id) : Preview();
        item->setPreview(preview.image, preview.caption);
    }
    if (item->timeText() != time)
        item->setTimeText(time, tr("Measured on this CPU: forward + backward ms per batch of %1").arg(timing_.batch));
}

NodePreviewItem* CanvasInsight::previewItem(const QString& id) const {
    NodeItem* card = scene_->nodeItem(id);
    return card ? childOf<NodePreviewItem>(card) : nullptr;
}

QString CanvasInsight::badgeText(const QString& id) const {
    NodeItem* card = scene_->nodeItem(id);
    NodeBadgeItem* badge = card ? childOf<NodeBadgeItem>(card) : nullptr;
    return badge ? badge->text() : QString();
}

}  // namespace strata
