// Runs compare (ui/runs/RunsCompare*, the Runs panel's Compare tab) on run files made without
// training (support/RunFixtures.h), varied in the learning rate, the epochs, a design param and
// an added node: the table lists every setting and exactly the differing rows are marked and
// highlighted, the design differences are listed node by node, each run has its curves, the CSV
// is exact and written atomically; runs are chosen with real clicks and the Compare button;
// a damaged run shows its error in its column. The view is rendered to
// /tmp/runs-compare-view.png (every row) and /tmp/runs-compare-view-differences.png for review.
#include <QtTest/QtTest>

#include <QFile>
#include <QPushButton>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTreeWidget>

#include <nlohmann/json.hpp>

#include "runs/RunFile.h"
#include "runs/RunsCompare.h"
#include "runs/RunsCompareView.h"
#include "runs/RunsPanel.h"
#include "support/RunDamage.h"
#include "support/RunFixtures.h"
#include "support/TestData.h"
#include "train/TrainConfig.h"

using namespace strata;

namespace {

// The tiny CNN with `channels` in conv1, and a Dropout after pool1 when `withDropout`.
QByteArray compareTestDesign(int channels, bool withDropout) {
    const QString dropout = withDropout ? R"({"id": "drop", "type": "Dropout", "params": {"p": 0.25}},)" : "";
    return QString(R"({"format": "strata.design/1", "name": "tiny-cnn", "nodes": [
  {"id": "in", "type": "Input", "params": {"channels": 1, "height": 16, "width": 16}},
  {"id": "conv1", "type": "Conv2d", "params": {"out_channels": %1, "kernel_size": 3, "padding": 1}},
  {"id": "relu1", "type": "ReLU"},
  {"id": "pool1", "type": "MaxPool2d", "params": {"kernel_size": 2}},
  %2
  {"id": "flat", "type": "Flatten"},
  {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}},
  {"id": "out", "type": "Output"}]})")
        .arg(channels)
        .arg(dropout)
        .toUtf8();
}

struct CompareRunSpec {
    QString path;
    QString created;  // orders the Runs panel's list (newest first)
    double lr = 1e-3;
    int epochs = 2;
    int channels = 8;
    bool withDropout = false;
    bool withValidation = false;
    QString data = "/data/fashion";
};

// A valid run whose /config is what the trainer writes (TrainConfig::toJson and the recorded
// keys), with one metrics row per epoch.
void writeCompareRun(const CompareRunSpec& spec) {
    RunData run = test::validRunData(compareTestDesign(spec.channels, spec.withDropout));
    run.created = spec.created.toStdString();
    TrainConfig c;
    c.data = spec.data.toStdString();
    c.lr = spec.lr;
    c.epochs = spec.epochs;
    c.threads = 2;
    run.config.update(c.toJson());
    run.config["parameters"] = 12345;
    run.config["precision_used"] = "fp32";
    run.config["frozen"] = nlohmann::json::array();
    std::vector<double> epoch, loss, accuracy;
    for (int e = 1; e <= spec.epochs; ++e) {
        epoch.push_back(e);
        loss.push_back(1.5 / e);
        accuracy.push_back(0.4 + 0.1 * e);
    }
    run.epochColumns = {"epoch", "train_loss", "train_accuracy"};
    run.epochMetrics = {{"epoch", epoch}, {"train_loss", loss}, {"train_accuracy", accuracy}};
    if (spec.withValidation) {
        run.epochColumns.insert(run.epochColumns.end(), {"val_loss", "val_accuracy"});
        run.epochMetrics["val_loss"] = std::vector<double>(epoch.size(), 1.0);
        run.epochMetrics["val_accuracy"] = std::vector<double>(epoch.size(), 0.55);
    }
    writeRunFile(spec.path.toStdString(), run);
}

QTreeWidgetItem* compareRunItem(QTreeWidget* tree, const QString& name) {
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        if (tree->topLevelItem(i)->text(0) == name) return tree->topLevelItem(i);
    return nullptr;
}

