#include "MainWindow.h"
#include "Autosave.h"
#include "TrainingAidsController.h"
#include "TrainingFlow.h"
#include "TransferController.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHash>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>
#include <cstdio>
#include <initializer_list>

#include "Actions.h"
#include "Settings.h"
#include "canvas/CanvasStyle.h"
#include "canvas/DesignScene.h"
#include "canvas/DesignView.h"
#include "design/Templates.h"
#include "model/DesignDocument.h"
#include "panels/IssuesPanel.h"
#include "panels/PalettePanel.h"
#include "panels/PanelText.h"
#include "panels/PropertyPanel.h"
#include "runs/RunsPanel.h"
#include "training/TrainingSettingsPanel.h"
#include "training/TransferSettingsBox.h"
#include "widgets/ToolIcons.h"
#include "OnnxExportFlow.h"

namespace strata {

namespace {
const char* const kDesignSuffix = ".strata.json";
constexpr int kStatusMessageMs = 4000;
// Default dock sizes for a first start (later starts restore the user's layout).
constexpr int kPaletteWidth = 210;
constexpr int kPropertiesWidth = 300;
constexpr int kIssuesHeight = 130;
// Layers added by double-click land at the view centre, shifted while that spot is taken.
constexpr double kStackOffset = 24.0;

// The View menu's Cost Overlay entries.
struct CostOverlayEntry {
    const char* id;
    const char* text;
    CostOverlay overlay;
};
constexpr CostOverlayEntry kCostOverlays[] = {
    {"view.costOverlay.none", QT_TRANSLATE_NOOP("strata::MainWindow", "&Off"), CostOverlay::None},
    {"view.costOverlay.parameters", QT_TRANSLATE_NOOP("strata::MainWindow", "&Parameters"), CostOverlay::Parameters},
    {"view.costOverlay.macs", QT_TRANSLATE_NOOP("strata::MainWindow", "&MACs per Image"), CostOverlay::Macs},
    // Filled by View > Measure Speed (MainWindowInsight.cpp); no tint before a measurement.
    {"view.costOverlay.measuredTime", QT_TRANSLATE_NOOP("strata::MainWindow", "Measured &CPU Time"),
     CostOverlay::MeasuredTime}};

// "net.strata.json" -> "net"
QString baseName(const QString& path) {
    QString name = QFileInfo(path).fileName();
    if (name.endsWith(QLatin1String(kDesignSuffix))) name.chop(int(qstrlen(kDesignSuffix)));
    else if (name.endsWith(QLatin1String(".json"))) name.chop(5);
    return name;
}
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName("mainWindow");
    document_ = new DesignDocument(this);
    view_ = new DesignView(document_, this);
    view_->setObjectName("designView");
    setCentralWidget(view_);
    actions_ = new Actions(this);

