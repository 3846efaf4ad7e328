#include "experiments/ExperimentsPanel.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

#include "experiments/ExperimentCurves.h"
#include "experiments/ExperimentQueue.h"
#include "experiments/GradientStrips.h"
#include "experiments/QueueTable.h"
#include "experiments/ResultsTable.h"
#include "experiments/ScalingPlots.h"
#include "jobs/BackgroundJob.h"
#include "widgets/Labels.h"

namespace strata {

namespace {
constexpr int kControlsWidth = 380;
const char* const kErrorStyle = "color: #c62828;";
}  // namespace

ExperimentsPanel::ExperimentsPanel(QWidget* parent) : QWidget(parent) {
    setObjectName("experimentsPanel");
    queue_ = new ExperimentQueue(this);
    loader_ = new BackgroundJob(this);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(buildControls());
    splitter->addWidget(buildTabs());
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({kControlsWidth, 2 * kControlsWidth});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);
    connectQueue();
    display(ExperimentView(), false);
}

// The queue's thread stops with it (a child of this panel): the experiment stays resumable.
ExperimentsPanel::~ExperimentsPanel() = default;

QWidget* ExperimentsPanel::buildControls() {
    auto* box = new QWidget(this);
    setup_ = new ExperimentSetup(box);
    QLabel* from = hintLabel(tr("Data and training settings: the Dataset and Training Settings panels."), box);
    from->setAlignment(Qt::AlignLeft);
    start_ = new QPushButton(tr("Start"), box);
    stop_ = new QPushButton(tr("Stop"), box);
    stop_->setToolTip(tr("Stops after the current batch; Resume continues where it stopped."));
    resume_ = new QPushButton(tr("Resume"), box);
    open_ = new QPushButton(tr("Open\u2026"), box);
    open_->setToolTip(tr("Show an experiment folder (experiment.json and its runs)."));
    connect(start_, &QPushButton::clicked, this, [this] { startExperiment(); });
    connect(stop_, &QPushButton::clicked, this, &ExperimentsPanel::stopExperiment);
    connect(resume_, &QPushButton::clicked, this, [this] { resumeExperiment(); });
    connect(open_, &QPushButton::clicked, this, &ExperimentsPanel::chooseAndOpen);
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {start_, stop_, resume_, open_}) buttons->addWidget(b);
    folderLabel_ = new QLabel(box);
    folderLabel_->setObjectName("experimentFolder");
    folderLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A long folder path must not widen the column: the name shows, the path is the tooltip.
    folderLabel_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    status_ = new QLabel(box);
    status_->setObjectName("experimentStatus");
    status_->setWordWrap(true);
    queueTable_ = new QueueTable(box);
    connect(queueTable_, &QueueTable::variantActivated, this, &ExperimentsPanel::activateVariant);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 4, 0);
    layout->addWidget(setup_);
    layout->addWidget(from);
    layout->addLayout(buttons);
    layout->addWidget(folderLabel_);
    layout->addWidget(status_);
    layout->addWidget(queueTable_, 1);
    return box;
}

QTabWidget* ExperimentsPanel::buildTabs() {
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName("experimentTabs");
    curves_ = new ExperimentCurves(tabs_);
    gradients_ = new GradientStrips(tabs_);
    scaling_ = new ScalingPlots(tabs_);
    results_ = new ResultsTable(tabs_);
    connect(results_, &ResultsTable::variantActivated, this, &ExperimentsPanel::activateVariant);
    tabs_->insertTab(CurvesTab, curves_, tr("Curves"));
    tabs_->insertTab(GradientsTab, gradients_, tr("Gradients"));
    tabs_->insertTab(ScalingTab, scaling_, tr("Scaling"));
    tabs_->insertTab(ResultsTab, results_, tr("Results"));
    return tabs_;
}

void ExperimentsPanel::connectQueue() {
    ExperimentQueue* q = queue_;
    connect(q, &ExperimentQueue::begun, this, [this](const ExperimentView& v) { display(v, true); });
    connect(q, &ExperimentQueue::variantStarted, this, &ExperimentsPanel::onVariantStarted);
    connect(q, &ExperimentQueue::variantLoading, queueTable_, &QueueTable::variantLoading);
    connect(q, &ExperimentQueue::variantProgress, queueTable_, &QueueTable::variantProgress);
    connect(q, &ExperimentQueue::epochDone, this, &ExperimentsPanel::onEpoch);
    connect(q, &ExperimentQueue::gradientsReady, this, &ExperimentsPanel::onGradients);
    connect(q, &ExperimentQueue::variantFinished, this, &ExperimentsPanel::onVariantFinished);
    connect(q, &ExperimentQueue::finished, this, &ExperimentsPanel::onFinished);
}

