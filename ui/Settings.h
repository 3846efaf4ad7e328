#pragma once
// The studio's one settings table: every persistent preference and piece of session state,
// with typed getters and setters over QSettings, and one `settingsUpdated()` signal (qView's
// habit). Widgets never open QSettings themselves.
#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>

namespace strata {

class Settings : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxRecentFiles = 8;

    // The application-wide table (created on first use; lives as long as the application).
    static Settings& instance();

    // Design files opened or saved, most recent first, at most kMaxRecentFiles, absolute paths.
    QStringList recentFiles() const;
    // Moves `path` to the front of the recent files (adding it when new).
    void addRecentFile(const QString& path);
    void removeRecentFile(const QString& path);
    void clearRecentFiles();
    // The design open when the studio last closed or saved (the first recent file); "" if none.
    QString lastDesign() const;

    // Main window geometry and dock/toolbar state, as saved by QMainWindow.
    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray& state);

    // The CNN run whose receptive fields the Features dock's attention chart shows ("" if none).
    QString attentionComparisonRun() const;
    void setAttentionComparisonRun(const QString& path);

signals:
    // After any setter changed a value.
    void settingsUpdated();

private:
    explicit Settings(QObject* parent = nullptr);
    void setRecentFiles(const QStringList& files);
};

}  // namespace strata
