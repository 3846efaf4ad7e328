#pragma once
// What experiment to start: its kind and the kind's own settings. Stabilizers: depth, block
// width and activation of the deep stack it builds. Scaling: width multipliers and data
// fractions of the open design. Transfer: the source run whose features the open design's
// variants start from (the training settings' "start from" run when left empty). The data and
// the training settings are the studio's current ones (ExperimentInputs), as for Train.
#include <QString>
#include <QWidget>

#include "design/Design.h"
#include "experiments/ExperimentQueue.h"
#include "train/TrainConfig.h"

class QComboBox;
class QLineEdit;
class QSpinBox;
class QStackedWidget;

namespace strata {

// What the studio hands the dock when Start is pressed.
struct ExperimentInputs {
    Design design;         // the open design (scaling, transfer)
    TrainConfig config;    // the training settings with the dataset panel's folders
    QString parentFolder;  // each new experiment gets a folder of its own in here
    QString problem;       // why no experiment can start now ("" when one can)
};

class ExperimentSetup : public QWidget {
    Q_OBJECT
public:
    enum Kind { Stabilizers, Scaling, Transfer };

    explicit ExperimentSetup(QWidget* parent = nullptr);

    Kind kind() const;
    void setKind(Kind kind);
    // "stabilizers", "scaling", "transfer": the experiment file's kind.
    QString kindName() const;
    // Takes the kind and settings of an experiment that was opened, so Start repeats it (on
    // the studio's current data and settings). Other kinds leave the fields alone.
    void showExperiment(const Experiment& experiment);
    // The plan of the chosen kind from `inputs`, built later on the queue's worker; null,
    // with the reason in *problem, when a field is wrong.
    ExperimentQueue::PlanMaker planMaker(const ExperimentInputs& inputs, QString* problem) const;
    // The name of a new experiment's folder: "<design>-<kind>-<yyyyMMdd-HHmmss>", as the
    // command line names it ("stack" for stabilizers, which build their own design).
    QString folderName(const ExperimentInputs& inputs) const;

    // The editors, for tests.
    QComboBox* kindBox() const { return kind_; }
    QSpinBox* depthBox() const { return depth_; }
    QSpinBox* blockWidthBox() const { return blockWidth_; }
    QComboBox* activationBox() const { return activation_; }
    QLineEdit* widthsEdit() const { return widths_; }
    QLineEdit* fractionsEdit() const { return fractions_; }
    QLineEdit* sourceEdit() const { return source_; }

private:
    QWidget* stabilizersPage();
    QWidget* scalingPage();
    QWidget* transferPage();
    void chooseSource();
    void fitPage(int index);

    QComboBox* kind_ = nullptr;
    QStackedWidget* pages_ = nullptr;
    QSpinBox* depth_ = nullptr;
    QSpinBox* blockWidth_ = nullptr;
    QComboBox* activation_ = nullptr;
    QLineEdit* widths_ = nullptr;
    QLineEdit* fractions_ = nullptr;
    QLineEdit* source_ = nullptr;
};

}  // namespace strata
