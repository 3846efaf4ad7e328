// Blocks on the canvas driven with real events (offscreen): clicks and Ctrl+clicks on cards,
// Ctrl+G / Ctrl+Shift+G, Repeat ×N answered in its dialog with keys, the frame's ▾ and the card's
// ▸ toggles, a double click, and Ctrl+Z / Ctrl+Shift+Z after each step; then a save and reload
// that keeps the blocks and a flat graph identical to the one before any block edit.
#include <QtTest/QtTest>

#include <QAction>
#include <QElapsedTimer>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>

#include "Actions.h"
#include "MainWindow.h"
#include "canvas/BlockItem.h"
#include "canvas/BlockLayer.h"
#include "canvas/DesignScene.h"
#include "canvas/DesignView.h"
#include "canvas/EdgeItem.h"
#include "canvas/NodeItem.h"
#include "design/DesignAnalysis.h"
#include "design/DesignGroups.h"
#include "design/DesignTransforms.h"
#include "model/DesignDocument.h"
#include "support/TestData.h"

using namespace strata;

namespace {

std::string flatJson(const Design& d) { return designToJson(flatDesign(d)).dump(); }

const Group* group(const MainWindow& w, const char* id) { return findGroup(w.document()->design(), id); }

// Answers the next QInputDialog by typing `text` into its spin box (int dialogs) or line edit
// and pressing Enter. Gives up after about five seconds, and a dialog it cannot fill is
// rejected, so a broken dialog fails the test instead of hanging it.
void answerNextInputDialog(const QString& text, int triesLeft = 250) {
    QTimer::singleShot(20, [text, triesLeft] {
        QInputDialog* dialog = nullptr;  // the visible one, whatever else is modal or active
        for (QWidget* w : QApplication::topLevelWidgets())
            if (auto* d = qobject_cast<QInputDialog*>(w); d && d->isVisible()) dialog = d;
        if (!dialog) {
            if (triesLeft > 0) answerNextInputDialog(text, triesLeft - 1);  // not up yet
            return;
        }
        QWidget* field = dialog->findChild<QSpinBox*>();
        if (!field || !field->isVisible()) field = dialog->findChild<QLineEdit*>();
        if (!field) {
            dialog->reject();
            return;
        }
        field->setFocus();
        QTest::keyClick(field, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(field, text);
        QTest::keyClick(field, Qt::Key_Return);
        if (dialog->isVisible()) dialog->reject();  // the keys did not close it
    });
}

}  // namespace

class BlocksTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<MainWindow> w_;
    QTemporaryDir tmp_;

    DesignView* view() const { return w_->view(); }
    DesignScene* scene() const { return view()->designScene(); }
    BlockLayer* blocks() const { return scene()->blockLayer(); }
    QWidget* viewport() const { return view()->viewport(); }

    // The view point of a scene point, scrolled into view at 100 % zoom first.
    QPoint at(QPointF scenePos) {
        view()->setTransform(QTransform());
        view()->centerOn(scenePos);
        return view()->mapFromScene(scenePos);
    }
    void click(QPointF scenePos, Qt::KeyboardModifiers mods = {}) {
        QTest::mouseClick(viewport(), Qt::LeftButton, mods, at(scenePos));
    }
    void clickNode(const char* id, Qt::KeyboardModifiers mods = {}) {
        NodeItem* node = scene()->nodeItem(id);
        QVERIFY2(node && node->isVisible(), id);
        click(node->sceneBoundingRect().center(), mods);
    }
    void keys(Qt::Key key, Qt::KeyboardModifiers mods) {
        view()->setFocus();
        QTest::keyClick(view(), key, mods);
    }
    // After a modal dialog: offscreen, nothing gives the window its focus back.
    void reactivate() {
        w_->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(w_.get()));
    }
    void undo() { keys(Qt::Key_Z, Qt::ControlModifier); }
    void redo() { keys(Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier); }

