// The studio's automation options, as the docs use them: train at launch, screenshot at the
// end, exit code tells whether training worked — and what the user would see: the run file
// with the trained epochs, plots that hold points and a status line that names the run (the
// studio prints them from its widgets at the end of an automated training).
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include "runs/RunFile.h"
#include "support/TestData.h"

namespace {

// The value after "<key>: " on a line of the studio's report ("" when missing).
QString reportLine(const QString& out, const QString& key) {
    const QRegularExpression line("^" + QRegularExpression::escape(key) + ": (.*)$", QRegularExpression::MultilineOption);
    return line.match(out).captured(1).trimmed();
}

// The point count of `plot` in the report's "plots: loss N, epochs N, rate N" (-1 when missing).
int plotPoints(const QString& out, const QString& plot) {
    const QRegularExpression count("\\b" + plot + " (\\d+)");
    const QRegularExpressionMatch m = count.match(reportLine(out, "plots"));
    return m.hasMatch() ? m.captured(1).toInt() : -1;
}

}  // namespace

class StudioAutomationTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    int studio(const QStringList& args, QString* err, QString* out = nullptr) {
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
        if (out) *out = QString::fromUtf8(p.readAllStandardOutput());
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

    // --cost-overlay tints the cards for the picture; any kind but params and macs is bad input.
    void costOverlayOption() {
        const QString design = QString(STRATA_SOURCE_DIR) + "/resources/templates/reference-cnn.strata.json";
        const QString png = tmp_.filePath("cost.png");
        QString err;
        QCOMPARE(studio({design, "--cost-overlay", "macs", "--screenshot", png}, &err), 0);
        QCOMPARE(QImage(png).size(), QSize(1600, 1000));
        QCOMPARE(studio({design, "--cost-overlay", "flops", "--screenshot", png}, &err), 2);
        QVERIFY2(err.contains("error: --cost-overlay must be params or macs"), qPrintable(err));
    }

    void trainAtLaunchThenScreenshot() {
        strata::test::makeImageFolder(tmp_.filePath("data"), {"a", "b"}, 20, 16, 3);
        const QString design = strata::test::writeText(tmp_.filePath("tiny.strata.json"), strata::test::tinyCnnDesign());
        const QString png = tmp_.filePath("trained.png");
        QString err, out;
        QCOMPARE(studio({design, "--data", tmp_.filePath("data"), "--train", "--epochs", "2", "--screenshot", png}, &err,
                        &out),
                 0);
        QVERIFY2(QImage(png).size() == QSize(1600, 1000), qPrintable(err));

        // The run file, where the design's runs go, with the epochs trained.
        const QStringList runs = QDir(tmp_.filePath("runs")).entryList({"*.h5"});
        QCOMPARE(runs.size(), 1);
        const QString run = QDir(tmp_.filePath("runs")).filePath(runs.first());
        QCOMPARE(reportLine(out, "run"), run);
        const strata::RunData data = strata::readRunFile(run.toStdString());
        QCOMPARE(data.epoch, int64_t(2));
        QCOMPARE(data.epochMetrics.at("epoch").size(), size_t(2));
        QVERIFY(!data.stepLoss.empty());

        // The plots hold what was trained: a loss and a rate point per batch, a point per epoch.
        QCOMPARE(plotPoints(out, "epochs"), 2);
        QCOMPARE(plotPoints(out, "loss"), int(data.stepLoss.size()));
        QCOMPARE(plotPoints(out, "rate"), int(data.stepLoss.size()));
        // The status line names the run.
        QVERIFY2(reportLine(out, "status").contains(run), qPrintable(out));
        QVERIFY2(reportLine(out, "status").startsWith("Training finished"), qPrintable(out));
    }

    void trainingOnAMissingFolderIsBadInput() {
        const QString design = strata::test::writeText(tmp_.filePath("tiny2.strata.json"), strata::test::tinyCnnDesign());
        QString err;
        const int rc = studio({design, "--data", tmp_.filePath("missing"), "--train", "--epochs", "1", "--screenshot",
                               tmp_.filePath("failed.png")}, &err);
        QCOMPARE(rc, 2);
        QVERIFY2(err.contains("error: "), qPrintable(err));
        QVERIFY2(err.contains(tmp_.filePath("missing")), qPrintable(err));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(StudioAutomationTest)
#include "test_studio.moc"
