// The studio's Precision setting: a combo in the training settings with fp32, bf16 and auto,
// filled from and written to the TrainConfig, remembered per design, locked while training,
// and its tooltip telling what this CPU offers.
#include <QtTest/QtTest>

#include <QComboBox>
#include <QSettings>
#include <QStandardPaths>

#include "compile/Precision.h"
#include "training/TrainingSettingsPanel.h"

using namespace strata;

class PrecisionSettingTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // QSettings under ~/.qttest, not the user's
        QCoreApplication::setOrganizationName("StrataTest");
        QCoreApplication::setApplicationName("test_precision_setting");
        QSettings().clear();
    }

    void comboOffersThePrecisions() {
        TrainingSettingsPanel panel;
        QComboBox* box = panel.precisionBox();
        QVERIFY(box);
        QCOMPARE(box->count(), 3);
        QCOMPARE(box->itemText(0), QString("fp32"));
        QCOMPARE(box->itemText(1), QString("bf16"));
        QCOMPARE(box->itemText(2), QString("auto"));
        QCOMPARE(box->currentText(), QString("fp32"));  // the default of docs/ARCHITECTURE.md §7
        QCOMPARE(panel.config().precision, std::string("fp32"));
        QVERIFY(box->toolTip().contains(QString::fromStdString(cpuPrecisionSupport().describe())));
    }

    void roundTripsThroughConfigAndSettings() {
        TrainingSettingsPanel panel;
        QSignalSpy changed(&panel, &TrainingSettingsPanel::configChanged);
        panel.precisionBox()->setCurrentText("bf16");
        QCOMPARE(changed.count(), 1);
        TrainConfig c = panel.config();
        QCOMPARE(c.precision, std::string("bf16"));

        TrainConfig other;
        other.precision = "auto";
        panel.setConfig(other);
        QCOMPARE(changed.count(), 1);  // setConfig emits nothing
        QCOMPARE(panel.precisionBox()->currentText(), QString("auto"));

        panel.save("design-a");
        TrainingSettingsPanel reopened;
        QVERIFY(reopened.load("design-a"));
        QCOMPARE(reopened.config().precision, std::string("auto"));
        TrainingSettingsPanel fresh;
        fresh.load("design-never-saved");
        QCOMPARE(fresh.config().precision, std::string("fp32"));
    }

    void lockedWhileTraining() {
        TrainingSettingsPanel panel;
        panel.setReadOnly(true);
        QVERIFY(!panel.precisionBox()->isEnabled());
        panel.setReadOnly(false);
        QVERIFY(panel.precisionBox()->isEnabled());
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(PrecisionSettingTest)
#include "test_precision_setting.moc"