void ExperimentsPanel::setInputsSource(InputsSource source) { inputs_ = std::move(source); }

bool ExperimentsPanel::isRunning() const { return queue_->isRunning(); }

bool ExperimentsPanel::refuse(const QString& text, QString* error) {
    if (error) *error = text;
    setStatus(text, true);
    emit problem(text);
    return false;
}

bool ExperimentsPanel::startExperiment(QString* error) {
    if (isRunning()) return refuse(tr("An experiment is already running."), error);
    if (!inputs_) return refuse(tr("The studio has not said what to train."), error);
    const ExperimentInputs in = inputs_();
    if (!in.problem.isEmpty()) return refuse(in.problem, error);
    QString why;
    ExperimentQueue::PlanMaker maker = setup_->planMaker(in, &why);
    if (!maker) return refuse(why, error);
    const QString dir = setup_->newFolder(in);
    if (QFileInfo::exists(experimentFileIn(dir.toStdString()).c_str()))
        return refuse(tr("%1 already holds an experiment.").arg(dir), error);
    loader_->cancel();  // an Open still reading would replace what starts now
    queue_->start(dir, std::move(maker));
    setStatus(tr("Preparing %1 \u2026").arg(dir));
    updateButtons();
    return true;
}

bool ExperimentsPanel::resumeExperiment(QString* error) {
    if (isRunning()) return refuse(tr("An experiment is already running."), error);
    if (view_.dir.isEmpty()) return refuse(tr("Open the experiment folder to resume first."), error);
    loader_->cancel();
    queue_->resume(view_.dir);
    setStatus(tr("Resuming %1 \u2026").arg(view_.dir));
    updateButtons();
    return true;
}

void ExperimentsPanel::stopExperiment() {
    if (!isRunning()) return;
    queue_->stop();
    setStatus(tr("Stopping after the current batch \u2026"));
    updateButtons();
}

bool ExperimentsPanel::openExperiment(const QString& dir, QString* error) {
    if (isRunning()) return refuse(tr("Stop the running experiment before opening another."), error);
    setStatus(tr("Reading %1 \u2026").arg(dir));
    loader_->start([dir](const StopToken&) { return loadExperimentView(dir); },
                   [this](const ExperimentView& v) {
                       if (!v.error.isEmpty()) {
                           refuse(v.error, nullptr);
                           return;
                       }
                       display(v, false);
                       setup_->showExperiment(v.experiment);
                       showKindTab();
                       emit loaded(v.dir);
                   });
    return true;
}

void ExperimentsPanel::chooseAndOpen() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open experiment folder"), view_.dir);
    if (!dir.isEmpty()) openExperiment(dir);
}

// Every view takes the experiment afresh; `live` while it trains.
void ExperimentsPanel::display(const ExperimentView& view, bool live) {
    view_ = view;
    QStringList names;
    for (const VariantView& v : view_.variants) names << QString::fromStdString(v.record.name);
    queueTable_->setVariants(view_.variants, live);
    curves_->setVariants(view_.variants);
    gradients_->setVariants(names);
    for (size_t i = 0; i < view_.variants.size(); ++i) gradients_->setHistory(int(i), view_.variants[i].gradients);
    scaling_->setExperiment(view_.experiment);
    results_->setVariants(view_.variants);
    // Tabs only for what this experiment can show: heat maps need feature snapshots (which
    // stabilizers always record), the fit needs a scaling experiment.
    bool gradients = false;
    for (const VariantView& v : view_.variants)
        gradients = gradients || !v.gradients.steps.empty() || jsonFlag(v.record.config, "features", false);
    tabs_->setTabVisible(GradientsTab, gradients);
    tabs_->setTabVisible(ScalingTab, view_.experiment.kind == "scaling");
    if (!tabs_->isTabVisible(tabs_->currentIndex())) tabs_->setCurrentIndex(CurvesTab);
    folderLabel_->setText(view_.dir.isEmpty() ? tr("No experiment open.")
                                              : tr("%1 experiment %2").arg(QString::fromStdString(view_.experiment.kind),
                                                                           QFileInfo(view_.dir).fileName()));
    folderLabel_->setToolTip(QDir::toNativeSeparators(view_.dir));
    if (!live) setStatus(QString());
    updateButtons();
}

