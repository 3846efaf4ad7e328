#include "model/DesignDocument.h"

#include <QRectF>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "design/DesignLayout.h"
#include "design/DesignGroups.h"
#include "model/DesignSnapshotCommand.h"

namespace strata {

namespace {

// The canvas in the default 1600x1000 window with its docks, and the zoom that keeps the cards'
// text readable there (DesignView::readableZoom): what a design without positions is laid out for.
constexpr double kDefaultCanvasWidth = 1078, kDefaultCanvasHeight = 523;
constexpr double kDefaultMinZoom = 0.82;

// "Conv2d" -> "conv", "BatchNorm2d" -> "bn", "MaxPool2d" -> "pool": short, readable ids.
QString idPrefix(const QString& type) {
    static const std::map<QString, QString> known = {
        {"Input", "in"},           {"Output", "out"},       {"Conv2d", "conv"},   {"Linear", "fc"},
        {"BatchNorm2d", "bn"},     {"BatchNorm1d", "bn"},   {"LayerNorm", "ln"},  {"MaxPool2d", "pool"},
        {"AvgPool2d", "avgpool"},  {"AdaptiveAvgPool2d", "gap"}, {"Flatten", "flat"}, {"Dropout", "drop"},
        {"Dropout2d", "drop"},     {"LeakyReLU", "lrelu"},  {"Concat", "cat"}};
    auto it = known.find(type);
    return it != known.end() ? it->second : type.toLower();
}

QString qs(const std::string& s) { return QString::fromStdString(s); }

// A card spliced in at `pos` that would cover others takes the place of the wire's target
// instead, and the target moves down one layer with what follows it in its column (the nodes
// downstream of it, below it and at most a card's pitch aside). Returns where the new card goes.
template <typename PositionOf>
QPointF makeRoomFor(Design& after, const std::string& spliced, const std::string& target, QPointF pos,
                    PositionOf positionOf) {
    const LayoutOptions card;  // the canvas' card size and gaps
    const QSizeF size(card.cardWidth, card.cardHeight);
    const QRectF placed(pos, size);
    const bool covers = std::any_of(after.nodes.begin(), after.nodes.end(), [&](const Node& n) {
        return n.id != spliced && placed.intersects(QRectF(positionOf(n.id), size));
    });
    if (!covers || !after.findNode(target)) return pos;
    const QPointF slot = positionOf(target);
    const double pitch = card.cardHeight + card.layerGap, aside = card.cardWidth + card.siblingGap;
    std::set<std::string> moved = nodesDownstreamOf(after, target);
    moved.insert(target);
    for (const std::string& id : moved) {
        const QPointF at = positionOf(id);
        Node* node = after.findNode(id);
        if (!node || at.y() < slot.y() || std::abs(at.x() - slot.x()) > aside) continue;
        node->hasPos = true;
        node->x = at.x();
        node->y = at.y() + pitch;
    }
    return slot;
}

bool isMultiInput(const std::string& type) {
    const LayerSpec* spec = LayerRegistry::instance().find(type);
    return spec && spec->maxInputs < 0;
}

}  // namespace

DesignDocument::DesignDocument(QObject* parent) : QObject(parent) {
    analyze();
}

void DesignDocument::setClasses(int classes) {
    if (classes == classes_ || classes < 1) return;
    classes_ = classes;
    analyze();
    emit changed();
}

bool DesignDocument::load(const QString& path, QString* error) {
    if (locked_) {
        if (error) *error = lockReason();
        return false;
    }
    try {
        return reset(loadDesign(path.toStdString()), path);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

bool DesignDocument::reset(const Design& design, const QString& path) {
    if (locked_) return false;
    undo_.clear();
    apply(design);
    undo_.setClean();
    if (path_ != path) {
        path_ = path;
        emit pathChanged(path_);
    }
    return true;
}

bool DesignDocument::save(const QString& path, QString* error) {
    if (locked_ && path != path_) {
        if (error) *error = lockReason();
        return false;
    }
    try {
        saveDesign(design_, path.toStdString());
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    undo_.setClean();
    if (path_ != path) {
        path_ = path;
        emit pathChanged(path_);
    }
    return true;
}

void DesignDocument::apply(const Design& design) {
    design_ = design;
    analyze();
    emit changed();
}

void DesignDocument::analyze() {
    analysis_ = analyzeDesign(design_, classes_);
    cost_ = designCost(analysis_);
    const bool unplaced = std::any_of(design_.nodes.begin(), design_.nodes.end(), [](const Node& n) { return !n.hasPos; });
    if (!unplaced) {
        laidOut_.clear();
        laidOutGraph_.clear();
        return;
    }
    std::string graph;
    for (const Node& n : design_.nodes) graph += n.id + (n.hasPos ? "+" : "-") + '\n';
    for (const Edge& e : design_.edges) graph += e.from + '>' + e.to + ':' + std::to_string(e.port) + '\n';
    if (graph == laidOutGraph_) return;
    laidOutGraph_ = std::move(graph);
    LayoutOptions options;
    options.direction = layoutDirectionFor(kDefaultCanvasWidth, kDefaultCanvasHeight);
    options.viewWidth = kDefaultCanvasWidth;
    options.viewHeight = kDefaultCanvasHeight;
    options.minScale = kDefaultMinZoom;
    laidOut_ = layoutDesign(design_, options);
}

bool DesignDocument::commit(const Design& after, const QString& text, int mergeId) {
    if (locked_) return false;
    undo_.push(new DesignSnapshotCommand(this, design_, after, text, mergeId));
    return true;
}

bool DesignDocument::undo() {
    if (locked_ || !undo_.canUndo()) return false;
    undo_.undo();
    return true;
}

bool DesignDocument::redo() {
    if (locked_ || !undo_.canRedo()) return false;
    undo_.redo();
    return true;
}

void DesignDocument::setLocked(bool locked) {
    if (locked_ == locked) return;
    locked_ = locked;
    emit lockChanged(locked);
}

QString DesignDocument::lockReason() const {
    return locked_ ? tr("The design cannot change while it trains; stop the training or wait for its end.") : QString();
}

QString DesignDocument::uniqueId(const QString& type) const {
    const QString prefix = idPrefix(type);
    for (int n = 1;; ++n) {
        const QString id = prefix + QString::number(n);
        if (!design_.findNode(id.toStdString())) return id;
    }
}

QPointF DesignDocument::position(const QString& nodeId) const {
    const Node* node = design_.findNode(nodeId.toStdString());
    if (!node) return {};
    if (node->hasPos) return {node->x, node->y};
    const auto it = laidOut_.find(node->id);
    return it == laidOut_.end() ? QPointF() : QPointF(it->second.x, it->second.y);
}

QString DesignDocument::addNode(const QString& type, QPointF pos) {
    if (!LayerRegistry::instance().find(type.toStdString())) return {};
    Design after = design_;
    Node node;
    node.id = uniqueId(type).toStdString();
    node.type = type.toStdString();
    node.hasPos = true;
    node.x = pos.x();
    node.y = pos.y();
    after.nodes.push_back(node);
    if (!commit(after, tr("Add %1").arg(type))) return {};
    return qs(node.id);
}

bool DesignDocument::moveNodes(const QMap<QString, QPointF>& positions) {
    Design after = design_;
    bool moved = false;
    for (auto it = positions.begin(); it != positions.end(); ++it) {
        Node* node = after.findNode(it.key().toStdString());
        if (!node) return false;
        if (node->hasPos && node->x == it.value().x() && node->y == it.value().y()) continue;
        node->hasPos = true;
        node->x = it.value().x();
        node->y = it.value().y();
        moved = true;
    }
    if (!moved) return false;
    // Same merge id for consecutive moves of the same set of nodes: one drag, one undo step.
    const int mergeId = int(qHash(QStringList(positions.keys()).join('\n')) & 0x3fffffff) | 0x40000000;
    return commit(after, tr("Move"), mergeId);
}

bool DesignDocument::connectNodes(const QString& from, const QString& to, int port) {
    const Node* source = design_.findNode(from.toStdString());
    const Node* target = design_.findNode(to.toStdString());
    if (!source || !target || source == target) return false;
    if (target->type == "Input" || source->type == "Output") return false;
    Design after = design_;
    const bool multi = isMultiInput(target->type);
    std::vector<int> used;
    for (const Edge& e : after.edges) {
        if (e.to != target->id) continue;
        if (e.from == source->id && (port < 0 || e.port == port)) return false;  // already connected
        used.push_back(e.port);
    }
    if (!multi) {
        if (port > 0) return false;
        port = 0;
        // A single-input port takes the new edge in place of the old one.
        after.edges.erase(std::remove_if(after.edges.begin(), after.edges.end(),
                                         [&](const Edge& e) { return e.to == target->id; }),
                          after.edges.end());
    } else if (port < 0) {
        port = 0;
        while (std::find(used.begin(), used.end(), port) != used.end()) ++port;
    } else if (std::find(used.begin(), used.end(), port) != used.end()) {
        after.edges.erase(std::remove_if(after.edges.begin(), after.edges.end(),
                                         [&](const Edge& e) { return e.to == target->id && e.port == port; }),
                          after.edges.end());
    }
    after.edges.push_back({source->id, target->id, port});
    return commit(after, tr("Connect %1 → %2").arg(from, to));
}

bool DesignDocument::disconnect(const Edge& edge) { return remove({}, {edge}); }

bool DesignDocument::remove(const QStringList& nodeIds, const QList<Edge>& edges) {
    Design after = design_;
    std::set<std::string> ids;
    for (const QString& id : nodeIds) ids.insert(id.toStdString());
    const size_t nodesBefore = after.nodes.size(), edgesBefore = after.edges.size();
    after.nodes.erase(std::remove_if(after.nodes.begin(), after.nodes.end(), [&](const Node& n) { return ids.count(n.id); }),
                      after.nodes.end());
    after.edges.erase(std::remove_if(after.edges.begin(), after.edges.end(),
                                     [&](const Edge& e) {
                                         return ids.count(e.from) || ids.count(e.to) ||
                                                std::find(edges.begin(), edges.end(), e) != edges.end();
                                     }),
                      after.edges.end());
    // Multi-input nodes keep their ports contiguous (0, 1, ...) after an input goes away.
    std::map<std::string, std::vector<Edge*>> inputs;
    for (Edge& e : after.edges) inputs[e.to].push_back(&e);
    for (auto& [to, list] : inputs) {
        if (!isMultiInput(after.findNode(to) ? after.findNode(to)->type : "")) continue;
        std::sort(list.begin(), list.end(), [](const Edge* a, const Edge* b) { return a->port < b->port; });
        for (size_t i = 0; i < list.size(); ++i) list[i]->port = int(i);
    }
    if (after.nodes.size() == nodesBefore && after.edges.size() == edgesBefore) return false;
    dropNodesFromGroups(after, ids);  // blocks keep only live nodes
    return commit(after, nodeIds.isEmpty() ? tr("Delete connection") : tr("Delete %n node(s)", nullptr, int(nodeIds.size())));
}

bool DesignDocument::setParam(const QString& nodeId, const QString& param, const nlohmann::json& value) {
    Design after = design_;
    Node* node = after.findNode(nodeId.toStdString());
    if (!node) return false;
    const std::string key = param.toStdString();
    if (value.is_null()) {
        if (!node->params.contains(key)) return false;
        node->params.erase(key);
    } else {
        if (node->params.contains(key) && node->params.at(key) == value) return false;
        node->params[key] = value;
    }
    return commit(after, tr("Set %1.%2").arg(nodeId, param));
}

bool DesignDocument::renameNode(const QString& oldId, const QString& newId) {
    static const QRegularExpression valid("^[A-Za-z_][A-Za-z0-9_-]*$");
    if (oldId == newId || !valid.match(newId).hasMatch() || design_.findNode(newId.toStdString())) return false;
    Design after = design_;
    Node* node = after.findNode(oldId.toStdString());
    if (!node) return false;
    const std::string from = oldId.toStdString(), to = newId.toStdString();
    node->id = to;
    for (Edge& e : after.edges) {
        if (e.from == from) e.from = to;
        if (e.to == from) e.to = to;
    }
    renameNodeInGroups(after, from, to);
    return commit(after, tr("Rename %1 to %2").arg(oldId, newId));
}

QString DesignDocument::spliceNode(const QString& type, const Edge& edge, QPointF pos) {
    if (!LayerRegistry::instance().find(type.toStdString())) return {};
    Design after = design_;
    auto it = std::find(after.edges.begin(), after.edges.end(), edge);
    if (it == after.edges.end() || type == "Input" || type == "Output") return {};
    Node node;
    node.id = uniqueId(type).toStdString();
    node.type = type.toStdString();
    node.hasPos = true;
    node.x = pos.x();
    node.y = pos.y();
    const Edge first{edge.from, node.id, 0}, second{node.id, edge.to, edge.port};
    *it = first;
    after.edges.push_back(second);
    // Insert the node after its source in file order, so a chain reads top to bottom.
    auto src = std::find_if(after.nodes.begin(), after.nodes.end(), [&](const Node& n) { return n.id == edge.from; });
    after.nodes.insert(src == after.nodes.end() ? after.nodes.end() : src + 1, node);
    const QPointF placed =
        makeRoomFor(after, node.id, edge.to, pos, [this](const std::string& id) { return position(qs(id)); });
    Node* inserted = after.findNode(node.id);
    inserted->x = placed.x();
    inserted->y = placed.y();
    if (!commit(after, tr("Insert %1").arg(type))) return {};
    return qs(node.id);
}

QString DesignDocument::copy(const QStringList& nodeIds) const {
    Design part;
    part.name = design_.name;
    std::set<std::string> ids;
    for (const QString& id : nodeIds) ids.insert(id.toStdString());
    for (const Node& n : design_.nodes)
        if (ids.count(n.id)) {
            Node copy = n;
            const QPointF p = position(qs(n.id));
            copy.hasPos = true;
            copy.x = p.x();
            copy.y = p.y();
            part.nodes.push_back(copy);
        }
    for (const Edge& e : design_.edges)
        if (ids.count(e.from) && ids.count(e.to)) part.edges.push_back(e);
    return qs(designToString(part));
}

QStringList DesignDocument::paste(const QString& json, QPointF offset) {
    Design part;
    try {
        part = parseDesign(json.toStdString(), "<clipboard>");
    } catch (const std::exception&) {
        return {};
    }
    Design after = design_;
    std::map<std::string, std::string> renamed;
    QStringList added;
    for (Node n : part.nodes) {
        if (!LayerRegistry::instance().find(n.type)) continue;
        // Ids must be unique in the combined design, including the nodes pasted so far.
        std::string id = n.id;
        auto taken = [&](const std::string& candidate) { return after.findNode(candidate) != nullptr; };
        if (taken(id)) {
            const QString prefix = idPrefix(qs(n.type));
            for (int k = 1; taken(id); ++k) id = (prefix + QString::number(k)).toStdString();
        }
        renamed[n.id] = id;
        n.id = id;
        n.hasPos = true;
        n.x += offset.x();
        n.y += offset.y();
        after.nodes.push_back(n);
        added << qs(id);
    }
    for (const Edge& e : part.edges)
        if (renamed.count(e.from) && renamed.count(e.to)) after.edges.push_back({renamed[e.from], renamed[e.to], e.port});
    if (added.isEmpty()) return {};
    if (!commit(after, tr("Paste"))) return {};
    return added;
}

void DesignDocument::autoLayout(QSizeF viewSize, double minZoom) {
    LayoutOptions options;
    options.minScale = minZoom;
    if (!viewSize.isEmpty()) {
        options.direction = layoutDirectionFor(viewSize.width(), viewSize.height());
        options.viewWidth = viewSize.width();
        options.viewHeight = viewSize.height();
    }
    Design after = design_;
    const std::map<std::string, LayoutPoint> placed = layoutDesign(after, options);
    for (Node& node : after.nodes) {
        auto it = placed.find(node.id);
        if (it == placed.end()) continue;
        node.hasPos = true;
        node.x = it->second.x;
        node.y = it->second.y;
    }
    commit(after, tr("Auto layout"));  // refused while locked
}

}  // namespace strata
