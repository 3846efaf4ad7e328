#pragma once
// The dataset panel: where the training images come from (a folder of DIR/<class>/<image>),
// how validation is done (none, a split of the training folder, or its own folder) and an
// optional test folder. Each change of folder starts a scan off the UI thread (the folder
// index, a few decoded samples per class at the design's Input size); the result arrives as a
// queued call and fills a table of classes with image counts and sample thumbnails, plus
// warnings: scan errors naming the path, class imbalance, images that will be resized to the
// Input size, unreadable sample files. The chosen folders are remembered between sessions.
#include <QString>
#include <QStringList>
#include <QWidget>

#include "data/ImageFolder.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QTimer;

namespace strata {

class BackgroundJob;
class StopToken;

class DatasetPanel : public QWidget {
    Q_OBJECT
public:
    // Restores the folders chosen last time (QSettings "data/..."); scans when one is set.
    // A scan in flight when the panel goes is asked to stop and waited for (it only reads a
    // few files), its result dropped.
    explicit DatasetPanel(QWidget* parent = nullptr);

    // The Input of the design (samples are decoded at this size); rescans when it changes.
    void setInputSpec(const ImageSpec& spec);
    ImageSpec inputSpec() const { return spec_; }

    void setTrainFolder(const QString& dir);
    QString trainFolder() const;
    // The validation folder when "folder" is chosen, else "".
    void setValFolder(const QString& dir);
    QString valFolder() const;
    // The held-out fraction when "split" is chosen, else 0.
    void setValSplit(double fraction);
    double valSplit() const;
    void setTestFolder(const QString& dir);
    QString testFolder() const;

    // Class names of the training folder, sorted; empty until a scan succeeded.
    QStringList classNames() const { return classes_; }
    // True when the last scan of every chosen folder succeeded.
    bool isValid() const { return valid_; }
    // The first error of the last scan (names the path), or "".
    QString lastError() const { return lastError_; }
    // Warning lines of the last scan (imbalance, resizing, unreadable samples), for tests.
    QStringList warnings() const { return warnings_; }
    // Offered under an imbalance warning: weight the loss by class (classWeightsRequested).
    QPushButton* balanceButton() const { return balance_; }
    // Sample thumbnails shown (all classes together), for tests.
    int thumbnailCount() const { return thumbnailCount_; }
    // True while a scan is in flight.
    bool isScanning() const { return scanning_; }

    // The setup's Fashion-MNIST training folder (datasets/fashion-mnist/train, looked for in
    // the executable's folder and up to 3 levels above it), or "" when there is none.
    static QString defaultTrainFolder();

signals:
    // After any folder or the validation choice changed (by the user or a setter).
    void foldersChanged();
    // The user took the imbalance warning's fix: train with class weights "auto".
    void classWeightsRequested();
    // On the UI thread after each scan; ok as isValid().
    void scanned(bool ok);

private:
    struct ScanResult;
    enum ValMode { ValNone = 0, ValSplit = 1, ValFolder = 2 };

    void buildUi();
    void restoreSettings();
    void saveSettings() const;
    void browse(QLineEdit* edit, const QString& title);
    void updateValWidgets();
    void onFoldersEdited();
    void scheduleScan();
    void startScan();
    void applyScan(const ScanResult& result);
    void showMessages(const QStringList& errors, const QStringList& warnings);
    static ScanResult scan(const QString& train, const QString& val, const QString& test, const ImageSpec& spec,
                           const StopToken& stop);

    ImageSpec spec_;
    QLineEdit* trainEdit_ = nullptr;
    QComboBox* valMode_ = nullptr;
    QDoubleSpinBox* valSplit_ = nullptr;
    QWidget* valFolderRow_ = nullptr;
    QLineEdit* valEdit_ = nullptr;
    QLineEdit* testEdit_ = nullptr;
    QLabel* summary_ = nullptr;
    QLabel* messages_ = nullptr;
    QPushButton* balance_ = nullptr;
    QTableWidget* table_ = nullptr;
    QTimer* scanTimer_ = nullptr;
    BackgroundJob* scans_ = nullptr;  // a newer scan drops the result of an older one

    QStringList classes_;
    QStringList warnings_;
    QString lastError_;
    bool valid_ = false;
    bool scanning_ = false;
    int thumbnailCount_ = 0;
    bool restoring_ = false;
};

}  // namespace strata
