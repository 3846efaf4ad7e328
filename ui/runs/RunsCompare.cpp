#include "runs/RunsCompare.h"

#include <QBrush>
#include <QFileInfo>
#include <QFont>
#include <QPalette>
#include <QPixmap>
#include <QRegularExpression>

#include <algorithm>
#include <exception>
#include <functional>
#include <iterator>

#include "design/LayerRegistry.h"
#include "runs/RunColors.h"
#include "runs/RunReader.h"
#include "runs/RunSummary.h"
#include "train/TrainConfig.h"

namespace strata {

namespace {

using json = nlohmann::json;

// A node that is not in a run's design; a run that cannot be read shows "" instead.
const QString kAbsent = QStringLiteral("\u2014");
const QString kErrorColorName = QStringLiteral("#b00020");

// Display order of the settings: the data, the optimization, the machine, transfer, then what
// the trainer recorded. TrainConfig keys missing here are appended (settingKeys), so a new
// setting is never left out of the table.
const char* const kSettingOrder[] = {
    "data", "val", "val_split", "test", "data_fraction",
    "epochs", "batch_size", "optimizer", "lr", "momentum", "weight_decay", "schedule", "augment", "seed",
    "threads", "precision", "precision_used", "world_size", "features", "probe_image",
    "init_from", "restat", "freeze", "freeze_through", "frozen",
    "parameters", "classes"};

QString qs(const std::string& s) { return QString::fromStdString(s); }

std::vector<std::string> settingKeys() {
    std::vector<std::string> keys(std::begin(kSettingOrder), std::end(kSettingOrder));
    const json settings = TrainConfig().toJson();  // kept alive: items() only refers to it
    for (const auto& item : settings.items())
        if (std::find(keys.begin(), keys.end(), item.key()) == keys.end()) keys.push_back(item.key());
    return keys;
}

// A /config or design value as one line: strings as they are, numbers in their shortest form
// (0.001, not 0.0010000000000000000208), lists joined by ", ".
QString valueText(const json& v) {
    if (v.is_null()) return {};
    if (v.is_string()) return qs(v.get<std::string>());
    if (v.is_boolean()) return v.get<bool>() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.is_number_unsigned()) return QString::number(v.get<quint64>());
    if (v.is_number_integer()) return QString::number(v.get<qint64>());
    if (v.is_number_float()) return QString::number(v.get<double>(), 'g', 12);
    if (v.is_array()) {
        QStringList parts;
        for (const json& e : v) parts << valueText(e);
        return parts.join(", ");
    }
    return qs(v.dump());
}

QString settingText(const ComparedRun& run, const std::string& key) {
    if (!run.readable()) return {};
    if (key == "classes") return QString::number(run.classCount);  // the count; the names are data
    const auto it = run.config.find(key);
    return it == run.config.end() ? QString() : valueText(*it);
}

// Whether the values at the positions `counted` marks are not all equal.
bool valuesDiffer(const QStringList& values, const std::vector<bool>& counted) {
    const QString* first = nullptr;
    for (int i = 0; i < values.size(); ++i) {
        if (!counted[size_t(i)]) continue;
        if (!first) first = &values[i];
        else if (values[i] != *first) return true;
    }
    return false;
}

std::vector<bool> readableRuns(const std::vector<ComparedRun>& runs) {
    std::vector<bool> readable;
    for (const ComparedRun& run : runs) readable.push_back(run.readable());
    return readable;
}

CompareRow valueRow(const QString& section, const QString& key, const QStringList& values,
                    const std::vector<bool>& counted) {
    return {CompareRow::Kind::Value, section, key, values, valuesDiffer(values, counted)};
}

CompareRow sectionRow(const QString& section, const QString& title, int runCount) {
    QStringList empty;
    for (int i = 0; i < runCount; ++i) empty << QString();
    return {CompareRow::Kind::Section, section, title, empty, false};
}

void addErrorRow(std::vector<CompareRow>& rows, const std::vector<ComparedRun>& runs) {
    QStringList errors;
    for (const ComparedRun& run : runs) errors << run.error;
    if (std::all_of(errors.begin(), errors.end(), [](const QString& e) { return e.isEmpty(); })) return;
    rows.push_back({CompareRow::Kind::Error, "run", "error", errors, false});
}

void addSettingRows(std::vector<CompareRow>& rows, const std::vector<ComparedRun>& runs) {
    rows.push_back(sectionRow("settings", RunsCompareModel::tr("Settings"), int(runs.size())));
    for (const std::string& key : settingKeys()) {
        QStringList values;
        for (const ComparedRun& run : runs) values << settingText(run, key);
        rows.push_back(valueRow("settings", qs(key), values, readableRuns(runs)));
    }
}

// The node ids of all designs, each design's order kept: a node that only a later design has
// goes right after the node that precedes it there (an inserted layer shows where it sits).
std::vector<std::string> nodeOrder(const std::vector<ComparedRun>& runs) {
    std::vector<std::string> order;
    for (const ComparedRun& run : runs) {
        size_t at = 0;
        for (const Node& node : run.design.nodes) {
            auto it = std::find(order.begin(), order.end(), node.id);
            if (it == order.end()) it = order.insert(order.begin() + long(at), node.id);
            at = size_t(it - order.begin()) + 1;
        }
    }
    return order;
}

// The params as the layer gets them: what the design file says, else the layer's default
// (a design that spells out a default is not a different design).
json effectiveParams(const Node& node) {
    json params = node.params.is_object() ? node.params : json::object();
    if (const LayerSpec* spec = LayerRegistry::instance().find(node.type))
        for (const ParamSpec& p : spec->params)
            if (!params.contains(p.name) && !p.required()) params[p.name] = p.defaultValue;
    return params;
}

// Param names of the nodes, in their layers' order, then any the registry does not know.
std::vector<std::string> paramNames(const std::vector<const Node*>& nodes) {
    std::vector<std::string> names;
    auto add = [&names](const std::string& name) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    };
    for (const Node* node : nodes) {
        if (!node) continue;
        if (const LayerSpec* spec = LayerRegistry::instance().find(node->type))
            for (const ParamSpec& p : spec->params) add(p.name);
        const json params = effectiveParams(*node);
        for (const auto& item : params.items()) add(item.key());
    }
    return names;
}

