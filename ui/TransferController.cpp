#include "TransferController.h"

#include <QAction>
#include <QFileInfo>
#include <QMenu>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "canvas/DesignScene.h"
#include "canvas/DesignView.h"
#include "data/DatasetPanel.h"
#include "jobs/BackgroundJob.h"
#include "model/DesignDocument.h"
#include "panels/PropertyPanel.h"
#include "runs/RunsPanel.h"
#include "train/Transfer.h"
#include "training/FreezeMessage.h"
#include "training/TransferSettingsBox.h"

namespace strata {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

using SourceRead = TransferController::SourceRead;

SourceRead readRun(const QString& path) {
    try {
        return {std::make_shared<const ValidRun>(readValidRun(path.toStdString())), QString()};
    } catch (const std::exception& e) {
        return {nullptr, q(e.what())};
    }
}

NodeTraining::Init initOf(NodeInit::Kind kind) {
    switch (kind) {
    case NodeInit::Kind::Copied: return NodeTraining::Init::Copied;
    case NodeInit::Kind::New: return NodeTraining::Init::New;
    case NodeInit::Kind::Skipped: return NodeTraining::Init::Skipped;
    }
    return NodeTraining::Init::None;
}

QString planReport(const InitPlan& plan) {
    return TransferController::tr("%1 copied \u00b7 %2 new \u00b7 %3 skipped (see the badges on the cards)")
        .arg(plan.count(NodeInit::Kind::Copied))
        .arg(plan.count(NodeInit::Kind::New))
        .arg(plan.count(NodeInit::Kind::Skipped));
}

}  // namespace

TransferController::TransferController(DesignDocument* document, TransferSettingsBox* box, DatasetPanel* dataset,
                                       DesignView* view, PropertyPanel* properties, QObject* parent)
    : QObject(parent),
      document_(document),
      box_(box),
      dataset_(dataset),
      view_(view),
      properties_(properties),
      reader_(new BackgroundJob(this)) {
    connect(box_, &TransferSettingsBox::sourceChanged, this, &TransferController::readSource);
    connect(box_, &TransferSettingsBox::freezeChanged, this, &TransferController::refresh);
    connect(document_, &DesignDocument::changed, this, &TransferController::refresh);
    connect(document_, &DesignDocument::pathChanged, this,
            [this](const QString& path) { box_->setBrowseFolder(RunsPanel::defaultRunsFolder(path)); });
    connect(dataset_, &DatasetPanel::scanned, this, &TransferController::refresh);
    connect(view_->designScene(), &DesignScene::freezeToggleRequested, this, &TransferController::setFrozen);
    connect(properties_, &PropertyPanel::freezeRequested, this, &TransferController::setFrozen);
    connect(view_, &DesignView::nodeMenuRequested, this, &TransferController::fillNodeMenu);
    box_->setBrowseFolder(RunsPanel::defaultRunsFolder(document_->path()));
    readSource(box_->source());  // what the settings of the open design already name
}

TransferController::~TransferController() = default;

bool TransferController::isReading() const { return reader_->isRunning(); }

// Reading a run verifies its digests: milliseconds for a small one, which is read at once (the
// badges are there with the choice, also for a screenshot); a big one goes to a thread so
// that the window never stalls.
void TransferController::readSource(const QString& path) {
    sourcePath_ = path;
    source_.reset();
    sourceError_.clear();
    reader_->cancel();
    if (path.isEmpty()) {
        refresh();
        return;
    }
    if (QFileInfo(path).size() <= inlineReadLimit_) {
        showSource(readRun(path));
        return;
    }
    box_->setReport(tr("Reading %1\u2026").arg(QFileInfo(path).fileName()), path, false);
    refresh();
    reader_->start([path](const StopToken&) { return readRun(path); },
                   [this](SourceRead read) { showSource(std::move(read)); });
}

void TransferController::showSource(SourceRead read) {
    source_ = std::move(read.run);
    sourceError_ = read.error;
    refresh();
    emit sourceRead();
}

std::vector<std::string> TransferController::classes() const {
    std::vector<std::string> out;
    for (const QString& c : dataset_->classNames()) out.push_back(c.toStdString());
    return out;
}

void TransferController::refresh() {
    const DesignAnalysis& analysis = document_->analysis();
    QHash<QString, NodeTraining> marks;
    const QStringList frozen = frozenIds();
    for (const NodeAnalysis& node : analysis.nodes) {
        NodeTraining& m = marks[q(node.id)];
        m.freezable = node.parameters > 0;
        m.frozen = frozen.contains(q(node.id));
    }
    if (source_) {
        try {
            const InitPlan plan = planInit(analysis, *source_, sourcePath_.toStdString(), classes());
            for (const NodeInit& n : plan.nodes) {
                NodeTraining& m = marks[q(n.id)];
                m.init = initOf(n.kind);
                m.initReason = q(n.reason);
            }
            box_->setReport(planReport(plan), q(plan.summary()), false);
        } catch (const std::exception& e) {  // nothing matches, or the design cannot be laid out
            box_->setReport(q(e.what()), q(e.what()), true);
        }
    } else if (!sourceError_.isEmpty()) {
        box_->setReport(sourceError_, sourceError_, true);
    }
    view_->designScene()->setNodeTraining(marks);
    properties_->setFrozenNodes(QSet<QString>(frozen.begin(), frozen.end()));

    QString problem;
    try {
        std::vector<std::string> ids;
        for (const QString& id : box_->frozen()) ids.push_back(id.toStdString());
        resolveFrozen(analysis, ids, box_->frozenThrough().toStdString());
    } catch (const std::invalid_argument& e) {
        problem = freezeMessage(q(e.what()));
    }
    box_->setFreezeProblem(problem);
}

