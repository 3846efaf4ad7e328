// The dock panels without the main window: the palette (search, drag payload, double-click),
// the property panel (editors from the registry, edits as single undo steps, live shapes,
// "classes", renames) and the issues list (rows naming nodes, clicks). Real widgets, real
// events, offscreen.
#include <QtTest/QtTest>

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QDrag>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QSpinBox>
#include <QTreeWidget>

#include "canvas/LayerMime.h"
#include "design/Design.h"
#include "design/Templates.h"
#include "model/DesignDocument.h"
#include "panels/IssuesPanel.h"
#include "panels/PalettePanel.h"
#include "panels/PaletteTree.h"
#include "panels/PropertyPanel.h"

using namespace strata;

namespace {

Design parse(const char* json) { return parseDesign(json, "<test>"); }

Design referenceCnn() { return loadDesign(templatePath("reference-cnn")); }

// Records what a drop would receive: the payload of a real drag from the palette.
class DropTarget : public QWidget {
public:
    DropTarget() { setAcceptDrops(true); }
    QByteArray payload;
    bool dropped = false;

protected:
    void dragEnterEvent(QDragEnterEvent* e) override {
        if (e->mimeData()->hasFormat(kLayerMimeType)) e->acceptProposedAction();
    }
    void dragMoveEvent(QDragMoveEvent* e) override { e->acceptProposedAction(); }
    void dropEvent(QDropEvent* e) override {
        payload = e->mimeData()->data(kLayerMimeType);
        dropped = true;
        e->acceptProposedAction();
    }
};

}  // namespace

