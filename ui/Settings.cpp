#include "Settings.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QPointer>
#include <QSettings>

namespace strata {

namespace {
// Keys of the table; one place, so a renamed key cannot drift between getter and setter.
const char* const kRecentFiles = "files/recent";
const char* const kGeometry = "window/geometry";
const char* const kState = "window/state";
}  // namespace

Settings::Settings(QObject* parent) : QObject(parent) {}

Settings& Settings::instance() {
    // Parented to the application so it dies with it; QSettings itself is opened per call,
    // which keeps reads consistent with other processes and with tests that clear the store.
    static QPointer<Settings> settings;
    if (!settings) settings = new Settings(QCoreApplication::instance());
    return *settings;
}

QStringList Settings::recentFiles() const { return QSettings().value(kRecentFiles).toStringList(); }

void Settings::setRecentFiles(const QStringList& files) {
    QSettings().setValue(kRecentFiles, files.mid(0, kMaxRecentFiles));
    emit settingsUpdated();
}

void Settings::addRecentFile(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList files = recentFiles();
    files.removeAll(absolute);
    files.prepend(absolute);
    setRecentFiles(files);
}

void Settings::removeRecentFile(const QString& path) {
    QStringList files = recentFiles();
    if (files.removeAll(QFileInfo(path).absoluteFilePath()) > 0) setRecentFiles(files);
}

void Settings::clearRecentFiles() { setRecentFiles({}); }

QString Settings::lastDesign() const { return recentFiles().value(0); }

QByteArray Settings::windowGeometry() const { return QSettings().value(kGeometry).toByteArray(); }

void Settings::setWindowGeometry(const QByteArray& geometry) {
    QSettings().setValue(kGeometry, geometry);
    emit settingsUpdated();
}

QByteArray Settings::windowState() const { return QSettings().value(kState).toByteArray(); }

void Settings::setWindowState(const QByteArray& state) {
    QSettings().setValue(kState, state);
    emit settingsUpdated();
}

QString Settings::attentionComparisonRun() const {
    return QSettings().value(QStringLiteral("features/attentionComparisonRun")).toString();
}

void Settings::setAttentionComparisonRun(const QString& path) {
    QSettings().setValue(QStringLiteral("features/attentionComparisonRun"), path);
    emit settingsUpdated();
}

}  // namespace strata
