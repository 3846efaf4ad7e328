#pragma once
// The training settings' aids in the window: the augmentation preview follows the dataset
// panel's training folder and the open design's Input size; "Find…" beside the learning rate
// opens the learning-rate finder (LrFinderDialog) for the open design with exactly what Train
// would use (TrainingFlow::nextConfig), and its accepted suggestion becomes the learning rate.
// The finder is refused, with the reason in the status bar (and a message box unless the
// window is automated), without a training folder, for a design with errors, and while a
// training or an experiment runs (one training at a time on the machine).
#include <QObject>
#include <QPointer>
#include <QString>

#include "train/LrFinder.h"

namespace strata {

class LrFinderDialog;
class MainWindow;

class TrainingAidsController : public QObject {
    Q_OBJECT
public:
    // Built once the window has its training docks, flow and experiments.
    explicit TrainingAidsController(MainWindow* window);

    // Opens the finder, or refuses: false with the reason in *error.
    bool findLearningRate(QString* error = nullptr);
    // The finder's ramp (LrRamp's defaults: 1e-7 to 10 over 100 steps); tests shorten it.
    void setRamp(const LrRamp& ramp) { ramp_ = ramp; }
    const LrRamp& ramp() const { return ramp_; }
    // The finder's dialog while it is open, else null.
    LrFinderDialog* dialog() const;

private:
    QString refusal() const;
    bool refuse(const QString& text, QString* error);

    MainWindow* window_;
    LrRamp ramp_;
    QPointer<LrFinderDialog> dialog_;
};

}  // namespace strata