class TestPanels : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        if (qEnvironmentVariableIsEmpty("STRATA_TEMPLATES"))
            qputenv("STRATA_TEMPLATES", STRATA_SOURCE_DIR "/resources/templates");
        QVERIFY(!templatePath("reference-cnn").empty());
    }

    // --- Palette ---------------------------------------------------------------------------

    void paletteListsGroupsInRegistryOrder() {
        PalettePanel palette;
        QTreeWidget* tree = palette.tree();
        const auto groups = LayerRegistry::instance().groups();
        QCOMPARE(tree->topLevelItemCount(), int(groups.size()));
        QCOMPARE(tree->topLevelItem(0)->text(0), QString("Input/Output"));
        QCOMPARE(tree->topLevelItem(1)->text(0), QString("Convolution"));
        for (int g = 0; g < tree->topLevelItemCount(); ++g)
            QCOMPARE(tree->topLevelItem(g)->text(0), QString::fromStdString(groups[size_t(g)]));
        QCOMPARE(palette.visibleTypes().size(), int(LayerRegistry::instance().all().size()));
        // Tooltips carry the registry's description.
        QTreeWidgetItem* conv = palette.itemFor("Conv2d");
        QVERIFY(conv);
        QVERIFY(conv->toolTip(0).contains("2-D convolution"));
        QCOMPARE(conv->parent()->text(0), QString("Convolution"));
    }

    void paletteSearchFiltersByNameAndDescription() {
        PalettePanel palette;
        palette.show();
        QTest::keyClicks(palette.searchBox(), "relu");  // case-insensitive, real typing
        QStringList shown = palette.visibleTypes();
        QVERIFY(shown.contains("ReLU"));
        QVERIFY(shown.contains("LeakyReLU"));
        QVERIFY(!shown.contains("Conv2d"));
        QVERIFY(palette.itemFor("Conv2d")->parent()->isHidden());  // empty groups hide
        QVERIFY(!palette.itemFor("ReLU")->parent()->isHidden());

        palette.setFilter("convolution");  // only in Conv2d's description
        shown = palette.visibleTypes();
        QVERIFY(shown.contains("Conv2d"));
        QVERIFY(!shown.contains("Linear"));

        palette.setFilter("no such layer");
        QVERIFY(palette.visibleTypes().isEmpty());
        palette.searchBox()->clear();
        QCOMPARE(palette.visibleTypes().size(), int(LayerRegistry::instance().all().size()));
    }

    void paletteDragCarriesLayerMime() {
        PalettePanel palette;
        std::unique_ptr<QMimeData> data(PaletteTree::mimeDataFor("Conv2d"));
        QCOMPARE(data->data(kLayerMimeType), QByteArray("Conv2d"));
        // What the view's drag machinery asks the model for, from the item itself.
        QTreeWidgetItem* item = palette.itemFor("MaxPool2d");
        const QModelIndex index = palette.tree()->indexFromItem(item);
        QVERIFY(palette.tree()->model()->flags(index) & Qt::ItemIsDragEnabled);
        QVERIFY(palette.tree()->model()->mimeTypes().contains(kLayerMimeType));
        std::unique_ptr<QMimeData> fromModel(palette.tree()->model()->mimeData({index}));
        QVERIFY(fromModel);
        QCOMPARE(fromModel->data(kLayerMimeType), QByteArray("MaxPool2d"));
        // Groups are not draggable.
        const QModelIndex group = palette.tree()->indexFromItem(item->parent());
        QVERIFY(!(palette.tree()->model()->flags(group) & Qt::ItemIsDragEnabled));
    }

    void paletteRealDragDropsOnTarget() {
        // Qt's offscreen platform ends every drag at once (no drag and drop there); under a real
        // X server (xvfb-run) the drag below runs through Qt's drag loop like a user's.
        if (QGuiApplication::platformName() == QLatin1String("offscreen"))
            QSKIP("no drag and drop on the offscreen platform; run under xvfb-run to cover it");
        QWidget window;
        window.resize(600, 400);
        auto* palette = new PalettePanel(&window);
        palette->setGeometry(0, 0, 250, 400);
        auto* target = new DropTarget;
        target->setParent(&window);
        target->setGeometry(300, 0, 300, 400);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QTreeWidgetItem* item = palette->itemFor("Linear");
        palette->tree()->scrollToItem(item);
        // Through the window system, as a mouse would: the drag loop only watches window events.
        QWindow* win = window.windowHandle();
        const QPoint start = palette->tree()->viewport()->mapTo(&window, palette->tree()->visualItemRect(item).center());
        const QPoint drop(450, 200);
        const int step = QApplication::startDragDistance() + 5;
        // The drag runs its own event loop once started: finish it from a timer.
        QTimer::singleShot(100, target, [win, drop] {
            QTest::mouseMove(win, drop - QPoint(4, 0));
            QTest::mouseMove(win, drop);
            QTest::mouseRelease(win, Qt::LeftButton, {}, drop);
        });
        QTest::mousePress(win, Qt::LeftButton, {}, start);
        QTest::mouseMove(win, start + QPoint(step, 0));
        QTest::mouseMove(win, start + QPoint(3 * step, 0));
        QTRY_VERIFY(target->dropped);
        QCOMPARE(target->payload, QByteArray("Linear"));
    }

    void paletteDoubleClickEmitsAddRequested() {
        PalettePanel palette;
        palette.resize(250, 600);
        palette.show();
        QVERIFY(QTest::qWaitForWindowExposed(&palette));
        QSignalSpy spy(&palette, &PalettePanel::addRequested);
        QTreeWidgetItem* item = palette.itemFor("BatchNorm2d");
        palette.tree()->scrollToItem(item);
        const QPoint p = palette.tree()->visualItemRect(item).center();
        // A real double-click: a click, then the double-click event (QTest sends only the latter).
        QTest::mouseClick(palette.tree()->viewport(), Qt::LeftButton, {}, p);
        QTest::mouseDClick(palette.tree()->viewport(), Qt::LeftButton, {}, p);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toString(), QString("BatchNorm2d"));
        // Double-clicking a group adds nothing.
        const QPoint g = palette.tree()->visualItemRect(item->parent()).center();
        QTest::mouseClick(palette.tree()->viewport(), Qt::LeftButton, {}, g);
        QTest::mouseDClick(palette.tree()->viewport(), Qt::LeftButton, {}, g);
        QCOMPARE(spy.count(), 1);
        // Return in the search box adds the best match.
        palette.searchBox()->setFocus();
        QTest::keyClicks(palette.searchBox(), "relu");
        QTest::keyClick(palette.searchBox(), Qt::Key_Return);
        QCOMPARE(spy.count(), 2);
        QCOMPARE(spy.at(1).at(0).toString(), QString("ReLU"));
    }

    // --- Property panel --------------------------------------------------------------------

    void propertyPanelEmptyStates() {
        DesignDocument doc;
        doc.reset(referenceCnn());
        PropertyPanel panel(&doc);
        QVERIFY(!panel.editor("out_channels"));
        panel.setSelection({"conv1", "conv2"});
        QVERIFY(panel.nodeId().isEmpty());
        auto* hint = panel.findChild<QLabel*>("propertyHint");
        QVERIFY(hint && hint->text().contains("2 layers"));
        panel.setSelection({"conv1"});
        QCOMPARE(panel.nodeId(), QString("conv1"));
        panel.setSelection({});
        QVERIFY(panel.nodeId().isEmpty());
    }

    void propertyPanelShowsConv2dParamsWithRegistryRanges() {
        DesignDocument doc;
        doc.reset(referenceCnn());
        PropertyPanel panel(&doc);
        panel.setSelection({"conv1"});
        QCOMPARE(panel.idEdit()->text(), QString("conv1"));
        const LayerSpec* spec = LayerRegistry::instance().find("Conv2d");
        for (const ParamSpec& p : spec->params) {
            QWidget* editor = panel.editor(QString::fromStdString(p.name));
            QVERIFY2(editor, p.name.c_str());
            if (p.kind == ParamKind::Int) {
                auto* spin = qobject_cast<QSpinBox*>(editor);
                QVERIFY(spin);
                QCOMPARE(spin->minimum(), int(p.min));
                QCOMPARE(spin->maximum(), int(p.max));
            } else if (p.kind == ParamKind::Bool) {
                QVERIFY(qobject_cast<QCheckBox*>(editor));
            }
        }
        QCOMPARE(qobject_cast<QSpinBox*>(panel.editor("out_channels"))->value(), 32);
        QCOMPARE(qobject_cast<QSpinBox*>(panel.editor("padding"))->value(), 1);
        // Omitted in the file: the registry's defaults.
        QCOMPARE(qobject_cast<QSpinBox*>(panel.editor("stride"))->value(), 1);
        QVERIFY(qobject_cast<QCheckBox*>(panel.editor("bias"))->isChecked());
        QCOMPARE(panel.outputText(), QString("[N, 32, 28, 28]"));
        QCOMPARE(panel.parametersText(), QString("320"));
        QVERIFY(panel.issuesText().isEmpty());
    }

    void editingASpinBoxChangesDownstreamShapesInOneUndoStep() {
        DesignDocument doc;
        doc.reset(referenceCnn());
        PropertyPanel panel(&doc);
        panel.show();
        panel.setSelection({"conv1"});
        QCOMPARE(doc.analysis().find("conv2")->parameters, 64 * 32 * 9 + 64);

        auto* spin = qobject_cast<QSpinBox*>(panel.editor("out_channels"));
        spin->setFocus();
        spin->selectAll();
        QTest::keyClicks(spin, "16");
        QCOMPARE(doc.undoStack()->count(), 0);  // nothing committed while typing
        QTest::keyClick(spin, Qt::Key_Return);

        QCOMPARE(doc.design().findNode("conv1")->params.at("out_channels"), nlohmann::json(16));
        QCOMPARE(doc.undoStack()->count(), 1);
        QCOMPARE(QString::fromStdString(shapeToString(doc.analysis().find("pool1")->output)),
                 QString("[N, 16, 14, 14]"));
        QCOMPARE(doc.analysis().find("conv2")->parameters, 64 * 16 * 9 + 64);
        QCOMPARE(panel.outputText(), QString("[N, 16, 28, 28]"));

        // A stepped arrow key is one more step; undo walks back one at a time and the panel follows.
        QTest::keyClick(spin, Qt::Key_Up);
        QCOMPARE(doc.design().findNode("conv1")->params.at("out_channels"), nlohmann::json(17));
        QCOMPARE(doc.undoStack()->count(), 2);
        doc.undoStack()->undo();
        doc.undoStack()->undo();
        QCOMPARE(doc.design().findNode("conv1")->params.at("out_channels"), nlohmann::json(32));
        QCOMPARE(spin->value(), 32);
        QCOMPARE(doc.undoStack()->count(), 2);  // redo still possible: no extra step was pushed
        QCOMPARE(doc.undoStack()->index(), 0);
    }

    void boolAndFloatEditors() {
        DesignDocument doc;
        doc.reset(parse(R"({"format": "strata.design/1", "name": "bn", "nodes": [
            {"id": "in", "type": "Input", "params": {"channels": 1, "height": 8, "width": 8}},
            {"id": "conv", "type": "Conv2d", "params": {"out_channels": 4, "kernel_size": 3}},
            {"id": "bn", "type": "BatchNorm2d"},
            {"id": "flat", "type": "Flatten"},
            {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}},
            {"id": "out", "type": "Output"}]})"));
        PropertyPanel panel(&doc);
        panel.show();
        panel.setSelection({"bn"});
        auto* eps = qobject_cast<QDoubleSpinBox*>(panel.editor("eps"));
        QVERIFY(eps);
        QCOMPARE(eps->value(), 1e-5);
        QCOMPARE(eps->text(), QString("1e-05"));
        eps->setFocus();
        eps->selectAll();
        QTest::keyClicks(eps, "0.001");
        QTest::keyClick(eps, Qt::Key_Return);
        QCOMPARE(doc.design().findNode("bn")->params.at("eps").get<double>(), 0.001);
        QCOMPARE(doc.undoStack()->count(), 1);

        panel.setSelection({"conv"});
        auto* bias = qobject_cast<QCheckBox*>(panel.editor("bias"));
        QTest::mouseClick(bias, Qt::LeftButton, {}, QPoint(5, bias->height() / 2));
        QCOMPARE(doc.design().findNode("conv")->params.at("bias"), nlohmann::json(false));
        QCOMPARE(doc.analysis().find("conv")->parameters, 4 * 9);
        QCOMPARE(doc.undoStack()->count(), 2);
    }

    void classesCheckboxTogglesTheValue() {
        DesignDocument doc;
        doc.reset(referenceCnn());
        PropertyPanel panel(&doc);
        panel.show();
        panel.setSelection({"fc2"});
        QCheckBox* classes = panel.classesBox("out_features");
        auto* spin = qobject_cast<QSpinBox*>(panel.editor("out_features"));
        QVERIFY(classes && spin);
        QVERIFY(classes->isChecked());
        QVERIFY(!spin->isEnabled());
        QCOMPARE(spin->value(), 10);  // the class count "classes" stands for

        QTest::mouseClick(classes, Qt::LeftButton, {}, QPoint(5, classes->height() / 2));
        QCOMPARE(doc.design().findNode("fc2")->params.at("out_features"), nlohmann::json(10));
        QVERIFY(spin->isEnabled());
        QTest::mouseClick(classes, Qt::LeftButton, {}, QPoint(5, classes->height() / 2));
        QCOMPARE(doc.design().findNode("fc2")->params.at("out_features"), nlohmann::json("classes"));
        QCOMPARE(doc.undoStack()->count(), 2);
        doc.undoStack()->undo();
        QVERIFY(!classes->isChecked());
        QCOMPARE(spin->value(), 10);
    }

    void renameThroughTheIdField() {
        DesignDocument doc;
        doc.reset(referenceCnn());
        PropertyPanel panel(&doc);
        panel.show();
        panel.setSelection({"conv1"});
        QSignalSpy renamed(&panel, &PropertyPanel::nodeRenamed);
        QLineEdit* id = panel.idEdit();
        id->setFocus();
        id->selectAll();
        QTest::keyClicks(id, "stem");
        QTest::keyClick(id, Qt::Key_Return);
        QVERIFY(doc.design().findNode("stem"));
        QVERIFY(!doc.design().findNode("conv1"));
        QCOMPARE(panel.nodeId(), QString("stem"));
        QCOMPARE(renamed.count(), 1);
        QCOMPARE(renamed.at(0).at(0).toString(), QString("stem"));

        // Invalid and duplicate ids are refused; the field shows the id again.
        id->selectAll();
        QTest::keyClicks(id, "1bad id");
        QTest::keyClick(id, Qt::Key_Return);
        QCOMPARE(id->text(), QString("stem"));
        id->selectAll();
        QTest::keyClicks(id, "conv2");
        QTest::keyClick(id, Qt::Key_Return);
        QCOMPARE(id->text(), QString("stem"));
        QVERIFY(doc.design().findNode("stem"));
        QCOMPARE(doc.undoStack()->count(), 1);
    }

    void propertyPanelShowsNodeIssues() {
        DesignDocument doc;
        doc.reset(parse(R"({"format": "strata.design/1", "name": "bad", "nodes": [
            {"id": "in", "type": "Input", "params": {"channels": 1, "height": 8, "width": 8}},
            {"id": "fc", "type": "Linear", "params": {"out_features": 10}},
            {"id": "out", "type": "Output"}]})"));
        PropertyPanel panel(&doc);
        panel.setSelection({"fc"});
        QVERIFY(panel.issuesText().contains("Flatten"));
        QCOMPARE(panel.outputText(), QString("unknown"));
        // The node disappears (undo of its creation, deletion): back to the hint.
        doc.remove({"fc"});
        QVERIFY(panel.nodeId().isEmpty());
    }

    // --- Issues panel ----------------------------------------------------------------------

    void issuesPanelListsIssuesAndActivatesNodes() {
        DesignDocument doc;
        doc.reset(referenceCnn());
        IssuesPanel issues(&doc);
        issues.resize(500, 200);
        issues.show();
        QVERIFY(QTest::qWaitForWindowExposed(&issues));
        QCOMPARE(issues.count(), 0);

        // Remove the Flatten's input: the Linear gets an image.
        doc.reset(parse(R"({"format": "strata.design/1", "name": "bad", "nodes": [
            {"id": "in", "type": "Input", "params": {"channels": 1, "height": 8, "width": 8}},
            {"id": "fc", "type": "Linear", "params": {"out_features": 10}},
            {"id": "out", "type": "Output"}]})"));
        QCOMPARE(issues.count(), int(doc.analysis().issues.size()));
        QVERIFY(issues.count() >= 1);
        QListWidgetItem* row = nullptr;
        for (int i = 0; i < issues.count(); ++i)
            if (IssuesPanel::nodeOf(issues.item(i)) == "fc") row = issues.item(i);
        QVERIFY(row);
        QVERIFY(row->text().contains("node \"fc\""));
        QVERIFY(row->text().contains("Flatten"));
        QVERIFY(!row->icon().isNull());

        QSignalSpy activated(&issues, &IssuesPanel::nodeActivated);
        QTest::mouseClick(issues.viewport(), Qt::LeftButton, {}, issues.visualItemRect(row).center());
        QVERIFY(activated.count() >= 1);
        QCOMPARE(activated.at(0).at(0).toString(), QString("fc"));

        // Fixing the design empties the list.
        doc.reset(referenceCnn());
        QCOMPARE(issues.count(), 0);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(TestPanels)
#include "test_panels.moc"
