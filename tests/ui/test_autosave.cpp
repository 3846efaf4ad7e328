// Autosave: unsaved edits reach disk after a short delay, a save or a normal exit removes
// them, and a file left by a dead session comes back as an unsaved design.
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "Autosave.h"
#include "MainWindow.h"
#include "model/DesignDocument.h"
#include "support/TestData.h"

using namespace strata;

class AutosaveTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QDir(Autosave::folder()).removeRecursively();
    }

    void editsAreWrittenAndSavesRemoveThem() {
        DesignDocument doc;
        doc.load(test::templateFile("mlp"));
        Autosave autosave(&doc);
        autosave.setDelay(50);
        QVERIFY(!QFile::exists(autosave.filePath()));
        doc.addNode("ReLU", {0, 0});
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(autosave.filePath()), 2000);
        QCOMPARE(designToString(loadDesign(autosave.filePath().toStdString())), designToString(doc.design()));
        // Our own live session is not a crash leftover.
        QVERIFY(!Autosave::leftovers().contains(autosave.filePath()));
        QVERIFY(doc.save(tmp_.filePath("saved.strata.json")));
        QVERIFY(!QFile::exists(autosave.filePath()));
    }

    void leftoverOfADeadSessionIsRestoredAsUnsaved() {
        // pid 999999999 cannot be running: this is what a crashed session leaves behind.
        QDir().mkpath(Autosave::folder());
        const QString leftover = Autosave::folder() + "/session-999999999.strata.json";
        Design design = loadDesign(test::templateFile("lenet").toStdString());
        design.name = "lost-work";
        saveDesign(design, leftover.toStdString());
        QCOMPARE(Autosave::leftovers(), QStringList{leftover});

        MainWindow window;
        window.setAutomation(true);
        QVERIFY(window.restoreAutosave(leftover));
        QCOMPARE(window.document()->design().name, std::string("lost-work"));
        QVERIFY(window.document()->isModified());
        QVERIFY(window.document()->path().isEmpty());
        QVERIFY(!QFile::exists(leftover));
        QVERIFY(Autosave::leftovers().isEmpty());
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(AutosaveTest)
#include "test_autosave.moc"