// An opened experiment comes up on the view its kind is about.
void ExperimentsPanel::showKindTab() {
    const std::string& kind = view_.experiment.kind;
    tabs_->setCurrentIndex(kind == "stabilizers" ? GradientsTab
                           : kind == "scaling"   ? ScalingTab
                           : kind == "variants"  ? CurvesTab
                                                 : ResultsTab);
}

void ExperimentsPanel::onVariantStarted(int index, const ExperimentVariant& record) {
    if (!valid(index)) return;
    view_.variants[size_t(index)].record = record;
    queueTable_->variantStarted(index);
    results_->setVariant(index, record);
    setStatus(tr("Training %1 (%2 of %3) \u2026").arg(QString::fromStdString(record.name)).arg(index + 1).arg(view_.variants.size()));
}

void ExperimentsPanel::onEpoch(int index, const EpochRecord& record) {
    if (!valid(index)) return;
    view_.variants[size_t(index)].epochs.push_back(record);
    curves_->addEpoch(index, record);
}

void ExperimentsPanel::onGradients(int index, const GradientHistory& gradients) {
    if (!valid(index)) return;
    view_.variants[size_t(index)].gradients = gradients;
    gradients_->setHistory(index, gradients);
}

// The run file, read again at the variant's end, is what the views keep.
void ExperimentsPanel::onVariantFinished(int index, const VariantView& view) {
    if (!valid(index)) return;
    VariantView& mine = view_.variants[size_t(index)];
    mine.record = view.record;
    if (view.readError.isEmpty()) {
        mine.epochs = view.epochs;
        if (!view.gradients.steps.empty()) mine.gradients = view.gradients;
    }
    mine.readError = view.readError;
    view_.experiment.variants[size_t(index)] = view.record;
    queueTable_->variantFinished(index, view.record);
    curves_->setEpochs(index, mine.epochs);
    gradients_->setHistory(index, mine.gradients);
    results_->setVariant(index, view.record);
    scaling_->setExperiment(view_.experiment);
}

void ExperimentsPanel::onFinished(const Experiment& experiment, bool stopped, const QString& error) {
    // The records as the runner left them (the scaling fit included); the curves and heat
    // maps already hold what the run files do.
    if (experiment.variants.size() == view_.variants.size() && !experiment.variants.empty()) {
        view_.experiment = experiment;
        for (size_t i = 0; i < view_.variants.size(); ++i) view_.variants[i].record = experiment.variants[i];
    }
    queueTable_->setVariants(view_.variants, false);
    results_->setVariants(view_.variants);
    scaling_->setExperiment(view_.experiment);
    updateButtons();
    if (!error.isEmpty()) refuse(error, nullptr);
    else setStatus(stopped ? tr("Stopped. Resume continues where it stopped.") : tr("Finished."));
    emit finished(stopped, error);
}

void ExperimentsPanel::activateVariant(int index) {
    if (!valid(index)) return;
    const QString path = variantRunPath(view_.dir, view_.variants[size_t(index)].record);
    if (!QFileInfo::exists(path)) {
        setStatus(tr("%1 has no run file yet.").arg(QString::fromStdString(view_.variants[size_t(index)].record.name)));
        return;
    }
    emit openRunRequested(path);
}

void ExperimentsPanel::updateButtons() {
    const bool running = isRunning();
    bool unfinished = false;
    for (const VariantView& v : view_.variants)
        if (v.record.status != "done" && v.record.status != "failed") unfinished = true;
    start_->setEnabled(!running);
    stop_->setEnabled(running && !queue_->stopRequested());
    resume_->setEnabled(!running && !view_.dir.isEmpty() && unfinished);
    open_->setEnabled(!running);
    setup_->setEnabled(!running);
}

void ExperimentsPanel::setStatus(const QString& text, bool isError) {
    status_->setText(text);
    status_->setStyleSheet(isError ? QString::fromLatin1(kErrorStyle) : QString());
    status_->setVisible(!text.isEmpty());
}

}  // namespace strata
