// The canvas' live insight in the main window (docs/ARCHITECTURE.md §4): View > Live Previews
// (also on the toolbar and per card in its context menu), View > Pre-flight Check, View >
// Measure Speed, the estimated training speed in the status bar, and the sample image (the
// training folder's first, or a file dropped on the canvas). CanvasInsight does the work.
#include "MainWindow.h"

#include <QAction>
#include <QLabel>
#include <QMenu>
#include <QSpinBox>
#include <QStatusBar>
#include <QToolBar>

#include "Actions.h"
#include "TrainingFlow.h"
#include "canvas/DesignScene.h"
#include "canvas/DesignView.h"
#include "compile/Precision.h"
#include "data/DatasetPanel.h"
#include "insight/CanvasInsight.h"
#include "model/DesignDocument.h"
#include "training/TrainingSettingsPanel.h"

namespace strata {

void MainWindow::createInsight() {
    insight_ = new CanvasInsight(document_, view_->designScene(), this);
    Actions& a = *actions_;
    QAction* preview = a.add("view.preview", tr("Live &Previews"));
    preview->setCheckable(true);
    preview->setToolTip(tr("Show each node's output for a sample image on its card"));
    connect(preview, &QAction::toggled, insight_, &CanvasInsight::setPreviewsOn);
    a.add("design.preflight", tr("Pre-flight &Check"));
    a["design.preflight"]->setToolTip(tr("Check at the initial weights whether gradients vanish or explode"));
    connect(a["design.preflight"], &QAction::triggered, insight_, &CanvasInsight::runPreflight);
    a.add("design.measureSpeed", tr("&Measure Speed"));
    a["design.measureSpeed"]->setToolTip(tr("Time each node's forward and backward pass on this CPU"));
    connect(a["design.measureSpeed"], &QAction::triggered, this, &MainWindow::measureSpeed);

    a.fill(viewMenu_, {"-", "view.preview", "design.preflight", "design.measureSpeed"});
    if (auto* bar = findChild<QToolBar*>("mainToolBar"))
        a.fill(bar, {"-", "view.preview", "design.preflight", "design.measureSpeed"});
    connect(view_, &DesignView::nodeMenuRequested, this, &MainWindow::fillInsightNodeMenu);

    speedLabel_ = new QLabel(this);
    speedLabel_->setObjectName("statusSpeed");
    speedLabel_->setContentsMargins(8, 0, 8, 0);
    speedLabel_->hide();
    statusBar()->addPermanentWidget(speedLabel_);
    connectInsightSources();
}

void MainWindow::connectInsightSources() {
    connect(insight_, &CanvasInsight::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 8000); });
    connect(insight_, &CanvasInsight::timingUpdated, this, [this](const NodeTimingReport& r) {
        speedLabel_->setText(
            tr("≈ %1 images/s training (batch %2, %3, %4 threads, measured)")
                .arg(qRound(r.imagesPerSecond))
                .arg(r.batch)
                .arg(r.bf16 ? QStringLiteral("bf16") : QStringLiteral("fp32"))
                .arg(r.threads));
        speedLabel_->setToolTip(tr("A training step took %1 ms; the nodes' own passes %2 ms")
                                    .arg(r.stepMs, 0, 'f', 1)
                                    .arg(r.nodesMs, 0, 'f', 1));
        speedLabel_->show();
    });
    // Times measured for the design before an edit no longer hold.
    connect(document_, &DesignDocument::changed, speedLabel_, [this] {
        if (insight_->timing().nodes.empty()) speedLabel_->hide();
    });
    insight_->setDataFolder(datasetPanel()->trainFolder());
    connect(datasetPanel(), &DatasetPanel::foldersChanged, this,
            [this] { insight_->setDataFolder(datasetPanel()->trainFolder()); });
    connect(view_->designScene(), &DesignScene::imageDropped, insight_, &CanvasInsight::setSampleImage);
    // An opened run lends its weights to the previews until another design replaces its design.
    connect(flow_, &TrainingFlow::runOpened, insight_, [this](const QString& run) { insight_->setRunPath(run); });
}

// As the training settings would train: batch size, threads and the precision they resolve to.
void MainWindow::measureSpeed() {
    TrainingSettingsPanel* settings = settingsPanel();
    bool bf16 = false;
    try {
        bf16 = choosePrecision(settings->precisionBox()->currentText().toStdString(), document_->analysis()).precision ==
               "bf16";
    } catch (const std::invalid_argument&) {
        // Not a precision the settings offer; measure in fp32.
    }
    insight_->measureSpeed(settings->batchSizeBox()->value(), settings->threadsBox()->value(), bf16);
}

void MainWindow::fillInsightNodeMenu(const QString& id, QMenu* menu) {
    QAction* shown = menu->addAction(tr("Show Output Preview"));
    shown->setObjectName("nodePreviewToggle");
    shown->setCheckable(true);
    shown->setChecked(insight_->nodePreviewShown(id));
    connect(shown, &QAction::toggled, insight_, [this, id](bool on) { insight_->setNodePreviewShown(id, on); });
}

}  // namespace strata