private slots:
    void initTestCase() {
        if (qEnvironmentVariableIsEmpty("STRATA_TEMPLATES"))
            qputenv("STRATA_TEMPLATES", STRATA_SOURCE_DIR "/resources/templates");
        QVERIFY(tmp_.isValid());
    }

    void init() {
        w_ = std::make_unique<MainWindow>();
        w_->setAutomation(true);  // errors go to the status bar, never a message box
        w_->resize(1400, 900);
        w_->show();
        w_->activateWindow();  // no window manager offscreen activates it for us
        QVERIFY(QTest::qWaitForWindowActive(w_.get()));
        QVERIFY(w_->openDesign(test::templateFile("resnet-mini")));
    }

    void cleanup() { w_.reset(); }

    void templateShowsItsResidualBlocksFramed() {
        QVERIFY(group(*w_, "block1") && group(*w_, "block2"));
        BlockFrameItem* frame = blocks()->frame("block1");
        QVERIFY(frame && frame->isVisible());
        QCOMPARE(frame->content().name, QString("Residual 16"));
        QCOMPARE(frame->content().layers, 6);
        for (const char* id : {"b1_conv1", "b1_add"})
            QVERIFY(frame->frame().contains(scene()->nodeItem(id)->sceneBoundingRect()));
        QVERIFY(!blocks()->card("block1"));
    }

    void groupUngroupWithKeysAndUndo() {
        const std::string flat = flatJson(w_->document()->design());
        // Ctrl+Shift+G on a layer of block2 ungroups it; Ctrl+Z brings it back.
        clickNode("b2_bn1");
        keys(Qt::Key_G, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(!group(*w_, "block2"));
        QVERIFY(!blocks()->frame("block2"));
        undo();
        QVERIFY(group(*w_, "block2"));
        redo();
        QVERIFY(!group(*w_, "block2"));
        // Click and Ctrl+click three layers, Ctrl+G: a new block of those, in design order.
        clickNode("b2_relu1");
        clickNode("b2_conv1", Qt::ControlModifier);
        clickNode("b2_bn1", Qt::ControlModifier);
        QCOMPARE(view()->selectedNodeIds(), (QStringList{"b2_conv1", "b2_bn1", "b2_relu1"}));
        QVERIFY(w_->actions()->get("edit.group")->isEnabled());
        keys(Qt::Key_G, Qt::ControlModifier);
        const Group* made = group(*w_, "block2");
        QVERIFY(made);
        QCOMPARE(made->nodes, (std::vector<std::string>{"b2_conv1", "b2_bn1", "b2_relu1"}));
        QVERIFY(blocks()->frame("block2"));
        QVERIFY(!w_->actions()->get("edit.group")->isEnabled());  // already grouped
        undo();
        QVERIFY(!group(*w_, "block2"));
        redo();
        QCOMPARE(group(*w_, "block2")->nodes.size(), std::size_t(3));
        QCOMPARE(flatJson(w_->document()->design()), flat);  // blocks never touch the graph
    }

    void repeatThreeTimesThroughTheNodeMenu() {
        const std::size_t nodes = w_->document()->design().nodes.size();
        const qint64 params = w_->document()->analysis().totalParameters;
        clickNode("b1_conv1");
        const std::unique_ptr<QMenu> menu = view()->nodeMenu("b1_conv1");
        QAction* repeat = nullptr;
        for (QAction* a : menu->actions())
            if (a == w_->actions()->get("edit.repeat")) repeat = a;
        QVERIFY(repeat && repeat->isEnabled());
        w_->setAutomation(false);  // the dialog asks how many
        answerNextInputDialog("3");
        repeat->trigger();
        w_->setAutomation(true);
        reactivate();
        const Group* g = group(*w_, "block1");
        QCOMPARE(g->repeat, 3);
        QCOMPARE(w_->document()->design().nodes.size(), nodes + 12);
        QVERIFY(w_->document()->analysis().valid());
        QVERIFY(w_->document()->analysis().totalParameters > params);
        for (const char* id : {"b1_conv1_2", "b1_add_2", "b1_conv1_3", "b1_add_3"}) QVERIFY2(scene()->nodeItem(id), id);
        QVERIFY(scene()->edgeItem(Edge{"b1_add", "b1_add_2", 1}));   // the skip of copy 2
        QVERIFY(scene()->edgeItem(Edge{"b1_add_3", "b1_relu", 0}));  // the last copy feeds on
        QCOMPARE(blocks()->frame("block1")->content().repeat, 3);
        undo();
        QCOMPARE(w_->document()->design().nodes.size(), nodes);
        QCOMPARE(group(*w_, "block1")->repeat, 1);
        redo();
        QCOMPARE(group(*w_, "block1")->repeat, 3);
    }

    void renameThroughTheNodeMenu() {
        clickNode("b2_conv1");
        const std::unique_ptr<QMenu> menu = view()->nodeMenu("b2_conv1");
        QAction* rename = w_->actions()->get("edit.renameBlock");
        QVERIFY(menu->actions().contains(rename) && rename->isEnabled());
        w_->setAutomation(false);
        answerNextInputDialog("Wide residual");
        rename->trigger();
        w_->setAutomation(true);
        reactivate();
        QCOMPARE(group(*w_, "block2")->name, std::string("Wide residual"));
        QCOMPARE(blocks()->frame("block2")->content().name, QString("Wide residual"));
        undo();
        QCOMPARE(group(*w_, "block2")->name, std::string("Residual 32"));
    }

    void repeatRefusalSaysWhy() {
        // A layer feeding two blocks' worth of outputs: the Output can't be in a repeat.
        clickNode("fc");
        clickNode("out", Qt::ControlModifier);
        const std::string before = designToString(w_->document()->design());
        w_->actions()->get("edit.repeat")->trigger();  // automation: twice, no dialog
        QCOMPARE(designToString(w_->document()->design()), before);
        QVERIFY(w_->statusBar()->currentMessage().contains("cannot repeat"));
    }

    void collapseAndExpandWithTheToggles() {
        const std::string flat = flatJson(w_->document()->design());
        BlockFrameItem* frame = blocks()->frame("block1");
        click(frame->toggleSceneRect().center());
        QVERIFY(group(*w_, "block1")->collapsed);
        BlockItem* card = blocks()->card("block1");
        QVERIFY(card && card->isVisible());
        QCOMPARE(card->content().input, QString("[N, 16, 28, 28]"));
        QCOMPARE(card->content().output, QString("[N, 16, 28, 28]"));
        QVERIFY(!card->content().parameters.isEmpty());
        QVERIFY(!scene()->nodeItem("b1_conv1")->isVisible());
        // The wires in and out end on the card; the inner ones and the duplicate skip hide.
        EdgeItem* in = scene()->edgeItem(Edge{"stem_relu", "b1_conv1", 0});
        EdgeItem* skip = scene()->edgeItem(Edge{"stem_relu", "b1_add", 1});
        EdgeItem* out = scene()->edgeItem(Edge{"b1_add", "b1_relu", 0});
        QVERIFY(in->isVisible() && !skip->isVisible());
        QCOMPARE(in->toPos(), card->inputPortScenePos());
        QCOMPARE(out->fromPos(), card->outputPortScenePos());
        QVERIFY(!scene()->edgeItem(Edge{"b1_conv1", "b1_bn1", 0})->isVisible());
        undo();
        QVERIFY(!group(*w_, "block1")->collapsed);
        QVERIFY(scene()->nodeItem("b1_conv1")->isVisible());
        redo();
        QVERIFY(group(*w_, "block1")->collapsed);
        // The card's ▸ expands; so does a double click.
        card = blocks()->card("block1");
        click(card->mapRectToScene(BlockItem::toggleRect()).center());
        QVERIFY(!group(*w_, "block1")->collapsed);
        w_->actions()->get("view.collapseBlocks")->trigger();
        QVERIFY(group(*w_, "block1")->collapsed && group(*w_, "block2")->collapsed);
        QCOMPARE(w_->actions()->get("view.collapseBlocks")->text(), QString("&Expand All Blocks"));
        card = blocks()->card("block2");
        QTest::mouseDClick(viewport(), Qt::LeftButton, {}, at(card->sceneBoundingRect().center()));
        QVERIFY(!group(*w_, "block2")->collapsed);
        QCOMPARE(flatJson(w_->document()->design()), flat);
    }

    void collapsedCardSelectsUngroupsAndMoves() {
        w_->document()->setGroupCollapsed("block1", true);
        BlockItem* card = blocks()->card("block1");
        // Selecting a hidden layer (as the issues list does) selects its card.
        view()->selectNodes({"b1_bn1"});
        QVERIFY(card->isSelected());
        scene()->clearSelection();
        const QPointF conv = w_->document()->position("b1_conv1");
        // A drag of the card moves every layer of the block, one undo step.
        const QPoint from = at(card->mapToScene(QPointF(40, 60)));
        QTest::mousePress(viewport(), Qt::LeftButton, {}, from);
        for (int i = 1; i <= 4; ++i) QTest::mouseMove(viewport(), from + QPoint(10 * i, 15 * i));
        QTest::mouseRelease(viewport(), Qt::LeftButton, {}, from + QPoint(40, 60));
        QCOMPARE(w_->document()->position("b1_conv1"), conv + QPointF(40, 60));
        undo();
        QCOMPARE(w_->document()->position("b1_conv1"), conv);
        // Its context menu: Expand and the window's block commands.
        {
            const std::unique_ptr<QMenu> menu = blocks()->cardMenu("block1");
            QStringList texts;
            for (QAction* a : menu->actions()) texts << a->text();
            QVERIFY2(texts.contains("Expand Block") && menu->actions().contains(w_->actions()->get("edit.ungroup")) &&
                         menu->actions().contains(w_->actions()->get("edit.repeat")),
                     qPrintable(texts.join(", ")));
            menu->actions().first()->trigger();
            QVERIFY(!group(*w_, "block1")->collapsed);
            undo();
            QVERIFY(group(*w_, "block1")->collapsed);
        }
        // A click selects the card, which stands for its layers; Ctrl+Shift+G ungroups.
        card = blocks()->card("block1");
        click(card->mapToScene(QPointF(40, 60)));
        QVERIFY(card->isSelected());
        QVERIFY(view()->selectedNodeIds().contains("b1_bn2"));
        keys(Qt::Key_G, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(!group(*w_, "block1"));
        QVERIFY(!blocks()->card("block1"));
        QVERIFY(scene()->nodeItem("b1_conv1")->isVisible());
        undo();
        QVERIFY(group(*w_, "block1") && group(*w_, "block1")->collapsed);
        QVERIFY(blocks()->card("block1"));
    }

    // A 200-block residual stack (~850 layers) with every block grouped: collapsing and
    // expanding them all, and one of them, stay interactive.
    void manyBlocksStayResponsive() {
        DeepStackSpec spec;
        spec.depth = 200;
        spec.batchNorm = true;
        spec.residual = true;
        Design d = deepStack(spec);
        for (int k = 1; k <= spec.depth; ++k) {
            const std::string p = "b" + std::to_string(k) + "_";
            groupNodes(d, {p + "conv", p + "bn", p + "add", p + "act"});
        }
        QVERIFY(w_->document()->reset(d));
        QElapsedTimer timer;
        timer.start();
        QVERIFY(w_->document()->setAllGroupsCollapsed(true));
        const qint64 collapseAll = timer.restart();
        QVERIFY(w_->document()->setGroupCollapsed("block100", false));
        const qint64 expandOne = timer.restart();
        QVERIFY(w_->document()->setAllGroupsCollapsed(false));
        const qint64 expandAll = timer.restart();
        QVERIFY(w_->document()->setParam("head", "bias", false));  // for scale: any edit re-syncs
        const qint64 paramEdit = timer.elapsed();
        QVERIFY(blocks()->frame("block200") && !blocks()->card("block200"));
        qInfo("200 blocks, %d layers: collapse all %lld ms, expand one %lld ms, expand all %lld ms, a param edit %lld ms",
              int(d.nodes.size()), collapseAll, expandOne, expandAll, paramEdit);
        QVERIFY2(collapseAll < 3000 && expandOne < 3000 && expandAll < 3000, "block edits became slow");
    }

    void saveAndReloadKeepBlocksAndTheFlatGraph() {
        const std::string flat = flatJson(w_->document()->design());
        clickNode("b1_conv1");
        w_->setAutomation(false);
        answerNextInputDialog("3");
        w_->actions()->get("edit.repeat")->trigger();
        w_->setAutomation(true);
        reactivate();
        click(blocks()->frame("block1")->toggleSceneRect().center());
        QVERIFY(group(*w_, "block1")->collapsed);
        const std::string repeatedFlat = flatJson(w_->document()->design());
        QVERIFY(repeatedFlat != flat);
        const QString path = tmp_.filePath("blocks.strata.json");
        QVERIFY(w_->saveAs(path));

        DesignDocument other;
        QString error;
        QVERIFY2(other.load(path, &error), qPrintable(error));
        QCOMPARE(designToString(other.design()), designToString(w_->document()->design()));
        QCOMPARE(flatJson(other.design()), repeatedFlat);
        const Group* g = findGroup(other.design(), "block1");
        QVERIFY(g && g->collapsed && g->repeat == 3);
        // Ungrouped everything, the graph is the one saved: blocks are editor data only.
        for (const Group& each : std::vector<Group>(other.design().groups)) QVERIFY(other.ungroup(QString::fromStdString(each.id)));
        QCOMPARE(designToJson(other.design()).dump(), repeatedFlat);
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(BlocksTest)
#include "test_blocks.moc"