    createDocks();
    createFileActions();
    createEditActions();
    createViewActions();
    createBlockActions();
    createMenus();
    createToolBar();
    createStatusBar();
    connectDocument();
    setDockNestingEnabled(true);
    resize(1280, 800);
    updateTitle();
    updateStatus();
    updateSelectionActions();
    createTraining();
    // After the flow, which has loaded the open design's training settings.
    transfer_ = new TransferController(document_, settingsPanel()->transferBox(), datasetPanel(), view_, properties_,
                                       this);
    // The runs panel's "Start a training from this run": the settings take it and come forward.
    connect(runsPanel(), &RunsPanel::startFromRequested, this, [this](const QString& run) {
        if (refusedWhileLocked()) return;
        settingsPanel()->transferBox()->setSource(run);
        showPanel(StudioPanel::Settings);
    });
    createExperiments();
    createDataDock();
    createInsight();
    aids_ = new TrainingAidsController(this);
    autosave_ = new Autosave(document_, this);
}

bool MainWindow::restoreAutosave(const QString& file) {
    if (refusedWhileLocked()) return false;  // the file stays for later
    Design design;
    try {
        design = loadDesign(file.toStdString());
    } catch (const std::exception& e) {
        reportError(tr("Cannot restore"), QString::fromStdString(e.what()));
        return false;
    }
    document_->reset(design);
    document_->markModified();
    QFile::remove(file);
    statusBar()->showMessage(tr("Restored the unsaved design \"%1\"").arg(QString::fromStdString(design.name)));
    return true;
}

void MainWindow::updateUndoActions() {
    // As QUndoStack::createUndoAction() would, but triggering DesignDocument::undo()/redo(),
    // which the lock refuses.
    const QUndoStack* stack = document_->undoStack();
    actions_->setAvailable("edit.undo", stack->canUndo());
    actions_->setAvailable("edit.redo", stack->canRedo());
    actions_->get("edit.undo")->setText(stack->undoText().isEmpty() ? tr("&Undo") : tr("&Undo %1").arg(stack->undoText()));
    actions_->get("edit.redo")->setText(stack->redoText().isEmpty() ? tr("&Redo") : tr("&Redo %1").arg(stack->redoText()));
}

MainWindow::~MainWindow() {
    // Closing the window moves focus (a half-typed id commits on focus out): nothing may
    // signal back into this half-destroyed window. Then the canvas goes first, while the
    // document it mirrors still exists (children die in creation order, the document first).
    for (QObject* part : std::initializer_list<QObject*>{palette_, properties_, issues_, view_, document_,
                                                                  document_->undoStack()})
        disconnect(part, nullptr, this, nullptr);
    delete transfer_;  // it draws on the canvas when the document or the settings change
    transfer_ = nullptr;
    delete view_;
    view_ = nullptr;
}

// --- Construction ---------------------------------------------------------------------------

void MainWindow::createDocks() {
    palette_ = new PalettePanel(this);
    properties_ = new PropertyPanel(document_, this);
    issues_ = new IssuesPanel(document_, this);
    // The View menu exists before any dock so addPanelDock can list each one.
    viewMenu_ = new QMenu(tr("&View"), this);
    paletteDock_ = addPanelDock(palette_, tr("Layers"), "paletteDock", Qt::LeftDockWidgetArea);
    propertiesDock_ = addPanelDock(properties_, tr("Properties"), "propertiesDock", Qt::RightDockWidgetArea);
    issuesDock_ = addPanelDock(issues_, tr("Issues"), "issuesDock", Qt::BottomDockWidgetArea);
    // The bottom dock spans only the canvas: the side panels keep their full height.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    resizeDocks({paletteDock_, propertiesDock_}, {kPaletteWidth, kPropertiesWidth}, Qt::Horizontal);
    resizeDocks({issuesDock_}, {kIssuesHeight}, Qt::Vertical);

    connect(palette_, &PalettePanel::addRequested, this, &MainWindow::addLayerAtCentre);
    connect(issues_, &IssuesPanel::nodeActivated, this, &MainWindow::selectNode);
    connect(issues_, &IssuesPanel::countChanged, this, [this](int n) {
        issuesDock_->setWindowTitle(n == 0 ? tr("Issues") : tr("Issues (%1)").arg(n));
    });
    connect(properties_, &PropertyPanel::nodeRenamed, this, &MainWindow::selectNode);
    connect(view_, &DesignView::selectionChanged, this, [this](const QStringList& ids) {
        properties_->setSelection(ids);
        updateSelectionActions();
    });
}

QDockWidget* MainWindow::addPanelDock(QWidget* panel, const QString& title, const QString& objectName,
                                      Qt::DockWidgetArea area) {
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(objectName);  // saveState() needs it
    dock->setWidget(panel);
    dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable |
                      QDockWidget::DockWidgetFloatable);
    addDockWidget(area, dock);
    QAction* toggle = dock->toggleViewAction();
    toggle->setText(title);
    viewMenu_->addAction(toggle);
    return dock;
}

