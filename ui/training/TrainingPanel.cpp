#include "training/TrainingPanel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "panels/PanelText.h"
#include "training/EpochPlot.h"
#include "training/LossPlot.h"
#include "training/RatePlot.h"
#include "widgets/Labels.h"
#include "compile/Precision.h"

namespace strata {

namespace {
constexpr int kProgressSteps = 1000;
const char* const kErrorStyle = "color: #c62828; font-weight: 600;";
const char* const kSep = " \u00b7 ";  // " · "


// "0.532", "1.2e-05": short and exact enough for a status line.
QString formatNumber(double v) { return QString::number(v, 'g', 3); }

QString percent(double fraction) { return QString::number(fraction * 100, 'f', 1) + QLatin1Char('%'); }

QString epochCount(int n) { return n == 1 ? QObject::tr("1 epoch") : QObject::tr("%1 epochs").arg(n); }
}  // namespace

TrainingPanel::TrainingPanel(QWidget* parent) : QWidget(parent) {
    train_ = new QPushButton(tr("Train"), this);
    train_->setToolTip(tr("Train the current design on the selected data"));
    train_->setDefault(true);
    pause_ = new QPushButton(tr("Pause"), this);
    pause_->setToolTip(tr("Pause after the current batch; Resume continues"));
    stop_ = new QPushButton(tr("Stop"), this);
    stop_->setToolTip(tr("Stop after the current batch; the run keeps its last complete epoch"));
    progress_ = new QProgressBar(this);
    progress_->setRange(0, kProgressSteps);
    progress_->setValue(0);
    progress_->setTextVisible(true);
    progress_->setFormat(tr("ready"));
    status_ = new QLabel(tr("Press Train to start."), this);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message_ = new QLabel(this);
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message_->hide();

    lossPlot_ = new LossPlot(this);
    epochPlot_ = new EpochPlot(this);
    ratePlot_ = new RatePlot(this);
    for (QWidget* plot : std::initializer_list<QWidget*>{lossPlot_, epochPlot_, ratePlot_}) plot->setMinimumSize(200, 140);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(train_);
    buttons->addWidget(pause_);
    buttons->addWidget(stop_);
    buttons->addWidget(progress_, 1);

    auto* lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(epochPlot_);
    lower->addWidget(ratePlot_);
    lower->setChildrenCollapsible(false);
    lower->setStretchFactor(0, 1);
    lower->setStretchFactor(1, 1);
    lower->setSizes({1000, 1000});  // halves, whatever the plots' size hints
    auto* plots = new QSplitter(Qt::Vertical);
    plots->addWidget(lossPlot_);
    plots->addWidget(lower);
    plots->setStretchFactor(0, 3);
    plots->setStretchFactor(1, 2);
    plots->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(status_);
    layout->addWidget(message_);
    layout->addWidget(plots, 1);

    textTimer_.setInterval(kTextRefreshMs);
    connect(&textTimer_, &QTimer::timeout, this, &TrainingPanel::refreshText);

    connect(train_, &QPushButton::clicked, this, &TrainingPanel::trainRequested);
    connect(pause_, &QPushButton::clicked, this, [this] {
        if (state_ == TrainingSession::State::Running)
            emit pauseRequested();
        else if (state_ == TrainingSession::State::Paused)
            emit resumeRequested();
    });
    connect(stop_, &QPushButton::clicked, this, &TrainingPanel::stopRequested);
    onStateChanged(state_);
}

TrainingPanel::~TrainingPanel() = default;

void TrainingPanel::observe(const TrainingSession* session) {
    connect(session, &TrainingSession::started, this, &TrainingPanel::onStarted);
    connect(session, &TrainingSession::stateChanged, this, &TrainingPanel::onStateChanged);
    connect(session, &TrainingSession::message, this, [this](const QString& text) { showMessage(text, false); });
    connect(session, &TrainingSession::loading, this, &TrainingPanel::onLoading);
    connect(session, &TrainingSession::batchDone, this, &TrainingPanel::onBatch);
    connect(session, &TrainingSession::epochDone, epochPlot_, &EpochPlot::addEpoch);
    onStateChanged(session->state());
}

void TrainingPanel::onStarted(const TrainConfig& config, const QString& designName, const QString& precision) {
    lastError_.clear();
    precision_ = precision;
    showMessage(QString(), false);
    lossPlot_->clear();
    if (!config.resume) epochPlot_->clear();  // a resumed run continues the curves shown
    ratePlot_->clear();
    haveBatch_ = textDirty_ = false;
    progress_->setValue(0);
    progress_->setFormat(tr("starting\u2026"));
    status_->setText(tr("Preparing %1\u2026").arg(designName));
}

void TrainingPanel::showRun(const std::vector<EpochRecord>& epochs) {
    lastError_.clear();  // a refusal before this run no longer applies
    showMessage(QString(), false);
    epochPlot_->setEpochs(epochs);
    epochPlot_->flush();
}

QString TrainingPanel::statusText() const { return status_->text(); }

void TrainingPanel::onStateChanged(TrainingSession::State state) {
    using S = TrainingSession::State;
    state_ = state;
    train_->setEnabled(state == S::Idle);
    pause_->setEnabled(state == S::Running || state == S::Paused);
    pause_->setText(state == S::Paused ? tr("Resume") : tr("Pause"));
    stop_->setEnabled(state == S::Running || state == S::Paused);
    if (state == S::Stopping) {
        status_->setText(tr("Stopping after the current batch\u2026"));
        return;
    }
    // Paused shows as a suffix of the progress text; Running drops it.
    const QString paused = kSep + tr("paused");
    QString format = progress_->format();
    if (format.endsWith(paused)) format.chop(paused.size());
    if (state == S::Paused) format += paused;
    progress_->setFormat(format);
}

void TrainingPanel::onLoading(qint64 done, qint64 total) {
    if (total <= 0) return;
    progress_->setValue(int(kProgressSteps * done / total));
    QString format = tr("loading images %1/%2").arg(formatCount(done), formatCount(total));
    const QString eta = clockDuration(loadingEta_.update(done, total));
    if (!eta.isEmpty()) format += kSep + tr("ETA %1").arg(eta);
    progress_->setFormat(format);
}

void TrainingPanel::onBatch(const BatchEvent& e) {
    lossPlot_->addBatch(e.step, e.loss);
    ratePlot_->addBatch(e);
    last_ = e;
    haveBatch_ = textDirty_ = true;
    if (!textTimer_.isActive()) textTimer_.start();
}

void TrainingPanel::refreshText() {
    if (!textDirty_ || !haveBatch_) {
        textTimer_.stop();  // idle until the next batch
        return;
    }
    textDirty_ = false;
    const BatchEvent& e = last_;
    const double total = double(std::max(1, e.epochs)) * double(std::max<int64_t>(1, e.batches));
    const double done = double(e.epoch - 1) * double(e.batches) + double(e.batch);
    const double fraction = std::clamp(done / total, 0.0, 1.0);
    progress_->setValue(int(std::lround(fraction * kProgressSteps)));
    QString format = tr("epoch %1/%2").arg(e.epoch).arg(e.epochs) + kSep + QString::number(int(fraction * 100)) + '%';
    const QString eta = clockDuration(e.etaSeconds);
    if (!eta.isEmpty()) format += kSep + tr("ETA %1").arg(eta);
    if (state_ == TrainingSession::State::Paused) format += kSep + tr("paused");
    progress_->setFormat(format);
    if (state_ == TrainingSession::State::Stopping) return;  // keep "Stopping..."
    status_->setText(tr("batch %1/%2").arg(e.batch).arg(e.batches) + kSep +
                     tr("loss %1 (smoothed %2)").arg(formatNumber(e.loss), formatNumber(lossPlot_->smoothedLoss())) +
                     kSep + tr("%1 img/s").arg(formatCount(qint64(std::llround(e.imagesPerSecond)))) + kSep +
                     tr("lr %1").arg(formatNumber(e.learningRate)) + kSep + precision_);
}

void TrainingPanel::showResult(const TrainResult& result) {
    const bool ok = result.status == TrainResult::Status::Finished;
    const bool stopped = result.status == TrainResult::Status::Stopped;
    const QString runPath = QString::fromStdString(result.runPath), error = QString::fromStdString(result.error);
    const MetricsSummary& metrics = result.metrics;
    textDirty_ = true;
    refreshText();
    textTimer_.stop();
    // The summary holds every epoch, resumed ones included.
    if (metrics.epochs.size() >= size_t(epochPlot_->pointCount())) epochPlot_->setEpochs(metrics.epochs);
    lastRunPath_ = runPath;
    const int epochs = epochPlot_->pointCount();
    if (ok) {
        progress_->setValue(kProgressSteps);
        progress_->setFormat(tr("finished") + kSep + epochCount(epochs));
        QString text = tr("Finished.");
        if (!metrics.epochs.empty()) {
            const EpochRecord& r = metrics.epochs.back();
            text += QLatin1Char(' ') + tr("Train accuracy %1").arg(percent(r.trainAccuracy));
            if (r.hasVal) text += kSep + tr("validation accuracy %1").arg(percent(r.valAccuracy));
            text += QLatin1Char('.');
        }
        if (!runPath.isEmpty()) text += QLatin1Char(' ') + tr("Run saved to %1").arg(runPath);
        showMessage(text, false);
    } else if (stopped) {
        progress_->setFormat(progress_->format().section(kSep, 0, 0) + kSep + tr("stopped"));
        QString text = epochs > 0 ? tr("Stopped. The run keeps its last complete epoch (%1)").arg(epochs)
                                  : tr("Stopped before the first epoch ended");
        if (!runPath.isEmpty()) text += QLatin1Char(' ') + tr("in %1").arg(runPath);
        showMessage(text + QLatin1Char('.'), false);
    } else {
        lastError_ = error.isEmpty() ? tr("Training failed.") : error;
        progress_->setFormat(tr("failed"));
        showMessage(tr("Training failed: %1").arg(lastError_), true);
    }
    flushPlots();
}

void TrainingPanel::showError(const QString& text) {
    lastError_ = text;
    showMessage(text, true);
}

void TrainingPanel::showMessage(const QString& text, bool error) {
    message_->setStyleSheet(error ? QString::fromLatin1(kErrorStyle) : QString());
    message_->setText(text);
    message_->setVisible(!text.isEmpty());
}

void TrainingPanel::flushPlots() {
    lossPlot_->flush();
    epochPlot_->flush();
    ratePlot_->flush();
}

}  // namespace strata