bool TransferController::hasParameters(const QString& id) const {
    const NodeAnalysis* node = document_->analysis().find(id.toStdString());
    return node && node->parameters > 0;
}

QStringList TransferController::parameterNodesUpTo(const QString& id) const {
    QStringList out;
    for (const NodeAnalysis& node : document_->analysis().nodes) {
        if (node.parameters > 0) out << q(node.id);
        if (q(node.id) == id) return out;
    }
    return {};  // not in the design
}

QStringList TransferController::frozenIds() const {
    const QStringList listed = box_->frozen();
    const QString upTo = box_->frozenThrough();
    const QStringList through = upTo.isEmpty() ? QStringList() : parameterNodesUpTo(upTo);
    QStringList out;
    for (const NodeAnalysis& node : document_->analysis().nodes) {
        const QString id = q(node.id);
        if (node.parameters > 0 && (listed.contains(id) || through.contains(id))) out << id;
    }
    return out;
}

void TransferController::setFrozen(const QString& id, bool frozen) {
    if (document_->isLocked() || (frozen && !hasParameters(id))) return;
    QStringList ids = frozenIds();
    if (frozen == ids.contains(id)) return;
    if (frozen) ids << id;
    else ids.removeAll(id);
    // In execution order, as resolveFrozen reports them.
    QStringList ordered;
    for (const NodeAnalysis& node : document_->analysis().nodes)
        if (ids.contains(q(node.id))) ordered << q(node.id);
    box_->setFrozen(ordered);
}

void TransferController::freezeUpTo(const QString& id) {
    if (document_->isLocked()) return;
    QStringList ids = frozenIds();
    for (const QString& n : parameterNodesUpTo(id))
        if (!ids.contains(n)) ids << n;
    QStringList ordered;
    for (const NodeAnalysis& node : document_->analysis().nodes)
        if (ids.contains(q(node.id))) ordered << q(node.id);
    box_->setFrozen(ordered);
}

QString TransferController::headLinear() const {
    const auto& nodes = document_->analysis().nodes;
    const auto head =
        std::find_if(nodes.rbegin(), nodes.rend(), [](const NodeAnalysis& n) { return n.parameters > 0; });
    return head != nodes.rend() && head->type == "Linear" ? q(head->id) : QString();
}

bool TransferController::replaceHead(const QString& id) {
    if (id.isEmpty() || id != headLinear()) return false;
    const Node* node = document_->design().findNode(id.toStdString());
    const auto it = node->params.find("out_features");
    if (it != node->params.end() && *it == "classes") return false;
    return document_->setParam(id, QStringLiteral("out_features"), "classes");
}

// --- The canvas context menu ---------------------------------------------------------------

void TransferController::fillNodeMenu(const QString& id, QMenu* menu) {
    if (document_->isLocked()) return;
    menu->setToolTipsVisible(true);
    addFreezeActions(id, menu);
    if (id != headLinear()) return;
    menu->addSeparator();
    QAction* head = menu->addAction(tr("Replace head for this dataset"));
    head->setObjectName("replaceHead");
    const Node* node = document_->design().findNode(id.toStdString());
    const auto it = node->params.find("out_features");
    const bool follows = it != node->params.end() && *it == "classes";
    head->setEnabled(!follows);
    head->setToolTip(follows ? tr("Its outputs already follow the dataset's classes")
                             : tr("One output per class of the dataset (out_features = classes): a head for "
                                  "new classes, trained afresh"));
    connect(head, &QAction::triggered, this, [this, id] { replaceHead(id); });
}

void TransferController::addFreezeActions(const QString& id, QMenu* menu) {
    const bool freezable = hasParameters(id);
    QAction* freeze = menu->addAction(QStringLiteral("\u2744 ") + tr("Freeze"));
    freeze->setObjectName("freezeNode");
    freeze->setCheckable(true);
    freeze->setChecked(frozenIds().contains(id));
    freeze->setEnabled(freezable);
    freeze->setToolTip(freezable ? tr("Keep this layer's weights while training")
                                 : tr("Only layers with parameters can be frozen"));
    connect(freeze, &QAction::toggled, this, [this, id](bool on) { setFrozen(id, on); });

    QAction* upTo = menu->addAction(tr("Freeze up to here"));
    upTo->setObjectName("freezeUpTo");
    const QStringList covered = parameterNodesUpTo(id);
    int withParameters = 0;
    for (const NodeAnalysis& node : document_->analysis().nodes) withParameters += node.parameters > 0;
    const bool leavesSome = covered.size() < withParameters;
    upTo->setEnabled(!covered.isEmpty() && leavesSome);
    upTo->setToolTip(covered.isEmpty()  ? tr("No layer with parameters up to here")
                     : !leavesSome      ? tr("That would freeze every layer: nothing would be left to train")
                                        : tr("Freeze %1").arg(covered.join(QStringLiteral(", "))));
    connect(upTo, &QAction::triggered, this, [this, id] { freezeUpTo(id); });
}

}  // namespace strata