void MainWindow::createFileActions() {
    Actions& a = *actions_;
    const DesignEffect replaces = DesignEffect::Replaces;
    a.add("file.new", tr("&New Design"), {QKeySequence::New}, toolIcon("new"), replaces);
    connect(a["file.new"], &QAction::triggered, this, [this] { newDesign(); });
    for (const std::string& name : templateNames()) {
        const QString n = QString::fromStdString(name);
        a.add("file.template." + n, templateTitle(n), {}, {}, replaces);
        connect(a["file.template." + n], &QAction::triggered, this, [this, n] { newDesign(n); });
    }
    a.add("file.open", tr("&Open..."), {QKeySequence::Open}, toolIcon("open"), replaces);
    connect(a["file.open"], &QAction::triggered, this, &MainWindow::chooseAndOpen);
    a.add("file.save", tr("&Save"), {QKeySequence::Save}, toolIcon("save"));
    connect(a["file.save"], &QAction::triggered, this, &MainWindow::save);
    // Another file moves the design's runs folder: a replacement as far as a training goes.
    a.add("file.saveAs", tr("Save &As..."), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S)}, {}, replaces);
    connect(a["file.saveAs"], &QAction::triggered, this, [this] { saveAs(); });
    a.add("file.clearRecent", tr("&Clear Recent Files"));
    connect(a["file.clearRecent"], &QAction::triggered, this, [] { Settings::instance().clearRecentFiles(); });
    a.add("file.exportOnnx", tr("Export &ONNX..."));
    connect(a["file.exportOnnx"], &QAction::triggered, this, [this] { exportOnnxInteractive(this); });
    a.add("file.quit", tr("&Quit"), {QKeySequence(Qt::CTRL | Qt::Key_Q)});
    connect(a["file.quit"], &QAction::triggered, this, &QWidget::close);
}

void MainWindow::createEditActions() {
    Actions& a = *actions_;
    const DesignEffect edits = DesignEffect::Edits;
    a.add("edit.undo", tr("&Undo"), {QKeySequence(Qt::CTRL | Qt::Key_Z)}, toolIcon("undo"), edits);
    connect(a["edit.undo"], &QAction::triggered, document_, &DesignDocument::undo);
    a.add("edit.redo", tr("&Redo"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)},
          toolIcon("redo"), edits);
    connect(a["edit.redo"], &QAction::triggered, document_, &DesignDocument::redo);
    // The toolbar buttons keep these short texts while the menu names the step ("Undo Auto
    // Layout"): a button that grew would move every button to its right under the mouse.
    a["edit.undo"]->setIconText(tr("Undo"));
    a["edit.redo"]->setIconText(tr("Redo"));
    QUndoStack* undo = document_->undoStack();
    for (auto changed : {&QUndoStack::canUndoChanged, &QUndoStack::canRedoChanged})
        connect(undo, changed, this, &MainWindow::updateUndoActions);
    for (auto changed : {&QUndoStack::undoTextChanged, &QUndoStack::redoTextChanged})
        connect(undo, changed, this, &MainWindow::updateUndoActions);
    updateUndoActions();

    a.add("edit.cut", tr("Cu&t"), {QKeySequence::Cut}, {}, edits);
    connect(a["edit.cut"], &QAction::triggered, this, [this] {
        view_->copySelection();
        view_->deleteSelection();
    });
    a.add("edit.copy", tr("&Copy"), {QKeySequence::Copy});
    connect(a["edit.copy"], &QAction::triggered, view_, &DesignView::copySelection);
    a.add("edit.paste", tr("&Paste"), {QKeySequence::Paste}, {}, edits);
    connect(a["edit.paste"], &QAction::triggered, view_, &DesignView::paste);
    a.add("edit.delete", tr("&Delete"), {QKeySequence::Delete, QKeySequence(Qt::Key_Backspace)}, toolIcon("delete"),
          edits);
    connect(a["edit.delete"], &QAction::triggered, view_, &DesignView::deleteSelection);
    a.add("edit.selectAll", tr("Select &All"), {QKeySequence::SelectAll});
    connect(a["edit.selectAll"], &QAction::triggered, view_, &DesignView::selectAll);
    a.add("edit.autoLayout", tr("Auto &Layout"), {QKeySequence(Qt::CTRL | Qt::Key_L)}, toolIcon("layout"), edits);
    connect(a["edit.autoLayout"], &QAction::triggered, view_, &DesignView::autoLayout);
}

