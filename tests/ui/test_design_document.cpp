// The editor's document model, headless: every edit is one undo step, analysis follows
// each change, and save/load round-trips.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "model/DesignDocument.h"
#include "support/TestData.h"

using namespace strata;

namespace {

std::string json(const DesignDocument& d) { return designToString(d.design()); }

const NodeAnalysis& node(const DesignDocument& d, const char* id) {
    const NodeAnalysis* n = d.analysis().find(id);
    if (!n) throw std::runtime_error(std::string("no node ") + id);
    return *n;
}

}  // namespace

class DesignDocumentTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private slots:
    void loadAnalyzesAndIsClean() {
        DesignDocument doc;
        QVERIFY(doc.load(test::templateFile("reference-cnn")));
        QCOMPARE(doc.analysis().totalParameters, int64_t(421642));
        QVERIFY(!doc.isModified());
        QCOMPARE(doc.path(), test::templateFile("reference-cnn"));
        QString error;
        QVERIFY(!doc.load(tmp_.filePath("missing.strata.json"), &error));
        QVERIFY(error.contains("missing.strata.json"));
        QCOMPARE(doc.analysis().totalParameters, int64_t(421642));  // kept on failure
    }

    void addNodeUndoRedo() {
        DesignDocument doc;
        doc.load(test::templateFile("mlp"));
        const std::string before = json(doc);
        QSignalSpy changed(&doc, &DesignDocument::changed);
        const QString id = doc.addNode("Dropout", {10, 20});
        QCOMPARE(id, QString("drop1"));
        QVERIFY(doc.isModified());
        QCOMPARE(changed.count(), 1);
        QVERIFY(doc.design().findNode("drop1"));
        QCOMPARE(doc.position(id), QPointF(10, 20));
        doc.undoStack()->undo();
        QCOMPARE(json(doc), before);
        QVERIFY(!doc.isModified());
        doc.undoStack()->redo();
        QVERIFY(doc.design().findNode("drop1"));
        QVERIFY(doc.addNode("NoSuchLayer", {}).isEmpty());
    }

    void paramEditChangesDownstreamShapes() {
        DesignDocument doc;
        doc.load(test::templateFile("reference-cnn"));
        QCOMPARE(node(doc, "pool2").output, Shape({64, 7, 7}));
        QVERIFY(doc.setParam("conv2", "out_channels", 16));
        QCOMPARE(node(doc, "pool2").output, Shape({16, 7, 7}));
        QCOMPARE(node(doc, "flat").output, Shape({784}));
        QCOMPARE(doc.undoStack()->count(), 1);
        QVERIFY(!doc.setParam("conv2", "out_channels", 16));  // no-op: no undo step
        QCOMPARE(doc.undoStack()->count(), 1);
        doc.undoStack()->undo();
        QCOMPARE(node(doc, "pool2").output, Shape({64, 7, 7}));
    }

    void connectAndSplice() {
        DesignDocument doc;
        doc.load(test::templateFile("reference-cnn"));
        const Edge edge{"relu1", "pool1", 0};
        const QString bn = doc.spliceNode("BatchNorm2d", edge, {0, 150});
        QCOMPARE(bn, QString("bn1"));
        const auto& edges = doc.design().edges;
        QVERIFY(std::find(edges.begin(), edges.end(), Edge{"relu1", "bn1", 0}) != edges.end());
        QVERIFY(std::find(edges.begin(), edges.end(), Edge{"bn1", "pool1", 0}) != edges.end());
        QVERIFY(std::find(edges.begin(), edges.end(), edge) == edges.end());
        QVERIFY(doc.analysis().valid());
        QCOMPARE(doc.analysis().totalParameters, int64_t(421642 + 64));
        doc.undoStack()->undo();
        QCOMPARE(doc.analysis().totalParameters, int64_t(421642));

        // A residual: Add takes ports 0, 1 in order of connection.
        const QString add = doc.addNode("Add", {});
        QVERIFY(doc.connectNodes("conv1", add));
        QVERIFY(doc.connectNodes("relu1", add));
        QVERIFY(!doc.connectNodes("relu1", add, 1));  // duplicate
        QVERIFY(std::find(doc.design().edges.begin(), doc.design().edges.end(), Edge{"relu1", "add1", 1}) !=
                doc.design().edges.end());
        QVERIFY(!doc.connectNodes("out", "fc1"));   // out of Output
        QVERIFY(!doc.connectNodes("fc1", "in"));    // into Input
        QVERIFY(!doc.connectNodes("fc1", "fc1"));   // self-loop
        // A single-input port takes the new edge in place of the old.
        QVERIFY(doc.connectNodes("relu1", "conv2"));
        int intoConv2 = 0;
        for (const Edge& e : doc.design().edges) intoConv2 += e.to == "conv2";
        QCOMPARE(intoConv2, 1);
    }

    void removeKeepsPortsContiguous() {
        DesignDocument doc;
        doc.load(test::templateFile("resnet-mini"));
        QVERIFY(doc.analysis().valid());
        const QString add = [&] {
            for (const Node& n : doc.design().nodes)
                if (n.type == "Add") return QString::fromStdString(n.id);
            return QString();
        }();
        QVERIFY(!add.isEmpty());
        Edge port0;
        for (const Edge& e : doc.design().edges)
            if (e.to == add.toStdString() && e.port == 0) port0 = e;
        QVERIFY(doc.disconnect(port0));
        for (const Edge& e : doc.design().edges)
            if (e.to == add.toStdString()) QCOMPARE(e.port, 0);
        QVERIFY(!doc.analysis().valid());  // Add now has one input: reported
        doc.undoStack()->undo();
        QVERIFY(doc.analysis().valid());

        QVERIFY(doc.remove({"out"}));
        QVERIFY(!doc.design().findNode("out"));
        QVERIFY(!doc.analysis().valid());
        doc.undoStack()->undo();
        QVERIFY(doc.analysis().valid());
    }

    void movesMergeIntoOneStep() {
        DesignDocument doc;
        doc.load(test::templateFile("mlp"));
        const QString first = QString::fromStdString(doc.design().nodes[1].id);
        const QPointF start = doc.position(first);
        for (int i = 1; i <= 5; ++i) QVERIFY(doc.moveNodes({{first, start + QPointF(i * 10, 0)}}));
        QCOMPARE(doc.undoStack()->count(), 1);
        QCOMPARE(doc.position(first), start + QPointF(50, 0));
        doc.undoStack()->undo();
        QCOMPARE(doc.position(first), start);
    }

    void copyPasteRenamesAndOffsets() {
        DesignDocument doc;
        doc.load(test::templateFile("reference-cnn"));
        const QString clip = doc.copy({"conv1", "relu1"});
        const QStringList added = doc.paste(clip, {300, 0});
        QCOMPARE(added.size(), 2);
        QVERIFY(!added.contains("conv1"));
        QCOMPARE(doc.position(added[0]).x(), doc.position("conv1").x() + 300);
        QVERIFY(std::find(doc.design().edges.begin(), doc.design().edges.end(),
                          Edge{added[0].toStdString(), added[1].toStdString(), 0}) != doc.design().edges.end());
        QCOMPARE(doc.undoStack()->count(), 1);
        QVERIFY(doc.paste("not json", {}).isEmpty());
    }

    void renameUpdatesEdges() {
        DesignDocument doc;
        doc.load(test::templateFile("reference-cnn"));
        QVERIFY(doc.renameNode("conv1", "stem"));
        QVERIFY(doc.analysis().valid());
        QVERIFY(doc.design().findNode("stem"));
        QVERIFY(!doc.renameNode("stem", "conv2"));     // taken
        QVERIFY(!doc.renameNode("stem", "has.dot"));   // invalid module name
    }

    void saveLoadRoundTrip() {
        DesignDocument doc;
        doc.load(test::templateFile("resnet-mini"));
        doc.autoLayout();
        QVERIFY(doc.isModified());
        const QString path = tmp_.filePath("saved.strata.json");
        QString error;
        QVERIFY2(doc.save(path, &error), qPrintable(error));
        QVERIFY(!doc.isModified());
        QCOMPARE(doc.path(), path);
        DesignDocument again;
        QVERIFY(again.load(path));
        QCOMPARE(json(again), json(doc));
        QVERIFY(!doc.save(tmp_.filePath("no/such/dir/x.strata.json"), &error));
        QVERIFY(error.contains("no/such/dir"));
    }

    void lockRefusesEveryChange() {
        DesignDocument doc;
        QVERIFY(doc.load(test::templateFile("reference-cnn")));
        QVERIFY(doc.setParam("conv1", "out_channels", 12));  // something to undo
        QVERIFY(doc.setParam("conv1", "out_channels", 16));
        QVERIFY(doc.undo());  // and something to redo
        QVERIFY(doc.redo());
        QVERIFY(doc.undo());
        const std::string before = json(doc);
        const QString path = doc.path();
        QSignalSpy spy(&doc, &DesignDocument::lockChanged);
        QSignalSpy changed(&doc, &DesignDocument::changed);
        doc.setLocked(true);
        QCOMPARE(spy.count(), 1);
        QVERIFY(doc.isLocked());
        QVERIFY(!doc.lockReason().isEmpty());

        // Edits.
        QVERIFY(doc.addNode("ReLU", {}).isEmpty());
        QVERIFY(!doc.setParam("conv1", "out_channels", 8));
        QVERIFY(!doc.remove({"conv1"}));
        QVERIFY(!doc.connectNodes("conv1", "fc1"));
        QVERIFY(!doc.renameNode("conv1", "c1"));
        QVERIFY(!doc.moveNodes({{"conv1", QPointF(500, 500)}}));
        QVERIFY(doc.paste(doc.copy({"conv1"}), {10, 10}).isEmpty());
        doc.autoLayout();
        // Undo and redo.
        QVERIFY(doc.undoStack()->canUndo() && doc.undoStack()->canRedo());
        QVERIFY(!doc.undo());
        QVERIFY(!doc.redo());
        // Replacing it, or moving it to another file.
        QString error;
        QVERIFY(!doc.load(test::templateFile("lenet"), &error));
        QCOMPARE(error, doc.lockReason());
        QVERIFY(!doc.reset(loadDesign(test::templateFile("mlp").toStdString())));
        QVERIFY(!doc.save(tmp_.filePath("elsewhere.strata.json"), &error));
        QVERIFY(!QFile::exists(tmp_.filePath("elsewhere.strata.json")));

        QCOMPARE(json(doc), before);
        QCOMPARE(doc.path(), path);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(doc.undoStack()->count(), 2);

        doc.setLocked(false);
        QCOMPARE(spy.count(), 2);
        QVERIFY(doc.redo());
        QVERIFY(doc.setParam("conv1", "out_channels", 8));
    }

    void savingToItsOwnFileWorksWhileLocked() {
        DesignDocument doc;
        QVERIFY(doc.load(test::templateFile("mlp")));
        const QString path = tmp_.filePath("own.strata.json");
        QVERIFY(doc.save(path));
        doc.setLocked(true);
        QString error;
        QVERIFY2(doc.save(path, &error), qPrintable(error));
        QCOMPARE(doc.path(), path);
    }

    void classesChangeTheAnalysis() {
        DesignDocument doc;
        doc.load(test::templateFile("reference-cnn"));
        QSignalSpy changed(&doc, &DesignDocument::changed);
        doc.setClasses(3);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(node(doc, "fc2").output, Shape({3}));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(DesignDocumentTest)
#include "test_design_document.moc"
