// The main window as a user drives it: templates, open/save/save-as round trips, the modified
// flag in the title, undo/redo through the shared actions and their shortcuts, recent files,
// the unsaved-changes prompt, the palette and issues panels wired to the canvas, and errors
// that keep the open design. Offscreen, with the settings in Qt's test location.
#include <QtTest/QtTest>

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QUndoStack>

#include "Actions.h"
#include "MainWindow.h"
#include "StudioPanel.h"
#include "Settings.h"
#include "canvas/CanvasStyle.h"
#include "canvas/DesignScene.h"
#include "canvas/DesignView.h"
#include "canvas/NodeItem.h"
#include "data/DatasetPanel.h"
#include "design/Design.h"
#include "design/Templates.h"
#include "model/DesignDocument.h"
#include "panels/IssuesPanel.h"
#include "panels/PalettePanel.h"
#include "panels/PaletteTree.h"
#include "training/TrainingSettingsPanel.h"
#include "panels/PropertyPanel.h"
#include "insight/FeaturesPanel.h"
#include "runs/RunsPanel.h"
#include "support/TestData.h"

using namespace strata;

namespace {

QString tmpl(const char* name) { return QString::fromStdString(templatePath(name)); }

std::string json(const MainWindow& w) { return designToString(w.document()->design()); }

QString statusText(MainWindow& w, const char* name) {
    auto* label = w.statusBar()->findChild<QLabel*>(name);
    return label ? label->text() : QString("<no %1>").arg(name);
}

// Clicks `button` on the next modal message box, from inside its event loop.
void answerNextMessageBox(QMessageBox::StandardButton button) {
    QTimer::singleShot(0, [button] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box) {
            // The box may not be up yet on this turn of the loop; try again shortly.
            answerNextMessageBox(button);
            return;
        }
        QTest::mouseClick(box->button(button), Qt::LeftButton);
    });
}

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // QSettings under ~/.qttest, not the user's
        QCoreApplication::setOrganizationName("StrataTest");
        QCoreApplication::setApplicationName("strata-ui-test");
        if (qEnvironmentVariableIsEmpty("STRATA_TEMPLATES"))
            qputenv("STRATA_TEMPLATES", STRATA_SOURCE_DIR "/resources/templates");
        QVERIFY(tmp_.isValid());
    }

    void init() { QSettings().clear(); }

    void opensATemplateAndShowsItsSummary() {
        MainWindow w;
        w.setAutomation(true);
        QVERIFY(w.openDesign(tmpl("reference-cnn")));
        QCOMPARE(w.designPath(), tmpl("reference-cnn"));
        QCOMPARE(w.windowTitle(), QString("reference-cnn — Strata"));
        QCOMPARE(statusText(w, "statusParameters"), QString("421,642 parameters"));
        QCOMPARE(statusText(w, "statusMacs"), QString("4,241,152 MACs per image"));
        QCOMPARE(statusText(w, "statusIssues"), QString("No issues"));
        QVERIFY(statusText(w, "statusPath").contains("reference-cnn.strata.json"));
        QCOMPARE(Settings::instance().recentFiles().value(0), QFileInfo(tmpl("reference-cnn")).absoluteFilePath());
    }

    void editMarksModifiedInTheTitle() {
        MainWindow w;
        w.setAutomation(true);
        QVERIFY(w.openDesign(tmpl("lenet")));
        QVERIFY(!w.windowTitle().contains('*'));
        QVERIFY(w.document()->setParam("conv1", "out_channels", 12));
        QCOMPARE(w.windowTitle(), QString("lenet* — Strata"));
        w.actions()->get("edit.undo")->trigger();
        QCOMPARE(w.windowTitle(), QString("lenet — Strata"));
    }

    void saveAsThenReloadRoundTrips() {
        MainWindow w;
        w.setAutomation(true);
        QVERIFY(w.openDesign(tmpl("resnet-mini")));
        QVERIFY(w.document()->setParam(w.document()->design().nodes[1].id.c_str(), "out_channels", 24));
        QVERIFY(w.document()->moveNodes({{"in", QPointF(40, -20)}}));
        const std::string before = json(w);
        const QString path = tmp_.filePath("roundtrip.strata.json");
        QVERIFY(w.saveAs(path));
        QCOMPARE(w.designPath(), path);
        QCOMPARE(w.windowTitle(), QString("roundtrip — Strata"));
        QVERIFY(!w.document()->isModified());
        QCOMPARE(Settings::instance().recentFiles().value(0), path);

        MainWindow other;
        other.setAutomation(true);
        QVERIFY(other.openDesign(path));
        QCOMPARE(json(other), before);
        QCOMPARE(other.document()->design().findNode("in")->x, 40.0);

        // Save (not As) writes to the same file again.
        QVERIFY(other.document()->setParam("fc", "bias", false) || other.document()->setParam("in", "channels", 3));
        QVERIFY(other.save());
        QCOMPARE(designToString(loadDesign(path.toStdString())), json(other));
    }

    void saveOfATemplateGoesToSaveAs() {
        MainWindow w;
        w.setAutomation(true);  // Save As would need a dialog: it refuses instead
        QVERIFY(w.openDesign(tmpl("mlp")));
        QVERIFY(MainWindow::isReadOnlyLocation(tmpl("mlp")));
        QVERIFY(!MainWindow::isReadOnlyLocation(tmp_.filePath("x.strata.json")));
        const std::string original = designToString(loadDesign(templatePath("mlp")));
        QVERIFY(w.document()->setParam("fc1", "out_features", 64));
        QVERIFY(!w.save());
        QCOMPARE(designToString(loadDesign(templatePath("mlp"))), original);  // template untouched
        QVERIFY(w.document()->isModified());
    }

    void undoRedoThroughActionsAndShortcuts() {
        MainWindow w;
        w.setAutomation(true);
        w.show();
        w.activateWindow();  // no window manager under xvfb-run activates it for us
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QVERIFY(w.openDesign(tmpl("reference-cnn")));
        QAction* undo = w.actions()->get("edit.undo");
        QAction* redo = w.actions()->get("edit.redo");
        QVERIFY(!undo->isEnabled());
        QVERIFY(w.document()->setParam("conv1", "kernel_size", 5));
        QVERIFY(undo->isEnabled());
        QVERIFY(undo->text().contains("conv1"));

        undo->trigger();
        QCOMPARE(w.document()->design().findNode("conv1")->params.at("kernel_size"), nlohmann::json(3));
        redo->trigger();
        QCOMPARE(w.document()->design().findNode("conv1")->params.at("kernel_size"), nlohmann::json(5));

        w.view()->setFocus();
        QTest::keyClick(w.view(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(w.document()->design().findNode("conv1")->params.at("kernel_size"), nlohmann::json(3));
        QTest::keyClick(w.view(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(w.document()->design().findNode("conv1")->params.at("kernel_size"), nlohmann::json(5));
        QVERIFY(w.windowTitle().contains('*'));
    }

    void menusAndToolbarShareTheRegistry() {
        MainWindow w;
        for (const char* id : {"file.new", "file.open", "file.save", "file.saveAs", "file.quit", "edit.undo",
                               "edit.redo", "edit.copy", "edit.paste", "edit.delete", "edit.selectAll",
                               "edit.autoLayout", "view.zoomIn", "view.zoomOut", "view.fit"})
            QVERIFY2(w.actions()->contains(id), id);
        for (const std::string& name : templateNames())
            QVERIFY(w.actions()->contains("file.template." + QString::fromStdString(name)));
        QCOMPARE(w.actions()->get("edit.undo")->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Z));
        QVERIFY(w.actions()->get("edit.redo")->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)));
        // The same QAction object sits in the menu and the toolbar.
        QAction* save = w.actions()->get("file.save");
        QVERIFY(save->associatedObjects().size() >= 2);
        // The View menu lists the dock toggles.
        QStringList viewEntries;
        for (QAction* a : w.viewMenu()->actions()) viewEntries << a->text();
        QVERIFY(viewEntries.contains("Layers"));
        QVERIFY(viewEntries.contains("Properties"));
        QVERIFY(viewEntries.contains("Issues"));
    }

    // View > Cost Overlay: one of off, parameters, MACs; the canvas follows the checked entry.
    void costOverlayFromTheViewMenu() {
        MainWindow w;
        w.setAutomation(true);
        QVERIFY(w.openDesign(tmpl("reference-cnn")));
        auto* menu = w.viewMenu()->findChild<QMenu*>("costOverlayMenu");
        QVERIFY(menu);
        QVERIFY(menu->actions().contains(w.actions()->get("view.costOverlay.macs")));
        DesignScene* scene = w.view()->designScene();
        QVERIFY(w.actions()->get("view.costOverlay.none")->isChecked());
        w.actions()->get("view.costOverlay.macs")->trigger();
        QCOMPARE(scene->costOverlay(), CostOverlay::Macs);
        QVERIFY(scene->nodeItem("conv2")->costTint() > 0.8);
        QVERIFY(!w.actions()->get("view.costOverlay.none")->isChecked());
        w.actions()->get("view.costOverlay.parameters")->trigger();
        QCOMPARE(scene->costOverlay(), CostOverlay::Parameters);
        QVERIFY(scene->nodeItem("fc1")->costTint() > 0.9);
        // Set from code (--cost-overlay), the menu shows it.
        w.setCostOverlay(CostOverlay::None);
        QVERIFY(w.actions()->get("view.costOverlay.none")->isChecked());
        QCOMPARE(scene->nodeItem("fc1")->costTint(), -1.0);
    }

    void newFromTemplate() {
        MainWindow w;
        w.setAutomation(true);
        w.actions()->get("file.template.mlp")->trigger();
        QCOMPARE(QString::fromStdString(w.document()->design().name), QString("mlp"));
        QVERIFY(w.designPath().isEmpty());  // never saved: Save asks where
        QVERIFY(!w.document()->isModified());
        QCOMPARE(w.windowTitle(), QString("mlp — Strata"));

        w.actions()->get("file.new")->trigger();
        const Design& blank = w.document()->design();
        QCOMPARE(int(blank.nodes.size()), 2);
        QCOMPARE(blank.nodes[0].type, std::string("Input"));
        QCOMPARE(blank.nodes[0].params.at("height"), nlohmann::json(28));
        QCOMPARE(blank.nodes[1].type, std::string("Output"));
        QCOMPARE(int(blank.edges.size()), 1);
        QCOMPARE(statusText(w, "statusPath"), QString("Not saved"));
    }

    void recentFilesMenu() {
        MainWindow w;
        w.setAutomation(true);
        const QString a = tmp_.filePath("a.strata.json"), b = tmp_.filePath("b.strata.json");
        QVERIFY(w.openDesign(tmpl("mlp")));
        QVERIFY(w.saveAs(a));
        QVERIFY(w.openDesign(tmpl("lenet")));
        QVERIFY(w.saveAs(b));
        const QStringList recent = Settings::instance().recentFiles();
        QCOMPARE(recent.value(0), b);
        QVERIFY(recent.indexOf(a) > 0);  // (the opened templates are recent files too)
        QCOMPARE(Settings::instance().lastDesign(), b);

        QAction* entry = nullptr;
        for (QAction* action : w.recentMenu()->actions())
            if (action->data().toString() == a) entry = action;
        QVERIFY(entry);
        entry->trigger();
        QCOMPARE(w.designPath(), a);
        QCOMPARE(Settings::instance().recentFiles().value(0), a);

        for (int i = 0; i < Settings::kMaxRecentFiles + 3; ++i)
            Settings::instance().addRecentFile(tmp_.filePath(QString("f%1.strata.json").arg(i)));
        QCOMPARE(Settings::instance().recentFiles().size(), Settings::kMaxRecentFiles);
        w.actions()->get("file.clearRecent")->trigger();
        QVERIFY(Settings::instance().recentFiles().isEmpty());
    }

    void badFileKeepsTheCurrentDesign() {
        MainWindow w;
        w.setAutomation(true);
        QVERIFY(w.openDesign(tmpl("lenet")));
        const std::string before = json(w);
        QFile bad(tmp_.filePath("broken.strata.json"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"format\": \"strata.design/1\", \"nodes\": [");
        bad.close();
        QVERIFY(!w.openDesign(bad.fileName()));
        QCOMPARE(json(w), before);
        QCOMPARE(w.designPath(), tmpl("lenet"));
        QVERIFY(w.statusBar()->currentMessage().contains("broken.strata.json"));
        QVERIFY(!w.openDesign(tmp_.filePath("missing.strata.json")));
        QVERIFY(w.statusBar()->currentMessage().contains("missing.strata.json"));
    }

    void unsavedChangesPrompt() {
        MainWindow w;
        w.show();
        QVERIFY(w.openDesign(tmpl("lenet")));
        QVERIFY(w.document()->setParam("conv1", "out_channels", 7));

        answerNextMessageBox(QMessageBox::Cancel);
        QVERIFY(!w.newDesign("mlp"));
        QCOMPARE(QString::fromStdString(w.document()->design().name), QString("lenet"));
        QVERIFY(w.document()->isModified());

        answerNextMessageBox(QMessageBox::Cancel);
        QVERIFY(!w.close());
        QVERIFY(w.isVisible());

        answerNextMessageBox(QMessageBox::Discard);
        QVERIFY(w.newDesign("mlp"));
        QCOMPARE(QString::fromStdString(w.document()->design().name), QString("mlp"));
        QVERIFY(w.close());  // unmodified: no prompt
    }

    void paletteDoubleClickAddsAtTheViewCentre() {
        MainWindow w;
        w.setAutomation(true);
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openDesign(tmpl("reference-cnn")));
        const size_t before = w.document()->design().nodes.size();
        QTreeWidget* tree = w.palettePanel()->tree();
        QTreeWidgetItem* item = w.palettePanel()->itemFor("Dropout");
        tree->scrollToItem(item);
        const QPoint p = tree->visualItemRect(item).center();
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, p);  // QTest's double-click needs the click before
        QTest::mouseDClick(tree->viewport(), Qt::LeftButton, {}, p);
        QCOMPARE(w.document()->design().nodes.size(), before + 1);
        const Node& added = w.document()->design().nodes.back();
        QCOMPARE(added.type, std::string("Dropout"));
        QCOMPARE(w.propertyPanel()->nodeId(), QString::fromStdString(added.id));
        QCOMPARE(w.view()->selectedNodeIds(), QStringList{QString::fromStdString(added.id)});
        // The card's centre sits at the centre of the visible canvas.
        const QPointF centre = w.view()->mapToScene(w.view()->viewport()->rect().center());
        QVERIFY(qAbs(added.x + canvas::kCardWidth / 2 - centre.x()) < 2 &&
                qAbs(added.y + canvas::kCardHeight / 2 - centre.y()) < 2);
        w.actions()->get("edit.undo")->trigger();
        QCOMPARE(w.document()->design().nodes.size(), before);
    }

    void issueClickSelectsTheNode() {
        MainWindow w;
        w.setAutomation(true);
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openDesign(tmpl("reference-cnn")));
        QVERIFY(w.document()->remove({"flat"}));  // fc1 now has no input
        QVERIFY(statusText(w, "statusIssues").contains("issue"));
        IssuesPanel* issues = w.issuesPanel();
        QVERIFY(issues->count() > 0);
        QListWidgetItem* row = nullptr;
        for (int i = 0; i < issues->count() && !row; ++i)
            if (!IssuesPanel::nodeOf(issues->item(i)).isEmpty()) row = issues->item(i);
        QVERIFY(row);
        const QString node = IssuesPanel::nodeOf(row);
        issues->scrollToItem(row);
        QTest::mouseClick(issues->viewport(), Qt::LeftButton, {}, issues->visualItemRect(row).center());
        QCOMPARE(w.view()->selectedNodeIds(), QStringList{node});
        QCOMPARE(w.propertyPanel()->nodeId(), node);
        auto* dock = w.findChild<QDockWidget*>("issuesDock");
        QVERIFY(dock->windowTitle().startsWith("Issues ("));
    }

    void selectionEnablesEditActionsAndDeleteRemoves() {
        MainWindow w;
        w.setAutomation(true);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openDesign(tmpl("reference-cnn")));
        QVERIFY(!w.actions()->get("edit.delete")->isEnabled());
        w.view()->selectNodes({"relu3"});
        QVERIFY(w.actions()->get("edit.delete")->isEnabled());
        QCOMPARE(w.propertyPanel()->nodeId(), QString("relu3"));
        w.actions()->get("edit.delete")->trigger();
        QVERIFY(!w.document()->design().findNode("relu3"));
        QVERIFY(w.propertyPanel()->nodeId().isEmpty());
        w.actions()->get("edit.undo")->trigger();
        QVERIFY(w.document()->design().findNode("relu3"));
    }

    void editingKeysInTheIdFieldDoNotDeleteNodes() {
        MainWindow w;
        w.setAutomation(true);
        w.show();
        w.activateWindow();  // no window manager under xvfb-run activates it for us
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QVERIFY(w.openDesign(tmpl("reference-cnn")));
        w.view()->selectNodes({"conv2"});
        QLineEdit* id = w.propertyPanel()->idEdit();
        id->setFocus();
        id->end(false);
        QTest::keyClick(id, Qt::Key_Backspace);
        QTest::keyClick(id, Qt::Key_Delete);
        QCOMPARE(id->text(), QString("conv"));
        QVERIFY(w.document()->design().findNode("conv2"));
        QTest::keyClick(id, Qt::Key_Escape);  // gives the edit up
        QCOMPARE(id->text(), QString("conv2"));
        // A half-typed id left in the field when the window goes commits on focus out,
        // without reaching into the half-destroyed window.
        QTest::keyClick(id, Qt::Key_Backspace);
    }

    void propertyEditFromTheDockIsUndoable() {
        MainWindow w;
        w.setAutomation(true);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openDesign(tmpl("reference-cnn")));
        w.view()->selectNodes({"fc1"});
        auto* spin = qobject_cast<QSpinBox*>(w.propertyPanel()->editor("out_features"));
        QVERIFY(spin);
        spin->setValue(256);
        QCOMPARE(w.document()->analysis().find("fc1")->output, Shape({256}));
        QVERIFY(statusText(w, "statusParameters") != QString("421,642 parameters"));
        w.actions()->get("edit.undo")->trigger();
        QCOMPARE(statusText(w, "statusParameters"), QString("421,642 parameters"));
        QCOMPARE(spin->value(), 128);
    }

    void dataFolderSetsTheClassCount() {
        MainWindow w;
        w.setAutomation(true);
        QVERIFY(w.openDesign(tmpl("reference-cnn")));
        test::makeImageFolder(tmp_.filePath("data"), {"cat", "dog", "eel"}, 2, 8);
        w.setDataFolder(tmp_.filePath("data"));
        // One source: the dataset panel's folder and its scan.
        QCOMPARE(w.datasetPanel()->trainFolder(), tmp_.filePath("data"));
        QCOMPARE(w.dataFolder(), tmp_.filePath("data"));
        // Until the scan is done, the status bar says it is scanning (the scan runs later).
        QVERIFY2(statusText(w, "statusData").contains("data (scanning"), qPrintable(statusText(w, "statusData")));
        QTRY_COMPARE_WITH_TIMEOUT(w.document()->classes(), 3, 10000);
        QCOMPARE(w.datasetPanel()->classNames().size(), 3);
        QCOMPARE(w.document()->analysis().find("fc2")->output, Shape({3}));
        QVERIFY2(statusText(w, "statusData").contains("3 classes"), qPrintable(statusText(w, "statusData")));

        // Another folder chosen in the panel itself: the window follows it too.
        test::makeImageFolder(tmp_.filePath("data2"), {"a", "b"}, 2, 8);
        w.datasetPanel()->setTrainFolder(tmp_.filePath("data2"));
        QTRY_COMPARE_WITH_TIMEOUT(w.document()->classes(), 2, 10000);
        QVERIFY2(statusText(w, "statusData").contains("data2 (2 classes)"), qPrintable(statusText(w, "statusData")));
        QCOMPARE(w.dataFolder(), tmp_.filePath("data2"));
    }

    void imbalanceFixSetsClassWeights() {
        MainWindow w;
        w.setAutomation(true);
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openDesign(tmpl("reference-cnn")));
        test::makeImageFolder(tmp_.filePath("skewed"), {"many"}, 9, 8, 1);
        test::makeImageFolder(tmp_.filePath("skewed"), {"few"}, 2, 8, 2);
        w.setDataFolder(tmp_.filePath("skewed"));
        QPushButton* fix = w.datasetPanel()->balanceButton();
        w.showPanel(StudioPanel::Dataset);
        QTRY_VERIFY_WITH_TIMEOUT(fix->isVisible(), 10000);
        QComboBox* weights = w.settingsPanel()->classWeightsBox();
        QCOMPARE(weights->currentText(), QString("none"));
        QTest::mouseClick(fix, Qt::LeftButton);
        QCOMPARE(weights->currentText(), QString("auto"));
    }

    void lockTurnsOffWhatWouldChangeTheDesign() {
        MainWindow w;
        w.setAutomation(true);
        QVERIFY(w.openDesign(tmpl("reference-cnn")));
        QVERIFY(w.document()->setParam("conv1", "kernel_size", 5));  // something to undo
        Actions* a = w.actions();
        QVERIFY(a->effect("edit.undo") == DesignEffect::Edits);
        QVERIFY(a->effect("file.template.lenet") == DesignEffect::Replaces);
        QVERIFY(a->effect("file.saveAs") == DesignEffect::Replaces);
        QVERIFY(a->effect("view.fit") == DesignEffect::None);
        w.document()->setLocked(true);
        for (const QString& id : a->ids())
            if (a->effect(id) != DesignEffect::None) QVERIFY2(!a->get(id)->isEnabled(), qPrintable(id));
        QVERIFY(a->get("view.fit")->isEnabled());
        QVERIFY(!a->get("edit.copy")->isEnabled());  // nothing selected
        // A selection made while locked enables copying, not deleting.
        w.view()->selectNodes({"relu3"});
        QVERIFY(a->get("edit.copy")->isEnabled());
        QVERIFY(!a->get("edit.delete")->isEnabled());
        QVERIFY(!a->get("edit.cut")->isEnabled());
        for (QAction* entry : w.recentMenu()->actions())
            if (!entry->data().toString().isEmpty()) QVERIFY(!entry->isEnabled());
        // The entry points refuse and say why.
        const std::string before = json(w);
        QVERIFY(!w.newDesign("lenet"));
        QVERIFY(!w.openDesign(tmpl("mlp")));
        QVERIFY(!w.saveAs(tmp_.filePath("moved.strata.json")));
        QCOMPARE(w.statusBar()->currentMessage(), w.document()->lockReason());
        QCOMPARE(json(w), before);

        w.document()->setLocked(false);
        QVERIFY(a->get("edit.undo")->isEnabled());
        QVERIFY(a->get("edit.delete")->isEnabled());  // the selection is still there
        QVERIFY(a->get("file.template.lenet")->isEnabled());
    }

    void showPanelBringsItsDockToTheFront() {
        MainWindow w;
        w.setAutomation(true);
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        for (StudioPanel p : kStudioPanels) {
            QVERIFY(w.dock(p));
            QVERIFY(studioPanelNamed(studioPanelName(p)) == p);
            QCOMPARE(w.dock(p)->objectName(), studioPanelName(p) + "Dock");
        }
        QVERIFY(w.showPanel(StudioPanel::Features, "hierarchy"));
        QTRY_VERIFY(!w.featuresPanel()->visibleRegion().isEmpty());
        QVERIFY(w.featuresPanel()->tabs()->tabText(w.featuresPanel()->tabs()->currentIndex()).startsWith("Hierarchy"));
        QVERIFY(!w.showPanel(StudioPanel::Features, "no-such-tab"));
        QVERIFY(w.showPanel(StudioPanel::Runs));
        QTRY_VERIFY(!w.runsPanel()->visibleRegion().isEmpty());
        QVERIFY(w.featuresPanel()->visibleRegion().isEmpty());  // behind the runs tab now
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
