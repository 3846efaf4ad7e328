#include "training/LrFinderDialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include "jobs/BackgroundJob.h"
#include "training/LrCurvePlot.h"
#include "widgets/Labels.h"

namespace strata {

namespace {
const char* const kErrorStyle = "color: #b00020;";
}  // namespace

LrFinderDialog::LrFinderDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Find Learning Rate"));
    setObjectName("lrFinderDialog");
    jobs_ = new BackgroundJob(this);
    intro_ = new QLabel(this);
    intro_->setWordWrap(true);
    plot_ = new LrCurvePlot(this);
    plot_->setMinimumSize(520, 300);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    progress_ = new QProgressBar(this);
    progress_->setTextVisible(false);
    auto* buttons = new QDialogButtonBox(this);
    use_ = buttons->addButton(tr("Use"), QDialogButtonBox::AcceptRole);
    use_->setEnabled(false);
    stop_ = buttons->addButton(tr("Stop"), QDialogButtonBox::ActionRole);
    stop_->setToolTip(tr("End the ramp here and suggest from the curve so far"));
    cancel_ = buttons->addButton(QDialogButtonBox::Cancel);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro_);
    layout->addWidget(plot_, 1);
    layout->addWidget(progress_);
    layout->addWidget(status_);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &LrFinderDialog::reject);
    connect(stop_, &QPushButton::clicked, this, [this] {
        if (stopFlag_) stopFlag_->store(true);
        stop_->setEnabled(false);
        status_->setText(tr("Stopping after this step\u2026"));
    });
    resize(680, 500);
}

LrFinderDialog::~LrFinderDialog() {
    if (stopFlag_) stopFlag_->store(true);
    delete jobs_;  // waits for the worker while everything it posts to still exists
    jobs_ = nullptr;
}

void LrFinderDialog::start(const Design& design, const TrainConfig& config, const LrRamp& ramp) {
    ramp_ = ramp;
    curve_ = LrCurve();
    suggestion_ = 0;
    intro_->setText(tr("Trains fresh weights of the design on the training images for up to %1 steps (batch %2, "
                       "%3), the learning rate growing from %4 to %5, and suggests the rate where the smoothed "
                       "loss falls fastest. Nothing of this training is kept.")
                        .arg(ramp.steps)
                        .arg(config.batchSize)
                        .arg(QString::fromStdString(config.optimizer))
                        .arg(learningRateText(ramp.start), learningRateText(ramp.end)));
    progress_->setRange(0, 0);  // busy until the images are loaded
    status_->setStyleSheet(QString());
    status_->setText(tr("Loading the training images\u2026"));
    stop_->setEnabled(true);
    use_->setEnabled(false);
    use_->setText(tr("Use"));
    auto flag = std::make_shared<std::atomic<bool>>(false);
    stopFlag_ = flag;
    // The worker posts to this dialog: the destructor waits for it before anything goes.
    jobs_->start(
        [this, design, config, ramp, flag](const StopToken& token) {
            LrFindEvents events;
            events.loading = [this](int64_t done, int64_t total) {
                QMetaObject::invokeMethod(this, [this, done, total] { showLoading(done, total); }, Qt::QueuedConnection);
            };
            events.step = [this, flag, token](int step, double lr, double loss) {
                if (token.stopRequested()) flag->store(true);  // cancelled or going away
                QMetaObject::invokeMethod(this, [this, step, lr, loss] { showStep(step, lr, loss); },
                                          Qt::QueuedConnection);
            };
            Outcome out;
            try {
                out.curve = findLearningRate(design, config, ramp, events, flag.get());
            } catch (const std::exception& e) {
                out.error = QString::fromStdString(e.what());
            }
            return out;
        },
        [this](const Outcome& outcome) { finish(outcome); });
}

bool LrFinderDialog::isRunning() const { return jobs_ && jobs_->isRunning(); }

void LrFinderDialog::releaseWhenIdle() {
    if (!isRunning()) {
        deleteLater();
        return;
    }
    if (stopFlag_) stopFlag_->store(true);
    connect(jobs_, &BackgroundJob::idle, this, &QObject::deleteLater);
}

QString LrFinderDialog::statusText() const { return status_->text(); }

void LrFinderDialog::reject() {
    if (stopFlag_) stopFlag_->store(true);
    jobs_->cancel();  // its result, when it comes, is not wanted
    QDialog::reject();
}

void LrFinderDialog::showLoading(qint64 done, qint64 total) {
    if (!curve_.lrs.empty() || total <= 0) return;
    progress_->setRange(0, int(total));
    progress_->setValue(int(done));
    const QLocale locale;
    status_->setText(tr("Loading the training images: %1 of %2").arg(locale.toString(done), locale.toString(total)));
}

void LrFinderDialog::showStep(int step, double lr, double loss) {
    if (step == 1) sinceFirstStep_.start();
    curve_.lrs.push_back(lr);
    curve_.losses.push_back(loss);
    curve_.smoothed = smoothLosses(curve_.losses, ramp_.smoothing);
    plot_->setCurve(curve_.lrs, curve_.losses, curve_.smoothed);
    progress_->setRange(0, ramp_.steps);
    progress_->setValue(step);
    if (stopFlag_ && stopFlag_->load()) return;  // "Stopping…" stays
    QString text = tr("Step %1 of %2 \u00b7 learning rate %3 \u00b7 loss %4")
                       .arg(step)
                       .arg(ramp_.steps)
                       .arg(learningRateText(lr))
                       .arg(loss, 0, 'f', 3);
    // The ramp stops early once the loss blows up: this is the most it can take.
    if (step > 1) {
        const double perStep = sinceFirstStep_.elapsed() / 1000.0 / (step - 1);
        text += tr(" \u00b7 at most %1 left").arg(clockDuration(perStep * (ramp_.steps - step)));
    }
    status_->setText(text);
}

void LrFinderDialog::finish(const Outcome& outcome) {
    stop_->setEnabled(false);
    progress_->setRange(0, 1);
    progress_->setValue(1);
    if (!outcome.error.isEmpty()) {
        status_->setStyleSheet(kErrorStyle);
        status_->setText(outcome.error);
        emit ended();
        return;
    }
    curve_ = outcome.curve;
    plot_->setCurve(curve_.lrs, curve_.losses, curve_.smoothed);
    if (curve_.suggestion > 0) {
        const QString text = learningRateText(curve_.suggestion);
        suggestion_ = text.toDouble();
        plot_->setSuggestion(suggestion_);
        use_->setText(tr("Use %1").arg(text));
        use_->setEnabled(true);
        use_->setDefault(true);
    }
    plot_->flush();
    status_->setText(endText(curve_, ramp_));
    emit ended();
}

QString LrFinderDialog::endText(const LrCurve& curve, const LrRamp& ramp) {
    const int steps = int(curve.lrs.size());
    if (curve.suggestion <= 0)
        return tr("The ramp stopped after %n step(s), too few for a suggestion.", nullptr, steps);
    const QString how = curve.diverged ? tr("the loss blew up at %1 after %2 steps")
                                             .arg(learningRateText(curve.lrs.back()))
                                             .arg(steps)
                        : steps < ramp.steps ? tr("stopped after %1 of %2 steps").arg(steps).arg(ramp.steps)
                                             : tr("%1 steps").arg(steps);
    return tr("Suggested learning rate: %1, where the smoothed loss falls fastest (%2).")
        .arg(learningRateText(curve.suggestion), how);
}

}  // namespace strata
