#pragma once
// What experiment to start: its kind and the kind's own settings. Stabilizers: depth, block
// width and activation of the deep stack it builds. Scaling: width multipliers and data
// fractions of the open design. Variants: every combination of widths, data fractions and
// training settings of the open design (VariantsPage). Transfer: the source run whose features
// the open design's variants start from (the training settings' "start from" run when left
// empty). The data and the training settings are the studio's current ones
// (ExperimentInputs), as for Train.
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

class VariantsPage;

// What the studio hands the dock when Start is pressed.
struct ExperimentInputs {
    Design design;       // the open design (scaling, variants, transfer)
    QString designPath;  // its file ("" when never saved): new experiments go beside it
    TrainConfig config;  // the training settings with the dataset panel's folders
    QString problem;     // why no experiment can start now ("" when one can)
};

class ExperimentSetup : public QWidget {
    Q_OBJECT
public:
    enum Kind { Stabilizers, Scaling, Variants, Transfer };

    explicit ExperimentSetup(QWidget* parent = nullptr);

    Kind kind() const;
    void setKind(Kind kind);
    // "stabilizers", "scaling", "variants", "transfer": the experiment file's kind.
    QString kindName() const;
    // Takes the kind and settings of an experiment that was opened, so Start repeats it (on
    // the studio's current data and settings). Other kinds leave the fields alone.
    void showExperiment(const Experiment& experiment);
    // The plan of the chosen kind from `inputs`, built later on the queue's worker (variants,
    // which read no data, are built at once); null, with the reason in *problem, when a field
    // is wrong or the variants cannot be made.
    ExperimentQueue::PlanMaker planMaker(const ExperimentInputs& inputs, QString* problem) const;
    // A new experiment's folder, where the command line puts it (defaultExperimentFolder):
    // "experiments/<kind>-<yyyyMMdd-HHmmss>" beside the design file, or under
    // $XDG_DATA_HOME/strata for an unsaved design and for stabilizers (their stack is no file).
    QString newFolder(const ExperimentInputs& inputs) const;

    // The editors, for tests.
    QComboBox* kindBox() const { return kind_; }
    QSpinBox* depthBox() const { return depth_; }
    QSpinBox* blockWidthBox() const { return blockWidth_; }
    QComboBox* activationBox() const { return activation_; }
    QLineEdit* widthsEdit() const { return widths_; }
    QLineEdit* fractionsEdit() const { return fractions_; }
    QLineEdit* sourceEdit() const { return source_; }
    VariantsPage* variantsPage() const { return variants_; }

private:
    QWidget* stabilizersPage();
    QWidget* scalingPage();
    QWidget* transferPage();
    void chooseSource();
    ExperimentQueue::PlanMaker variantsMaker(const ExperimentInputs& inputs, QString* problem) const;
    void fitPage(int index);

    QComboBox* kind_ = nullptr;
    QStackedWidget* pages_ = nullptr;
    QSpinBox* depth_ = nullptr;
    QSpinBox* blockWidth_ = nullptr;
    QComboBox* activation_ = nullptr;
    QLineEdit* widths_ = nullptr;
    QLineEdit* fractions_ = nullptr;
    QLineEdit* source_ = nullptr;
    VariantsPage* variants_ = nullptr;
};

}  // namespace strata