// The rows the model marks as differing, as "section/key: value | value | ...".
QStringList differingRowTexts(const RunsCompareModel& model) {
    QStringList texts;
    for (int r = 0; r < model.rowCount(); ++r) {
        if (!model.index(r, 0).data(RunsCompareModel::DiffersRole).toBool()) continue;
        const CompareRow& row = model.rows()[size_t(r)];
        QStringList cells;
        for (int c = 1; c < model.columnCount(); ++c) cells << model.index(r, c).data().toString();
        texts << row.section + "/" + model.index(r, 0).data().toString() + ": " + cells.join(" | ");
    }
    return texts;
}

int compareRowOf(const RunsCompareModel& model, const QString& key) {
    for (int r = 0; r < model.rowCount(); ++r)
        if (model.rows()[size_t(r)].kind != CompareRow::Kind::Section && model.index(r, 0).data().toString() == key)
            return r;
    return -1;
}

QPushButton* compareButtonOf(QWidget& parent, const QString& objectName) {
    return parent.findChild<QPushButton*>(objectName);
}

}  // namespace

class TestRunsCompare : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    QString runs_, a_, b_, c_;

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        runs_ = tmp_.path() + "/runs";
        QVERIFY(QDir().mkpath(runs_));
        a_ = runs_ + "/a.h5";
        b_ = runs_ + "/b.h5";
        c_ = runs_ + "/c.h5";
        writeCompareRun({a_, "2024-05-01T10:00:00Z", 1e-3, 2, 8, false, /*withValidation=*/true});
        writeCompareRun({b_, "2024-05-01T11:00:00Z", 1e-2, 2, 16, false});  // lr, conv1 width
        writeCompareRun({c_, "2024-05-01T12:00:00Z", 1e-3, 3, 8, true});    // epochs, a node added
    }

    void tableMarksExactlyTheDifferences() {
        RunsCompareView view;
        view.setRuns({a_, b_, c_});
        const RunsCompareModel& model = *view.model();
        QCOMPARE(model.columnCount(), 4);
        QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QString("a"));
        QCOMPARE(model.headerData(3, Qt::Horizontal).toString(), QString("c"));

        const QStringList expected = {
            "settings/epochs: 2 | 2 | 3",
            "settings/lr: 0.001 | 0.01 | 0.001",
            "design/nodes: 7 | 7 | 8",
            "design/conv1 \u00b7 out_channels: 8 | 16 | 8",
            "design/drop: \u2014 | \u2014 | Dropout",
            "design/flat \u00b7 inputs: pool1 | pool1 | drop",
        };
        QCOMPARE(differingRowTexts(model), expected);

        // Every setting is listed, equal or not; the equal ones are neither marked nor highlighted.
        for (const QString& key : {"data", "optimizer", "batch_size", "precision_used", "parameters", "classes",
                                   "init_from", "frozen", "data_fraction"})
            QVERIFY2(compareRowOf(model, key) >= 0, qPrintable(key));
        QCOMPARE(model.index(compareRowOf(model, "optimizer"), 2).data().toString(), QString("adam"));
        QCOMPARE(model.index(compareRowOf(model, "classes"), 1).data().toString(), QString("3"));
        QCOMPARE(model.index(compareRowOf(model, "data_fraction"), 1).data().toString(), QString("1"));

        for (int r = 0; r < model.rowCount(); ++r) {
            const bool differs = model.index(r, 0).data(RunsCompareModel::DiffersRole).toBool();
            QVERIFY(!model.index(r, 0).data(Qt::BackgroundRole).isValid() ||
                    model.rows()[size_t(r)].kind == CompareRow::Kind::Section);
            QCOMPARE(model.index(r, 0).data(Qt::FontRole).value<QFont>().bold(),
                     differs || model.rows()[size_t(r)].kind == CompareRow::Kind::Section);
            if (model.rows()[size_t(r)].kind != CompareRow::Kind::Value) continue;
            for (int c = 1; c < model.columnCount(); ++c) {
                const QVariant background = model.index(r, c).data(Qt::BackgroundRole);
                QCOMPARE(background.isValid(), differs);
                if (differs) QCOMPARE(background.value<QBrush>().color(), RunsCompareModel::differColor());
            }
        }

        // The curves: one legend entry per run; a (with validation) has a solid and a dashed one.
        QCOMPARE(view.legendCount(), 3);
        QCOMPARE(view.accuracyGraphCount(), 3 + 1);
        QCOMPARE(view.lossGraphCount(), 3 + 1);
        QVERIFY2(view.caption() == "3 runs: 2 settings and 4 design rows differ", qPrintable(view.caption()));

        view.resize(1400, 420);  // as in a bottom dock
        view.show();
        QTest::qWait(50);  // queued replots and layouts
        QVERIFY(view.grab().save("/tmp/runs-compare-view.png"));
        view.setDifferencesOnly(true);
        QTest::qWait(50);
        QVERIFY(view.grab().save("/tmp/runs-compare-view-differences.png"));
    }

    void differencesOnlyCsvIsExactAndWritten() {
        const QString dir = tmp_.path() + "/csv";
        QVERIFY(QDir().mkpath(dir));
        writeCompareRun({dir + "/d.h5", "2024-05-02T10:00:00Z", 1e-3, 2, 8, false, false, "/data/a,b \"x\""});
        writeCompareRun({dir + "/e.h5", "2024-05-02T11:00:00Z", 1e-2, 2, 16, false, false, "/data/plain"});
        RunsCompareView view;
        view.setRuns({dir + "/d.h5", dir + "/e.h5"});
        view.setDifferencesOnly(true);
        const QString expected = "section,setting,d,e,differs\n"
                                 "settings,data,\"/data/a,b \"\"x\"\"\",/data/plain,yes\n"
                                 "settings,lr,0.001,0.01,yes\n"
                                 "design,conv1 \u00b7 out_channels,8,16,yes\n";
        QCOMPARE(view.model()->csv(), expected);
        QCOMPARE(view.model()->rowCount(), 2 + 3);  // two section titles, three rows

        const QString file = dir + "/out/compare.csv";
        QVERIFY(QDir().mkpath(dir + "/out"));
        QCOMPARE(view.exportCsv(file), QString());
        QFile written(file);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(written.readAll()), expected);
        QCOMPARE(QDir(dir + "/out").entryList(QDir::Files), QStringList({"compare.csv"}));  // no temp left
        QVERIFY2(view.caption().startsWith("Exported to"), qPrintable(view.caption()));

        // All rows: one CSV line each (section titles left out), equal ones "no".
        view.setDifferencesOnly(false);
        const QStringList lines = view.model()->csv().split('\n', Qt::SkipEmptyParts);
        int valueRows = 0;
        for (const CompareRow& row : view.model()->rows()) valueRows += row.kind != CompareRow::Kind::Section;
        QCOMPARE(lines.size(), 1 + valueRows);
        QVERIFY(lines.contains("settings,optimizer,adam,adam,no"));

        const QString refused = view.exportCsv(dir + "/no-such-folder/compare.csv");
        QVERIFY(!refused.isEmpty());
        QVERIFY2(view.caption().startsWith("Export failed"), qPrintable(view.caption()));
    }

    void clickTwoRunsThenCompare() {
        RunsPanel panel;
        panel.setFolder(runs_);
        panel.resize(1100, 420);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* tree = panel.findChild<QTreeWidget*>("runsTree");
        QPushButton* compare = compareButtonOf(panel, "compareRuns");
        QVERIFY(tree && compare);
        QCOMPARE(panel.runPaths(), QStringList({c_, b_, a_}));  // newest first

        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {},
                          tree->visualItemRect(compareRunItem(tree, "a")).center());
        QVERIFY(!compare->isEnabled());  // one run: nothing to compare
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, Qt::ControlModifier,
                          tree->visualItemRect(compareRunItem(tree, "c")).center());
        QCOMPARE(panel.selectedRuns(), QStringList({c_, a_}));
        QVERIFY(compare->isEnabled());
        QTest::mouseClick(compare, Qt::LeftButton);

        QCOMPARE(panel.tabs()->currentWidget(), panel.compareView());
        const RunsCompareView& view = *panel.compareView();
        QCOMPARE(view.runs(), QStringList({c_, a_}));
        const QStringList expected = {
            "settings/epochs: 3 | 2",
            "design/nodes: 8 | 7",
            "design/drop: Dropout | \u2014",
            "design/flat \u00b7 inputs: drop | pool1",
        };
        QCOMPARE(differingRowTexts(*view.model()), expected);
        QCOMPARE(view.legendCount(), 2);

        // Back on the list, a third run joins; the context menu's action compares all three.
        panel.tabs()->setCurrentIndex(0);
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, Qt::ControlModifier,
                          tree->visualItemRect(compareRunItem(tree, "b")).center());
        const std::unique_ptr<QMenu> menu = panel.runMenu(b_);
        auto* action = menu->findChild<QAction*>("compareSelectedRuns");
        QVERIFY(action);
        action->trigger();
        QCOMPARE(panel.tabs()->currentWidget(), panel.compareView());
        QCOMPARE(view.runs(), QStringList({c_, b_, a_}));
        QCOMPARE(view.legendCount(), 3);
    }

    void damagedRunShowsItsError() {
        const QString dir = tmp_.path() + "/damaged";
        QVERIFY(QDir().mkpath(dir));
        const QString good = dir + "/good.h5", broken = dir + "/broken.h5";
        QVERIFY(QFile::copy(a_, good));
        QVERIFY(QFile::copy(b_, broken));

        // Listed and selected while whole, damaged before Compare (a copy cut short, a full disk).
        RunsPanel panel;
        panel.setFolder(dir);
        panel.selectRuns({good, broken});
        QCOMPARE(panel.selectedRuns().size(), 2);
        test::truncateFile(broken, 0.5);
        panel.showCompare();
        const RunsCompareView& view = *panel.compareView();
        const RunsCompareModel& model = *view.model();
        const int brokenColumn = 1 + int(view.runs().indexOf(broken));
        QVERIFY(brokenColumn >= 1);
        QCOMPARE(model.rows().front().kind, CompareRow::Kind::Error);
        const QString error = model.index(0, brokenColumn).data().toString();
        QVERIFY2(error.contains(broken), qPrintable(error));
        QCOMPARE(model.index(0, 3 - brokenColumn).data().toString(), QString());
        QVERIFY(model.headerData(brokenColumn, Qt::Horizontal).toString().contains("unreadable"));
        for (int r = 1; r < model.rowCount(); ++r) {
            QCOMPARE(model.index(r, brokenColumn).data().toString(), QString());
            QVERIFY(!model.index(r, brokenColumn).data(Qt::BackgroundRole).isValid() ||
                    model.rows()[size_t(r)].kind == CompareRow::Kind::Section);
        }
        QVERIFY(differingRowTexts(model).isEmpty());  // one readable run: nothing to differ from
        QCOMPARE(view.legendCount(), 1);
        QVERIFY2(view.caption().contains("1 cannot be read"), qPrintable(view.caption()));
        QVERIFY(model.csv().contains("run,error,"));

        // A path that is not a run at all, straight to the view.
        RunsCompareView direct;
        direct.setRuns({dir + "/missing.h5"});
        QVERIFY(!direct.model()->rows().front().values.front().isEmpty());
        QCOMPARE(direct.legendCount(), 0);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(TestRunsCompare)
#include "test_runs_compare.moc"