void MainWindow::createViewActions() {
    Actions& a = *actions_;
    a.add("view.zoomIn", tr("Zoom &In"), {QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)}, toolIcon("zoom-in"));
    connect(a["view.zoomIn"], &QAction::triggered, view_, &DesignView::zoomIn);
    a.add("view.zoomOut", tr("Zoom &Out"), {QKeySequence::ZoomOut}, toolIcon("zoom-out"));
    connect(a["view.zoomOut"], &QAction::triggered, view_, &DesignView::zoomOut);
    a.add("view.fit", tr("&Fit to View"), {QKeySequence(Qt::CTRL | Qt::Key_0)}, toolIcon("fit"));
    connect(a["view.fit"], &QAction::triggered, view_, &DesignView::fitToView);
    // The cost overlay: off, or the cards tinted by their share of parameters or of MACs.
    auto* overlays = new QActionGroup(this);
    for (const CostOverlayEntry& entry : kCostOverlays) {
        QAction* action = a.add(entry.id, tr(entry.text));
        action->setCheckable(true);
        action->setChecked(entry.overlay == CostOverlay::None);
        overlays->addAction(action);
        connect(action, &QAction::triggered, this, [this, overlay = entry.overlay] { setCostOverlay(overlay); });
    }
    a.adopt("view.palette", paletteDock_->toggleViewAction());
    a.adopt("view.properties", propertiesDock_->toggleViewAction());
    a.adopt("view.issues", issuesDock_->toggleViewAction());

    a.add("help.about", tr("&About Strata"));
    connect(a["help.about"], &QAction::triggered, this, [this] {
        if (automation_) return;
        QMessageBox::about(this, tr("About Strata"),
                           tr("<b>Strata %1</b><p>Design, train and understand deep networks.</p>"
                              "<p>Licensed under the GNU GPL, version 3 or later.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::createMenus() {
    Actions& a = *actions_;
    QMenu* file = menuBar()->addMenu(tr("&File"));
    templatesMenu_ = file->addMenu(tr("New from &Template"));
    templatesMenu_->setObjectName("templatesMenu");
    a["file.new"]->setText(tr("&Blank Design"));
    QStringList templateIds;
    for (const QString& id : a.ids())
        if (id.startsWith(QLatin1String("file.template."))) templateIds << id;
    a.fill(templatesMenu_, QStringList{"file.new", "-"} + templateIds);
    a.fill(file, {"file.open"});
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    recentMenu_->setObjectName("recentMenu");
    a.fill(file, {"-", "file.save", "file.saveAs", "-", "file.exportOnnx", "-", "file.quit"});
    rebuildRecentMenu();
    connect(&Settings::instance(), &Settings::settingsUpdated, this, &MainWindow::rebuildRecentMenu);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    a.fill(edit, {"edit.undo", "edit.redo", "-", "edit.cut", "edit.copy", "edit.paste", "edit.delete", "-",
                  "edit.selectAll", "edit.autoLayout", "-", "edit.group", "edit.ungroup", "edit.repeat",
                  "edit.renameBlock"});

    a.fill(viewMenu_, {"-", "view.zoomIn", "view.zoomOut", "view.fit", "-", "view.collapseBlocks", "-"});
    QMenu* costOverlay = viewMenu_->addMenu(tr("&Cost Overlay"));
    costOverlay->setObjectName("costOverlayMenu");
    a.fill(costOverlay, {"view.costOverlay.none", "-", "view.costOverlay.parameters", "view.costOverlay.macs",
                         "view.costOverlay.measuredTime"});
    // The dock toggles stay at the top of the View menu, above the zoom commands.
    menuBar()->addMenu(viewMenu_);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    a.fill(help, {"help.about"});
}

void MainWindow::createToolBar() {
    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName("mainToolBar");
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setIconSize(QSize(18, 18));
    // "New" with the templates one click away, like a split button.
    auto* newButton = new QToolButton(bar);
    // The button takes the action's icon text again whenever the action changes (enabled by
    // the design lock, say): "New" there, "Blank Design" in the menu.
    actions_->get("file.new")->setIconText(tr("New"));
    newButton->setDefaultAction(actions_->get("file.new"));
    newButton->setMenu(templatesMenu_);
    newButton->setPopupMode(QToolButton::MenuButtonPopup);
    newButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addWidget(newButton);
    actions_->fill(bar, {"file.open", "file.save", "-", "edit.undo", "edit.redo", "-", "edit.delete",
                         "edit.autoLayout", "-", "view.zoomIn", "view.zoomOut", "view.fit"});
}

void MainWindow::createStatusBar() {
    auto permanent = [this](const char* name) {
        auto* label = new QLabel(this);
        label->setObjectName(name);
        label->setContentsMargins(8, 0, 8, 0);
        statusBar()->addPermanentWidget(label);
        return label;
    };
    dataLabel_ = permanent("statusData");
    dataLabel_->hide();
    paramsLabel_ = permanent("statusParameters");
    macsLabel_ = permanent("statusMacs");
    issuesLabel_ = permanent("statusIssues");
    pathLabel_ = permanent("statusPath");
}

void MainWindow::connectDocument() {
    connect(document_, &DesignDocument::changed, this, [this] {
        updateStatus();
        updateTitle();
    });
    connect(document_, &DesignDocument::pathChanged, this, [this] {
        updateTitle();
        updateStatus();
    });
    connect(document_->undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
}

// --- State shown ----------------------------------------------------------------------------

void MainWindow::updateTitle() {
    QString name = document_->path().isEmpty() ? QString::fromStdString(document_->design().name)
                                               : baseName(document_->path());
    if (name.isEmpty()) name = tr("untitled");
    setWindowTitle(QStringLiteral("%1%2 — Strata").arg(name, document_->isModified() ? "*" : ""));
}

void MainWindow::updateStatus() {
    const DesignAnalysis& analysis = document_->analysis();
    paramsLabel_->setText(tr("%1 parameters").arg(formatCount(analysis.totalParameters)));
    macsLabel_->setText(tr("%1 MACs per image").arg(formatCount(document_->cost().totalMacs)));
    const int n = int(analysis.issues.size());
    issuesLabel_->setText(n == 0 ? tr("No issues") : n == 1 ? tr("1 issue") : tr("%1 issues").arg(n));
    issuesLabel_->setStyleSheet(n == 0 ? QString() : QStringLiteral("color: #c62828; font-weight: bold;"));
    const QString path = document_->path();
    pathLabel_->setText(path.isEmpty() ? tr("Not saved") : QDir::toNativeSeparators(path));
    pathLabel_->setToolTip(path);
}

void MainWindow::setCostOverlay(CostOverlay overlay) {
    view_->designScene()->setCostOverlay(overlay);
    // The total the tint measures, in the scale's dark orange: the overlay's legend.
    const QString measured = QStringLiteral("color: #a63603; font-weight: bold;");
    paramsLabel_->setStyleSheet(overlay == CostOverlay::Parameters ? measured : QString());
    macsLabel_->setStyleSheet(overlay == CostOverlay::Macs ? measured : QString());
    for (const CostOverlayEntry& entry : kCostOverlays)
        if (entry.overlay == overlay) actions_->get(entry.id)->setChecked(true);
}

void MainWindow::updateSelectionActions() {
    const bool any = !view_->selectedNodeIds().isEmpty();
    for (const char* id : {"edit.cut", "edit.copy", "edit.delete"}) actions_->setAvailable(id, any);
    updateBlockActions();
}

void MainWindow::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList files = Settings::instance().recentFiles();
    for (int i = 0; i < files.size(); ++i) {
        const QString& file = files[i];
        QAction* action = recentMenu_->addAction(
            QStringLiteral("&%1  %2").arg(i + 1).arg(QDir::toNativeSeparators(file)));
        action->setData(file);
        action->setEnabled(!document_->isLocked());  // opening one replaces the design
        connect(action, &QAction::triggered, this, [this, file] {
            if (!QFileInfo::exists(file)) {
                reportError(tr("Cannot open design"), tr("%1 no longer exists.").arg(file));
                Settings::instance().removeRecentFile(file);
                return;
            }
            openDesign(file);
        });
    }
    if (files.isEmpty()) recentMenu_->addAction(tr("No recent files"))->setEnabled(false);
    recentMenu_->addSeparator();
    recentMenu_->addAction(actions_->get("file.clearRecent"));
    actions_->setAvailable("file.clearRecent", !files.isEmpty());
}

// --- Files ----------------------------------------------------------------------------------

QString MainWindow::designPath() const { return document_->path(); }

QString MainWindow::templateTitle(const QString& name) {
    static const QHash<QString, QString> titles = {{"blank", tr("Blank design")},
                                                   {"mlp", tr("MLP (multilayer perceptron)")},
                                                   {"lenet", tr("LeNet-5")},
                                                   {"reference-cnn", tr("Reference CNN")},
                                                   {"resnet-mini", tr("ResNet-mini")},
                                                   {"vit-tiny", tr("ViT-tiny (vision transformer)")},
                                                   {"photo-cnn", tr("Photo CNN (96×96 RGB)")},
                                                   {"photo-resnet", tr("Photo ResNet (96×96 RGB)")}};
    return titles.value(name, name);
}

Design MainWindow::blankDesign() {
    Design design;
    design.name = "untitled";
    Node input{"in", "Input", {{"channels", 1}, {"height", 28}, {"width", 28}}, true, 0.0, 0.0};
    Node output{"out", "Output", nlohmann::json::object(), true, 0.0, 200.0};
    design.nodes = {input, output};
    design.edges = {Edge{"in", "out", 0}};
    return design;
}

bool MainWindow::newDesign(const QString& templateName) {
    if (refusedWhileLocked() || !maybeSave()) return false;
    Design design;
    if (templateName.isEmpty() || templateName == QLatin1String("blank")) {
        design = blankDesign();
    } else {
        const std::string path = templatePath(templateName.toStdString());
        try {
            if (path.empty()) throw DesignError("no template named \"" + templateName.toStdString() + "\"");
            design = loadDesign(path);
        } catch (const std::exception& e) {
            reportError(tr("Cannot start from template"), QString::fromStdString(e.what()));
            return false;
        }
    }
    document_->reset(design);  // no path: Save asks where
    properties_->setSelection({});
    fitSoon();
    statusBar()->showMessage(tr("New design from %1").arg(templateTitle(templateName.isEmpty() ? "blank" : templateName)),
                             kStatusMessageMs);
    return true;
}

bool MainWindow::openDesign(const QString& path) {
    if (refusedWhileLocked() || !maybeSave()) return false;
    QString error;
    if (!document_->load(path, &error)) {
        reportError(tr("Cannot open design"),
                    error.contains(QFileInfo(path).fileName()) ? error : tr("%1: %2").arg(path, error));
        return false;
    }
    Settings::instance().addRecentFile(path);
    properties_->setSelection({});
    fitSoon();
    statusBar()->showMessage(tr("Opened %1").arg(QDir::toNativeSeparators(path)), kStatusMessageMs);
    return true;
}

void MainWindow::chooseAndOpen() {
    if (automation_ || refusedWhileLocked()) return;
    const QString current = document_->path();
    const QString dir = current.isEmpty() || isReadOnlyLocation(current) ? QDir::homePath() : QFileInfo(current).absolutePath();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open design"), dir,
                                                      tr("Strata designs (*.strata.json);;JSON files (*.json);;All files (*)"));
    if (!path.isEmpty()) openDesign(path);
}

bool MainWindow::isReadOnlyLocation(const QString& path) {
    const QFileInfo file(path);
    const QString templates = QString::fromStdString(templatesDir());
    if (!templates.isEmpty()) {
        const QString dir = QDir(templates).canonicalPath();
        const QString folder = QDir(file.absolutePath()).canonicalPath();
        if (!dir.isEmpty() && (folder == dir || folder.startsWith(dir + QLatin1Char('/')))) return true;
    }
    if (file.exists() && !file.isWritable()) return true;
    const QFileInfo folder(file.absolutePath());
    return !folder.isDir() || !folder.isWritable();
}

bool MainWindow::save() {
    const QString path = document_->path();
    if (path.isEmpty() || isReadOnlyLocation(path)) return saveAs();
    return saveAs(path);
}

bool MainWindow::saveAs(const QString& requested) {
    QString path = requested;
    // Another file (or asking for one) would move the design's runs folder under a training.
    if ((path.isEmpty() || path != document_->path()) && refusedWhileLocked()) return false;
    if (path.isEmpty()) {
        if (automation_) {
            reportError(tr("Cannot save"), tr("Save As needs a file name; no dialog in automation mode."));
            return false;
        }
        const QString current = document_->path();
        const QString dir = current.isEmpty() || isReadOnlyLocation(current) ? QDir::homePath()
                                                                              : QFileInfo(current).absolutePath();
        QString name = current.isEmpty() ? QString::fromStdString(document_->design().name) : baseName(current);
        if (name.isEmpty()) name = QStringLiteral("untitled");
        path = QFileDialog::getSaveFileName(this, tr("Save design as"), QDir(dir).filePath(name + kDesignSuffix),
                                            tr("Strata designs (*.strata.json)"));
        if (path.isEmpty()) return false;  // cancelled
        if (!path.endsWith(QLatin1String(".json"))) path += QLatin1String(kDesignSuffix);
    }
    QString error;
    if (!document_->save(path, &error)) {
        reportError(tr("Cannot save design"), error.isEmpty() ? tr("Cannot write %1.").arg(path) : error);
        return false;
    }
    Settings::instance().addRecentFile(path);
    updateTitle();
    updateStatus();
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), kStatusMessageMs);
    return true;
}

