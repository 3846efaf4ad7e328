#pragma once
// The training settings form: epochs, batch size, optimizer, learning rate, momentum, weight
// decay, schedule, augmentation, class weights, sampler, seed, threads and precision, and the transfer settings (the
// run to start from, restat, the frozen layers: TransferSettingsBox), with two aids: under the
// augmentation, a grid of what training sees of an image under it (AugmentPreviewGrid), and
// beside the learning rate, "Find…" for the learning-rate finder. Fills the settings fields
// of a TrainConfig (never the data or run paths, which belong to the dataset panel and the main
// window) and remembers them per design in QSettings: on load()/save(), and after every user
// edit for the design last loaded, so that switching designs keeps what was set for each.
#include <QString>
#include <QWidget>

#include "train/TrainConfig.h"

class QComboBox;
class QDoubleSpinBox;
class QPushButton;
class QSpinBox;

namespace strata {

class AugmentPreviewGrid;
class FloatSpinBox;
class TransferSettingsBox;

class TrainingSettingsPanel : public QWidget {
    Q_OBJECT
public:
    // Starts with the defaults of docs/ARCHITECTURE.md §7 (TrainConfig's own: epochs 10, batch 64,
    // adam, lr 1e-3, momentum 0.9, no decay, no schedule, no augmentation, seed 0, all cores).
    explicit TrainingSettingsPanel(QWidget* parent = nullptr);

    // `base` (default: defaults) with the form's settings written over it; data, val,
    // valSplit, test, run and resume are left as they are in `base`.
    TrainConfig config(const TrainConfig& base = TrainConfig()) const;
    // Shows the settings of `config` (paths ignored). Emits no configChanged().
    void setConfig(const TrainConfig& config);

    // The QSettings group that holds the settings of the design known as `designKey` (its
    // file path, or its name when unsaved): "training/<sha1 of the key, 16 hex digits>".
    static QString settingsGroup(const QString& designKey);
    // Shows the settings saved for `designKey`; defaults for those never saved. Returns
    // whether anything was saved for it. Later user edits are saved for `designKey` at once.
    bool load(const QString& designKey);
    // Remembers the form's settings for `designKey`.
    void save(const QString& designKey) const;

    // Locks the form while training (the settings of a running training cannot change).
    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return readOnly_; }

    // The editors, for tests.
    QSpinBox* epochsBox() const { return epochs_; }
    QSpinBox* batchSizeBox() const { return batchSize_; }
    QComboBox* optimizerBox() const { return optimizer_; }
    FloatSpinBox* learningRateBox() const { return lr_; }
    QSpinBox* threadsBox() const { return threads_; }
    QSpinBox* seedBox() const { return seed_; }
    QComboBox* precisionBox() const { return precision_; }
    QComboBox* augmentBox() const { return augment_; }  // editable: any +-joined set
    QComboBox* classWeightsBox() const { return classWeights_; }
    QComboBox* samplerBox() const { return sampler_; }
    TransferSettingsBox* transferBox() const { return transfer_; }
    // Follows the augmentation and seed fields; its image and Input size are set from outside.
    AugmentPreviewGrid* augmentPreview() const { return preview_; }
    // "Find…" beside the learning rate: asks for the learning-rate finder.
    QPushButton* findLearningRateButton() const { return findLr_; }

signals:
    // The user changed a setting (not emitted by setConfig() or load()).
    void configChanged();
    // The user asked for the learning-rate finder ("Find…").
    void findLearningRateRequested();

private:
    void buildLayout();
    void updateEnabled();
    void updatePreview();
    QWidget* learningRateRow();

    QSpinBox* epochs_ = nullptr;
    QSpinBox* batchSize_ = nullptr;
    QComboBox* optimizer_ = nullptr;
    FloatSpinBox* lr_ = nullptr;
    QDoubleSpinBox* momentum_ = nullptr;
    FloatSpinBox* weightDecay_ = nullptr;
    QComboBox* schedule_ = nullptr;
    QComboBox* augment_ = nullptr;
    QComboBox* classWeights_ = nullptr;  // none, auto
    QComboBox* sampler_ = nullptr;       // shuffle, balanced
    QSpinBox* seed_ = nullptr;
    QSpinBox* threads_ = nullptr;
    QComboBox* precision_ = nullptr;  // fp32, bf16, auto
    TransferSettingsBox* transfer_ = nullptr;
    AugmentPreviewGrid* preview_ = nullptr;
    QPushButton* findLr_ = nullptr;
    QString designKey_;  // of the last load(): where user edits are saved
    bool readOnly_ = false;
    bool updating_ = false;  // inside setConfig(): no configChanged()
};

}  // namespace strata
