#pragma once
// Runs compare: the table behind the Runs panel's Compare tab, without widgets. Each run is
// read through readValidRun (summary parts, docs/ARCHITECTURE.md §8); the table has one column
// per run and a row per setting of /config (TrainConfig's keys and what the trainer records:
// precision_used, parameters, the class count, frozen), then the design's differences node by
// node (matched by id: nodes added or removed, changed params with defaults filled in, changed
// inputs). A row whose readable runs disagree is marked, and its cells are highlighted. A run
// that cannot be read keeps its column, with its error on the first row.
#include <QAbstractTableModel>
#include <QColor>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <vector>

#include "design/Design.h"
#include "runs/MetricsJson.h"
#include "runs/RunSummary.h"

namespace strata {

// One run as the comparison sees it.
struct ComparedRun {
    QString path;
    QString name;   // the file name without ".h5"
    QString error;  // why the run cannot be read ("PATH: PART: what is wrong"); then nothing below is set
    nlohmann::json config = nlohmann::json::object();  // /config as read
    Design design;
    int classCount = 0;
    std::vector<EpochRecord> epochs;  // for the curves
    BestAccuracy best;
    bool readable() const { return error.isEmpty(); }
};

// Reads the run at `path` through readValidRun (RunParts::Summary). Never throws: a file that
// cannot be read or is refused gives a run with `error` set.
ComparedRun readComparedRun(const QString& path);

// One line of the table.
struct CompareRow {
    enum class Kind { Section, Value, Error };
    Kind kind = Kind::Value;
    QString section;       // "run" (the error row), "settings" or "design"
    QString key;           // "lr", "conv1 · out_channels"; a section row's title
    QStringList values;    // one per run; "" for a run that cannot be read
    bool differs = false;  // the values of the runs it concerns are not all equal
};

// Every row for `runs`: the error row (only when a run cannot be read), the settings (all of
// them, equal or not), then the design: its name, its node count and the nodes that differ.
std::vector<CompareRow> compareRows(const std::vector<ComparedRun>& runs);
// The rows that differ, the error row, and the titles of the sections that keep any.
std::vector<CompareRow> differingRows(const std::vector<CompareRow>& rows);
// `rows` as CSV (RFC 4180 quoting, "\n" line ends): "section,setting,<run names>,differs",
// then one line per value or error row (section titles are left out), differs "yes" or "no".
QString compareCsv(const std::vector<ComparedRun>& runs, const std::vector<CompareRow>& rows);

// The table as an item model: column 0 the setting, then a column per run.
class RunsCompareModel : public QAbstractTableModel {
    Q_OBJECT
public:
    static constexpr int DiffersRole = Qt::UserRole + 1;  // bool: CompareRow::differs
    static constexpr int KindRole = Qt::UserRole + 2;     // int(CompareRow::Kind)
    // Qt::BackgroundRole of the highlighted cells: the runs' values in a row that differs.
    static QColor differColor() { return QColor(0xff, 0xe0, 0x8a); }

    explicit RunsCompareModel(QObject* parent = nullptr);

    void setRuns(std::vector<ComparedRun> runs);
    const std::vector<ComparedRun>& runs() const { return runs_; }
    // Shows only the rows that differ (and the error row).
    void setDifferencesOnly(bool only);
    bool differencesOnly() const { return differencesOnly_; }
    // The rows shown, in order.
    const std::vector<CompareRow>& rows() const { return shown_; }
    // The rows shown as CSV (compareCsv).
    QString csv() const;

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void updateShown();
    bool highlighted(const CompareRow& row, int column) const;

    std::vector<ComparedRun> runs_;
    std::vector<CompareRow> all_, shown_;
    bool differencesOnly_ = false;
};

}  // namespace strata
