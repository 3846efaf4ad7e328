#pragma once
// The transfer settings of the training form (docs/ARCHITECTURE.md §3): the run a training
// starts from ("Start from run…", shown by file name, with Clear), whether mean and std are
// computed again (restat), and which layers stay frozen. They are fields of the TrainConfig,
// so the settings panel remembers them per design and the trainer receives them; freezing is
// a training setting, never part of the design file. The box only holds and shows them: the
// studio's TransferController reads the chosen run, reports what it would copy (setReport)
// and edits the frozen layers from the canvas and the properties panel.
#include <QGroupBox>
#include <QString>
#include <QStringList>

#include "train/TrainConfig.h"

class QCheckBox;
class QLabel;
class QPushButton;

namespace strata {

class TransferSettingsBox : public QGroupBox {
    Q_OBJECT
public:
    explicit TransferSettingsBox(QWidget* parent = nullptr);

    // Writes initFrom, restat, freeze and freezeThrough into `config`.
    void read(TrainConfig& config) const;
    // Shows the transfer fields of `config`; emits sourceChanged()/freezeChanged() when they
    // differ from what was shown, never edited().
    void showConfig(const TrainConfig& config);

    QString source() const { return source_; }
    // The run to start from ("" for fresh weights), as the file dialog's choice sets it: one
    // user edit. Tests call it in place of the dialog.
    void setSource(const QString& path);
    bool restat() const;

    QStringList frozen() const { return frozen_; }
    QString frozenThrough() const { return through_; }
    // The frozen node ids (and "freeze every layer up to `through`"), as the user changed them.
    void setFrozen(const QStringList& ids, const QString& through = QString());

    // What the chosen run would do to the design: a one-line summary (its full text as
    // tooltip), or, when `error`, why the run cannot be used.
    void setReport(const QString& text, const QString& details, bool error);
    // Why the frozen layers cannot be trained as set ("" when they can).
    void setFreezeProblem(const QString& text);
    QString reportText() const;
    bool reportIsError() const { return reportError_; }
    QString freezeProblem() const;

    // Where the file dialog starts when no run is chosen yet (the design's runs folder).
    void setBrowseFolder(const QString& dir) { browseFolder_ = dir; }
    void setReadOnly(bool readOnly);

    // The controls, for tests.
    QPushButton* chooseButton() const { return choose_; }
    QPushButton* clearButton() const { return clear_; }
    QCheckBox* restatBox() const { return restat_; }
    QLabel* sourceLabel() const { return sourceLabel_; }
    QLabel* frozenLabel() const { return frozenLabel_; }
    QPushButton* unfreezeButton() const { return unfreeze_; }

signals:
    // The user changed a transfer setting (not emitted by showConfig()).
    void edited();
    // The source run changed, by any means (a choice, Clear, showConfig()).
    void sourceChanged(const QString& path);
    // The frozen layers changed, by any means.
    void freezeChanged();

private:
    void chooseSource();
    void updateSource();
    void updateFrozen();
    void updateEnabled();

    QString source_;
    QStringList frozen_;
    QString through_;
    QString browseFolder_;
    bool reportError_ = false;
    bool readOnly_ = false;
    QLabel* sourceLabel_ = nullptr;
    QPushButton* choose_ = nullptr;
    QPushButton* clear_ = nullptr;
    QCheckBox* restat_ = nullptr;
    QLabel* report_ = nullptr;
    QLabel* frozenLabel_ = nullptr;
    QPushButton* unfreeze_ = nullptr;
    QLabel* freezeProblem_ = nullptr;
};

}  // namespace strata
