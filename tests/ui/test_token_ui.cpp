// The token layers in the studio: the palette's Transformer group, a choice param
// (LayerNorm's normalized_shape, TokenPool's mode) edited through a real combo box in the
// Properties panel as one undo step, and a mis-wired transformer's message on the node to change.
#include <QtTest/QtTest>

#include <QComboBox>
#include <QSpinBox>
#include <QTreeWidget>

#include "design/Design.h"
#include "design/Templates.h"
#include "model/DesignDocument.h"
#include "panels/PalettePanel.h"
#include "panels/PaletteTree.h"
#include "panels/PropertyPanel.h"

using namespace strata;

namespace {

Design vitTiny() { return loadDesign(templatePath("vit-tiny")); }

// Picks `text` in the combo box as a user does: open the popup, move to the item, Return.
void pick(QComboBox* combo, const QString& text) {
    combo->setFocus();
    QTest::keyClick(combo, Qt::Key_Space);  // opens the popup
    QAbstractItemView* list = combo->view();
    QTRY_VERIFY(list->isVisible());
    const int row = combo->findText(text);
    QVERIFY(row >= 0);
    list->setCurrentIndex(list->model()->index(row, 0));
    QTest::keyClick(list, Qt::Key_Return);
}

}  // namespace

class TestTokenUi : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        if (qEnvironmentVariableIsEmpty("STRATA_TEMPLATES"))
            qputenv("STRATA_TEMPLATES", STRATA_SOURCE_DIR "/resources/templates");
        QVERIFY(!templatePath("vit-tiny").empty());
    }

    void paletteHasATransformerGroup() {
        PalettePanel palette;
        QTreeWidget* tree = palette.tree();
        QTreeWidgetItem* group = nullptr;
        for (int g = 0; g < tree->topLevelItemCount(); ++g)
            if (tree->topLevelItem(g)->text(0) == "Transformer") group = tree->topLevelItem(g);
        QVERIFY(group);
        QStringList types;
        for (int i = 0; i < group->childCount(); ++i) types << group->child(i)->text(0);
        QCOMPARE(types, (QStringList{"PatchEmbed", "ClassToken", "PositionEmbedding", "MultiheadAttention", "TokenPool"}));
    }

    void choiceParamIsAComboBoxThatEditsTheDesign() {
        DesignDocument doc;
        doc.reset(vitTiny());
        PropertyPanel panel(&doc);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.setSelection({"norm"});
        auto* combo = qobject_cast<QComboBox*>(panel.editor("normalized_shape"));
        QVERIFY(combo);
        QCOMPARE(combo->currentText(), QString("last"));
        QCOMPARE(combo->count(), 2);
        QCOMPARE(panel.parametersText(), QString("128"));

        pick(combo, "all");
        QCOMPARE(doc.design().findNode("norm")->params.at("normalized_shape"), nlohmann::json("all"));
        QCOMPARE(doc.analysis().find("norm")->parameters, int64_t(2 * 50 * 64));  // over the whole [50, 64]
        QVERIFY(doc.undo());
        QCOMPARE(doc.design().findNode("norm")->params.at("normalized_shape"), nlohmann::json("last"));
        QCOMPARE(combo->currentText(), QString("last"));

        panel.setSelection({"pool"});
        auto* mode = qobject_cast<QComboBox*>(panel.editor("mode"));
        QVERIFY(mode);
        QCOMPARE(mode->currentText(), QString("cls"));
        pick(mode, "mean");
        QCOMPARE(doc.design().findNode("pool")->params.at("mode"), nlohmann::json("mean"));
        QVERIFY(doc.analysis().valid());
    }

    void headsThatDoNotDivideTheWidthAreShownOnTheAttentionNode() {
        DesignDocument doc;
        doc.reset(vitTiny());
        PropertyPanel panel(&doc);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.setSelection({"b2_attn"});
        auto* heads = qobject_cast<QSpinBox*>(panel.editor("num_heads"));
        QVERIFY(heads);
        heads->setFocus();
        heads->selectAll();
        QTest::keyClicks(heads, "5");
        QTest::keyClick(heads, Qt::Key_Return);
        QCOMPARE(doc.design().findNode("b2_attn")->params.at("num_heads"), nlohmann::json(5));
        QVERIFY(!doc.analysis().valid());
        QCOMPARE(doc.analysis().issues.front().node, std::string("b2_attn"));
        QVERIFY(panel.issuesText().contains("num_heads 5 does not divide the token width 64"));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(TestTokenUi)
#include "test_token_ui.moc"
