// Packaging (issue 7): builds the Debian package with CPack into a temp folder, checks its
// control fields and contents with dpkg-deb, unpacks it into a temp root and runs the
// unpacked /usr/bin/strata (--version, check on an installed template, the studio offscreen),
// and validates the .desktop entry. Skipped where cpack or dpkg-deb is missing.
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Result {
    int code = -1;
    QString out, err;
};

Result run(const QString& program, const QStringList& args, const QString& workDir = {},
           const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(), int timeoutMs = 300000) {
    QProcess p;
    p.setProcessEnvironment(env);
    if (!workDir.isEmpty()) p.setWorkingDirectory(workDir);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-2, "", "timeout or failed to start: " + program};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// STRATA_BIN is "<build>/app/strata".
QString buildDir() { return QFileInfo(QString(STRATA_BIN)).dir().absoluteFilePath(".."); }

}  // namespace

class PackageTest : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString deb_, root_, version_;

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        const QString cpack = QStandardPaths::findExecutable("cpack");
        if (cpack.isEmpty()) QSKIP("cpack is not installed");
        if (QStandardPaths::findExecutable("dpkg-deb").isEmpty()) QSKIP("dpkg-deb is not installed");
        const QString build = QDir(buildDir()).canonicalPath();
        QVERIFY2(QFile::exists(build + "/CPackConfig.cmake"), qPrintable(build));

        // The version CPack was configured with (the top-level project()).
        QFile config(build + "/CPackConfig.cmake");
        QVERIFY(config.open(QIODevice::ReadOnly));
        const auto m = QRegularExpression("set\\(CPACK_PACKAGE_VERSION \"([^\"]+)\"\\)").match(QString::fromUtf8(config.readAll()));
        QVERIFY(m.hasMatch());
        version_ = m.captured(1);

        const QString out = tmp_.filePath("pkg");
        const Result r = run(cpack, {"-G", "DEB", "--config", build + "/CPackConfig.cmake", "-B", out}, build);
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        deb_ = out + "/strata_" + version_ + "_amd64.deb";
        QVERIFY2(QFile::exists(deb_), qPrintable(r.out + r.err));
        qInfo("%s: %lld bytes", qPrintable(QFileInfo(deb_).fileName()), QFileInfo(deb_).size());

        root_ = tmp_.filePath("root");
        const Result x = run("dpkg-deb", {"-x", deb_, root_});
        QVERIFY2(x.code == 0, qPrintable(x.err));
    }

    void controlFields() {
        const Result r = run("dpkg-deb", {"-f", deb_, "Package", "Version", "Architecture", "Depends"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("Package: strata\n"), qPrintable(r.out));
        QVERIFY2(r.out.contains("Version: " + version_ + "\n"), qPrintable(r.out));
        QVERIFY2(r.out.contains("Architecture: amd64\n"), qPrintable(r.out));
        for (const char* dep : {"libtorch1.13", "libqt6widgets6", "libqt6gui6", "libqt6core6", "libqcustomplot2.1-qt6",
                                "libopencv-imgcodecs406", "libopencv-imgproc406", "libhdf5-cpp-103-1", "zlib1g"})
            QVERIFY2(r.out.contains(dep), dep);
    }

    void contents() {
        const Result r = run("dpkg-deb", {"-c", deb_});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        for (const char* file :
             {"./usr/bin/strata", "./usr/share/strata/templates/reference-cnn.strata.json",
              "./usr/share/strata/templates/lenet.strata.json", "./usr/share/applications/strata.desktop",
              "./usr/share/icons/hicolor/scalable/apps/strata.svg", "./usr/share/doc/strata/copyright"})
            QVERIFY2(r.out.contains(QString(file) + "\n"), file);
        QVERIFY2(!r.out.contains("./usr/local"), qPrintable(r.out));

        QFile copyright(root_ + "/usr/share/doc/strata/copyright");
        QVERIFY(copyright.open(QIODevice::ReadOnly));
        QVERIFY(copyright.readAll().contains("GPL-3.0-or-later"));
    }

    void installedBinaryRuns() {
        // The installed layout only: no developer-tree template override.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("STRATA_TEMPLATES");
        const QString bin = root_ + "/usr/bin/strata";
        Result r = run(bin, {"--version"}, {}, env, 60000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.startsWith("strata " + version_), qPrintable(r.out));

        r = run(bin, {"check", root_ + "/usr/share/strata/templates/reference-cnn.strata.json"}, {}, env, 60000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("421,642"), qPrintable(r.out));
    }

    void studioStartsFromPackage() {
        // What the menu entry launches: the studio, here offscreen, shooting one frame.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("STRATA_TEMPLATES");
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("HOME", tmp_.filePath("home"));
        env.insert("XDG_DATA_HOME", tmp_.filePath("home/share"));
        env.insert("XDG_CACHE_HOME", tmp_.filePath("home/cache"));
        const QString shot = tmp_.filePath("studio.png");
        const Result r = run(root_ + "/usr/bin/strata",
                             {root_ + "/usr/share/strata/templates/reference-cnn.strata.json", "--screenshot", shot},
                             tmp_.path(), env, 120000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(QFileInfo(shot).size() > 1000, qPrintable(r.err));
    }

    void desktopEntryValid() {
        const QString validate = QStandardPaths::findExecutable("desktop-file-validate");
        if (validate.isEmpty()) QSKIP("desktop-file-validate is not installed (package desktop-file-utils)");
        const QString entry = root_ + "/usr/share/applications/strata.desktop";
        const Result r = run(validate, {entry});
        QVERIFY2(r.code == 0 && !r.out.contains("error") && !r.err.contains("error"), qPrintable(r.out + r.err));
        QFile f(entry);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.contains("Exec=strata"));
        QVERIFY(text.contains("Icon=strata"));
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(PackageTest)
#include "test_package.moc"
