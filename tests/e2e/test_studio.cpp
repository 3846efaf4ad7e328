// The studio's automation options, as the docs use them: train at launch, screenshot at the
// end, exit code tells whether training worked.
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "support/TestData.h"

class StudioAutomationTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    int studio(const QStringList& args, QString* err) {
        QProcess p;
        // Keep the user's settings and data folders out of it.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_CONFIG_HOME", tmp_.filePath("config"));
        env.insert("XDG_DATA_HOME", tmp_.filePath("share"));
        env.insert("QT_QPA_PLATFORM", "offscreen");
        p.setProcessEnvironment(env);
        p.start(STRATA_BIN, args);
        if (!p.waitForFinished(180000)) {
            p.kill();
            return -2;
        }
        *err = QString::fromUtf8(p.readAllStandardError());
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

private slots:
    void screenshotOfADesign() {
        const QString png = tmp_.filePath("design.png");
        QString err;
        QCOMPARE(studio({QString(STRATA_SOURCE_DIR) + "/resources/templates/resnet-mini.strata.json", "--screenshot", png}, &err), 0);
        const QImage image(png);
        QCOMPARE(image.size(), QSize(1600, 1000));
    }

    void trainAtLaunchThenScreenshot() {
        strata::test::makeImageFolder(tmp_.filePath("data"), {"a", "b"}, 20, 16, 3);
        const QString design = strata::test::writeText(tmp_.filePath("tiny.strata.json"), strata::test::tinyCnnDesign());
        const QString png = tmp_.filePath("trained.png");
        QString err;
        QCOMPARE(studio({design, "--data", tmp_.filePath("data"), "--train", "--epochs", "2", "--screenshot", png}, &err), 0);
        QVERIFY2(QImage(png).size() == QSize(1600, 1000), qPrintable(err));
        QCOMPARE(QDir(tmp_.filePath("runs")).entryList({"*.h5"}).size(), 1);
    }

    void trainingFailureExitsNonZero() {
        const QString design = strata::test::writeText(tmp_.filePath("tiny2.strata.json"), strata::test::tinyCnnDesign());
        QString err;
        const int rc = studio({design, "--data", tmp_.filePath("missing"), "--train", "--epochs", "1", "--screenshot",
                               tmp_.filePath("failed.png")}, &err);
        QVERIFY(rc != 0);
        QVERIFY2(err.contains("missing"), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(StudioAutomationTest)
#include "test_studio.moc"