bool MainWindow::maybeSave() {
    if (!document_->isModified() || automation_) return true;
    const QString name = document_->path().isEmpty() ? QString::fromStdString(document_->design().name)
                                                     : baseName(document_->path());
    QMessageBox box(QMessageBox::Warning, tr("Unsaved changes"),
                    tr("Save the changes to \"%1\" before closing it?").arg(name),
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box.setObjectName("unsavedChangesBox");
    box.setInformativeText(tr("Your changes are lost if you don't save them."));
    box.setDefaultButton(QMessageBox::Save);
    switch (box.exec()) {
    case QMessageBox::Save: return save();
    case QMessageBox::Discard: return true;
    default: return false;
    }
}

void MainWindow::reportError(const QString& title, const QString& text) {
    if (automation_) {
        std::fprintf(stderr, "warning: %s\n", qPrintable(text));
        statusBar()->showMessage(text);
        return;
    }
    QMessageBox::warning(this, title, text);
}

// --- Data, layers, selection -----------------------------------------------------------------

void MainWindow::addLayerAtCentre(const QString& type) {
    // Positions are card top-left corners: centre the card on the view.
    QPointF pos = view_->mapToScene(view_->viewport()->rect().center()) -
                  QPointF(canvas::kCardWidth / 2, canvas::kCardHeight / 2);
    // Repeated double-clicks fan out instead of stacking cards on one spot.
    for (bool taken = true; taken;) {
        taken = false;
        for (const Node& node : document_->design().nodes) {
            const QPointF p = document_->position(QString::fromStdString(node.id));
            if (qAbs(p.x() - pos.x()) < 1.0 && qAbs(p.y() - pos.y()) < 1.0) {
                pos += QPointF(kStackOffset, kStackOffset);
                taken = true;
                break;
            }
        }
    }
    const QString id = document_->addNode(type, pos);
    if (id.isEmpty()) {
        statusBar()->showMessage(tr("Cannot add a %1 layer").arg(type), kStatusMessageMs);
        return;
    }
    selectNode(id);
}

void MainWindow::selectNode(const QString& id) {
    if (!view_) return;
    view_->selectNodes({id});
    properties_->setSelection(view_->selectedNodeIds().isEmpty() ? QStringList{id} : view_->selectedNodeIds());
    updateSelectionActions();
}

void MainWindow::fitSoon() {
    // After the scene has its items and the view its final size (the next event loop turn).
    QTimer::singleShot(0, view_, &DesignView::fitToView);
}

void MainWindow::restoreWindowState() {
    const Settings& settings = Settings::instance();
    if (!settings.windowGeometry().isEmpty()) restoreGeometry(settings.windowGeometry());
    if (!settings.windowState().isEmpty()) restoreState(settings.windowState());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!confirmStopTraining() || !maybeSave()) {
        event->ignore();
        return;
    }
    autosave_->discard();  // a normal exit leaves nothing to restore
    if (!automation_) {
        Settings::instance().setWindowGeometry(saveGeometry());
        Settings::instance().setWindowState(saveState());
    }
    event->accept();
}

}  // namespace strata