// The nodes feeding `id`, by input port: "pool1", or "a, b" for Add and Concat.
QString inputsText(const Design& design, const std::string& id) {
    std::vector<Edge> in;
    for (const Edge& e : design.edges)
        if (e.to == id) in.push_back(e);
    std::stable_sort(in.begin(), in.end(), [](const Edge& a, const Edge& b) { return a.port < b.port; });
    QStringList from;
    for (const Edge& e : in) from << qs(e.from);
    return from.join(", ");
}

// The rows of one node that differ: the node itself (added, removed or of another type),
// its params and its inputs, compared among the runs that have the node.
void addNodeRows(std::vector<CompareRow>& rows, const std::vector<ComparedRun>& runs, const std::string& id) {
    std::vector<const Node*> nodes;
    std::vector<bool> has;
    QStringList types;
    for (const ComparedRun& run : runs) {
        const Node* node = run.readable() ? run.design.findNode(id) : nullptr;
        nodes.push_back(node);
        has.push_back(node != nullptr);
        types << (node ? qs(node->type) : run.readable() ? kAbsent : QString());
    }
    auto addIfDiffers = [&rows](const CompareRow& row) {
        if (row.differs) rows.push_back(row);
    };
    addIfDiffers(valueRow("design", qs(id), types, readableRuns(runs)));
    auto column = [&](const std::function<QString(size_t)>& text) {
        QStringList values;
        for (size_t i = 0; i < runs.size(); ++i) values << (nodes[i] ? text(i) : types[int(i)]);
        return values;
    };
    for (const std::string& name : paramNames(nodes)) {
        const QStringList values = column([&](size_t i) {
            const json params = effectiveParams(*nodes[i]);
            return params.contains(name) ? valueText(params.at(name)) : QString();
        });
        addIfDiffers(valueRow("design", qs(id) + " \u00b7 " + qs(name), values, has));
    }
    const QStringList inputs = column([&](size_t i) { return inputsText(runs[i].design, id); });
    addIfDiffers(valueRow("design", qs(id) + " \u00b7 " + RunsCompareModel::tr("inputs"), inputs, has));
}

void addDesignRows(std::vector<CompareRow>& rows, const std::vector<ComparedRun>& runs) {
    rows.push_back(sectionRow("design", RunsCompareModel::tr("Design"), int(runs.size())));
    QStringList names, counts;
    for (const ComparedRun& run : runs) {
        names << (run.readable() ? qs(run.design.name) : QString());
        counts << (run.readable() ? QString::number(run.design.nodes.size()) : QString());
    }
    rows.push_back(valueRow("design", RunsCompareModel::tr("name"), names, readableRuns(runs)));
    rows.push_back(valueRow("design", RunsCompareModel::tr("nodes"), counts, readableRuns(runs)));
    for (const std::string& id : nodeOrder(runs)) addNodeRows(rows, runs, id);
}

QString csvField(const QString& text) {
    static const QRegularExpression special(QStringLiteral("[,\"\r\n]"));
    if (!text.contains(special)) return text;
    return '"' + QString(text).replace('"', QStringLiteral("\"\"")) + '"';
}

QString csvLine(const QStringList& fields) {
    QStringList quoted;
    for (const QString& f : fields) quoted << csvField(f);
    return quoted.join(',') + '\n';
}

// A square of the run's colour for its column header: the table's key to the curves.
QPixmap colorSwatch(const QColor& color) {
    QPixmap swatch(10, 10);
    swatch.fill(color);
    return swatch;
}

}  // namespace

