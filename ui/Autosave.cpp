#include "Autosave.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

#include "model/DesignDocument.h"

namespace strata {

namespace {
constexpr int kDelayMs = 5000;  // after the last edit: edits in a burst cost one write

bool processRuns(qint64 pid) { return QFileInfo::exists(QString("/proc/%1").arg(pid)); }
}  // namespace

Autosave::Autosave(DesignDocument* document, QObject* parent) : QObject(parent), document_(document) {
    timer_.setSingleShot(true);
    timer_.setInterval(kDelayMs);
    connect(&timer_, &QTimer::timeout, this, &Autosave::saveNow);
    connect(document_, &DesignDocument::changed, &timer_, qOverload<>(&QTimer::start));
    connect(document_->undoStack(), &QUndoStack::cleanChanged, this, [this](bool clean) {
        if (clean) discard();
    });
}

QString Autosave::folder() {
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + "/strata/autosave";
}

QString Autosave::filePath() const {
    return folder() + QString("/session-%1.strata.json").arg(QCoreApplication::applicationPid());
}

void Autosave::saveNow() {
    timer_.stop();
    if (!document_->isModified()) {
        discard();
        return;
    }
    QDir().mkpath(folder());
    try {
        saveDesign(document_->design(), filePath().toStdString());
    } catch (const std::exception& e) {
        qWarning("autosave failed: %s", e.what());
    }
}

void Autosave::discard() {
    timer_.stop();
    QFile::remove(filePath());
}

QStringList Autosave::leftovers() {
    static const QRegularExpression name("^session-(\\d+)\\.strata\\.json$");
    QStringList files;
    const QFileInfoList entries = QDir(folder()).entryInfoList({"session-*.strata.json"}, QDir::Files, QDir::Time);
    for (const QFileInfo& info : entries) {
        const auto match = name.match(info.fileName());
        if (match.hasMatch() && !processRuns(match.captured(1).toLongLong())) files << info.absoluteFilePath();
    }
    return files;
}

}  // namespace strata
