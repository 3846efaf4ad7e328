// The training settings panel's augmentation and class-imbalance settings, through real
// keyboard and mouse events: any +-joined augmentation set (kept canonically), class weights
// and sampler choices, and their memory per design.
#include <QtTest/QtTest>

#include <QComboBox>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>

#include "training/TrainingSettingsPanel.h"

using namespace strata;

class AugmentBalancePanelTest : public QObject {
    Q_OBJECT
private slots:
    void init() { QSettings().remove("training"); }

    void typedAugmentationIsCanonical() {
        TrainingSettingsPanel panel;
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QSignalSpy changed(&panel, &TrainingSettingsPanel::configChanged);
        QLineEdit* edit = panel.augmentBox()->lineEdit();
        QVERIFY(edit);
        QTest::mouseDClick(edit, Qt::LeftButton);
        edit->selectAll();
        QTest::keyClicks(edit, "erase+rotate+flip");
        QVERIFY(changed.count() > 0);
        QCOMPARE(panel.config().augment, std::string("flip+rotate+erase"));
        // The list offers the new names.
        QVERIFY(panel.augmentBox()->findText("flip+crop+rotate+jitter+erase") >= 0);
        // A bad name is kept as typed: starting the training names it.
        edit->selectAll();
        QTest::keyClicks(edit, "flip+blur");
        QCOMPARE(panel.config().augment, std::string("flip+blur"));
    }

    void classWeightsAndSamplerByKeyboard() {
        TrainingSettingsPanel panel;
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QCOMPARE(panel.config().classWeights, std::string("none"));
        panel.classWeightsBox()->setFocus();
        QTest::keyClick(panel.classWeightsBox(), Qt::Key_Down);
        QCOMPARE(panel.config().classWeights, std::string("auto"));
        panel.samplerBox()->setFocus();
        QTest::keyClick(panel.samplerBox(), Qt::Key_Down);
        QCOMPARE(panel.config().sampler, std::string("balanced"));
    }

    void rememberedPerDesign() {
        {
            TrainingSettingsPanel panel;
            panel.load("design-a");
            panel.show();
            QVERIFY(QTest::qWaitForWindowExposed(&panel));
            panel.classWeightsBox()->setFocus();
            QTest::keyClick(panel.classWeightsBox(), Qt::Key_Down);  // saved at once
            QLineEdit* edit = panel.augmentBox()->lineEdit();
            edit->selectAll();
            QTest::keyClicks(edit, "jitter+crop");
        }
        TrainingSettingsPanel again;
        QVERIFY(again.load("design-a"));
        QCOMPARE(again.config().classWeights, std::string("auto"));
        QCOMPARE(again.config().augment, std::string("crop+jitter"));
        TrainingSettingsPanel other;
        other.load("design-b");
        QCOMPARE(other.config().classWeights, std::string("none"));
        // A run's settings show as recorded.
        TrainConfig c;
        c.augment = "flip+crop+rotate";
        c.sampler = "balanced";
        other.setConfig(c);
        QCOMPARE(other.augmentBox()->currentText(), QString("flip+crop+rotate"));
        QCOMPARE(other.config().sampler, std::string("balanced"));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(AugmentBalancePanelTest)
#include "test_augment_balance_panel.moc"