ComparedRun readComparedRun(const QString& path) {
    ComparedRun run;
    run.path = path;
    run.name = QFileInfo(path).completeBaseName();
    try {
        const ValidRun valid = readValidRun(path.toStdString(), {RunParts::Summary});
        const RunSummary summary = summarizeRun(valid.data, path.toStdString());
        run.config = valid.data.config;
        run.design = valid.design;  // parseDesign'd by the reader
        run.classCount = int(valid.classes.size());
        run.epochs = summary.epochs;
        run.best = summary.best;
    } catch (const std::exception& e) {  // RunFileError names the path; others may not
        const QString what = QString::fromUtf8(e.what());
        run.error = what.contains(path) ? what : path + ": " + what;
    }
    return run;
}

std::vector<CompareRow> compareRows(const std::vector<ComparedRun>& runs) {
    std::vector<CompareRow> rows;
    if (runs.empty()) return rows;
    addErrorRow(rows, runs);
    addSettingRows(rows, runs);
    addDesignRows(rows, runs);
    return rows;
}

std::vector<CompareRow> differingRows(const std::vector<CompareRow>& rows) {
    std::vector<CompareRow> kept;
    const CompareRow* pendingSection = nullptr;  // shown once a row of its section is kept
    for (const CompareRow& row : rows) {
        if (row.kind == CompareRow::Kind::Section) {
            pendingSection = &row;
            continue;
        }
        if (row.kind == CompareRow::Kind::Value && !row.differs) continue;
        if (pendingSection && pendingSection->section == row.section) kept.push_back(*pendingSection);
        pendingSection = nullptr;
        kept.push_back(row);
    }
    return kept;
}

QString compareCsv(const std::vector<ComparedRun>& runs, const std::vector<CompareRow>& rows) {
    QStringList header{"section", "setting"};
    for (const ComparedRun& run : runs) header << run.name;
    header << "differs";
    QString csv = csvLine(header);
    for (const CompareRow& row : rows) {
        if (row.kind == CompareRow::Kind::Section) continue;
        csv += csvLine(QStringList{row.section, row.key} + row.values +
                       QStringList{row.differs ? QStringLiteral("yes") : QStringLiteral("no")});
    }
    return csv;
}

// ---- the model ---------------------------------------------------------------------------

RunsCompareModel::RunsCompareModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunsCompareModel::setRuns(std::vector<ComparedRun> runs) {
    beginResetModel();
    runs_ = std::move(runs);
    all_ = compareRows(runs_);
    updateShown();
    endResetModel();
}

void RunsCompareModel::setDifferencesOnly(bool only) {
    if (only == differencesOnly_) return;
    beginResetModel();
    differencesOnly_ = only;
    updateShown();
    endResetModel();
}

void RunsCompareModel::updateShown() { shown_ = differencesOnly_ ? differingRows(all_) : all_; }

QString RunsCompareModel::csv() const { return compareCsv(runs_, shown_); }

int RunsCompareModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(shown_.size()); }

int RunsCompareModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() || runs_.empty() ? 0 : int(runs_.size()) + 1;
}

bool RunsCompareModel::highlighted(const CompareRow& row, int column) const {
    return row.kind == CompareRow::Kind::Value && row.differs && column > 0 && runs_[size_t(column - 1)].readable();
}

QVariant RunsCompareModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || size_t(index.row()) >= shown_.size()) return {};
    const CompareRow& row = shown_[size_t(index.row())];
    const int column = index.column();
    const QString text = column == 0 ? row.key : row.values.value(column - 1);
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:  // long paths and errors are cut in the cell
        return text;
    case DiffersRole: return row.differs;
    case KindRole: return int(row.kind);
    case Qt::BackgroundRole:
        if (highlighted(row, column)) return QBrush(differColor());
        if (row.kind == CompareRow::Kind::Section) return QBrush(QPalette().color(QPalette::AlternateBase).darker(106));
        return {};
    case Qt::ForegroundRole:
        if (row.kind == CompareRow::Kind::Error && column > 0) return QBrush(QColor(kErrorColorName));
        return {};
    case Qt::FontRole: {
        if (row.kind != CompareRow::Kind::Section && !(column == 0 && row.differs)) return {};
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    default: return {};
    }
}

QVariant RunsCompareModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section > int(runs_.size())) return {};
    if (section == 0) return role == Qt::DisplayRole ? QVariant(tr("Setting")) : QVariant();
    const ComparedRun& run = runs_[size_t(section - 1)];
    switch (role) {
    case Qt::DisplayRole: return run.readable() ? run.name : tr("%1 (unreadable)").arg(run.name);
    case Qt::ToolTipRole: return run.readable() ? run.path : run.error;
    case Qt::DecorationRole: return run.readable() ? QVariant(colorSwatch(runColor(section - 1))) : QVariant();
    default: return {};
    }
}

}  // namespace strata
