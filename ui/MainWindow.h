#pragma once
// The studio's main window: the canvas in the middle, the layer palette (left), the property
// panel (right) and the issues list (bottom) as docks, menus and a toolbar built from one
// action registry, and a status bar with the parameter and MAC totals, the issue count and the
// file. The View menu's cost overlay tints the canvas cards by what each node costs.
// It owns the open DesignDocument; panels and canvas only follow it. The training side
// (TrainingDocks) is docked here too; its TrainingFlow runs the trainings. While the flow has
// the design locked, every action that would change or replace it is off and every entry
// point that would (open, new, templates, recent files, autosave restore, Save As) refuses.
#include <QMainWindow>
#include <QString>

#include <array>

#include "StudioPanel.h"
#include "TrainingDocks.h"

class QDockWidget;
class QLabel;
class QMenu;

namespace strata {

class Actions;
class Autosave;
class DesignDocument;
class DesignView;
class CanvasInsight;
class FeaturesController;
class IssuesPanel;
class PalettePanel;
class PropertyPanel;
class TrainingAidsController;
class TrainingFlow;
class TransferController;
enum class CostOverlay;  // canvas/DesignScene.h
struct Design;
struct TrainResult;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // --- Files --------------------------------------------------------------------------
    // Opens a design file (after the unsaved-changes prompt). On bad input it reports the file
    // and the reason (message box, or status bar and stderr in automation), keeps the current
    // design and returns false.
    bool openDesign(const QString& path);
    // Starts a new, never-saved design from a template name (templateNames()), or the blank
    // design (an Input 1x28x28 wired to an Output) for "" or "blank".
    bool newDesign(const QString& templateName = QString());
    // Saves to the design's file, or asks for one (Save As) when it has none or lives in a
    // read-only place such as the installed templates (docs/ARCHITECTURE.md §13).
    bool save();
    // Saves to `path` ("" asks with a file dialog, never in automation). The design then lives
    // there and the path joins the recent files.
    bool saveAs(const QString& path = QString());
    QString designPath() const;
    // True for files Save must not overwrite: templates and files in unwritable folders.
    static bool isReadOnlyLocation(const QString& path);
    // The blank design of File > New.
    static Design blankDesign();
    // The menu text of a template ("reference-cnn" -> "Reference CNN").
    static QString templateTitle(const QString& name);

    // Restores a crash leftover of Autosave as a new, unsaved design and deletes the file.
    bool restoreAutosave(const QString& file);
    Autosave* autosave() const { return autosave_; }

    // The image folder the studio will train on: the dataset panel's training folder. Its
    // scan sets the class count and the status bar's data label.
    void setDataFolder(const QString& dir);
    QString dataFolder() const;

    // --- Training and panels, for the command line's automation and tests ------------------
    // Trains the open design as the Train button does; false with the reason in *error.
    bool startTraining(QString* error = nullptr);
    // Brings a panel's dock to the front; `tab` also opens the panel's tab whose title starts
    // with it (case-insensitive). False when the panel has no such tab.
    bool showPanel(StudioPanel panel, const QString& tab = QString());
    // Gives a bottom panel about half the window's height (for screenshots of it).
    void enlargePanel(StudioPanel panel);
    QDockWidget* dock(StudioPanel panel) const { return docks_[size_t(panel)]; }

    // The canvas' cost overlay, as the View menu's Cost Overlay entries set it.
    void setCostOverlay(CostOverlay overlay);

    // Automation (--screenshot, tests): never a modal dialog; errors go to the status bar and
    // stderr, unsaved changes are discarded without asking, window state is not saved.
    void setAutomation(bool on) { automation_ = on; }
    bool automation() const { return automation_; }
    // Restores geometry and dock layout from the settings (a normal start, not automation).
    void restoreWindowState();

    // --- Parts, for the application and tests -------------------------------------------
    DesignDocument* document() const { return document_; }
    DesignView* view() const { return view_; }
    Actions* actions() const { return actions_; }
    PalettePanel* palettePanel() const { return palette_; }
    PropertyPanel* propertyPanel() const { return properties_; }
    IssuesPanel* issuesPanel() const { return issues_; }
    // The training side: the flow that runs trainings, and its docks.
    TrainingFlow* training() const { return flow_; }
    DatasetPanel* datasetPanel() const { return trainingDocks_.dataset; }
    TrainingSettingsPanel* settingsPanel() const { return trainingDocks_.settings; }
    TrainingPanel* trainingPanel() const { return trainingDocks_.training; }
    RunsPanel* runsPanel() const { return trainingDocks_.runs; }
    PredictPanel* predictPanel() const { return trainingDocks_.predict; }
    FeaturesPanel* featuresPanel() const { return trainingDocks_.features; }
    FeaturesController* featuresController() const { return featuresController_; }
    ExperimentsPanel* experimentsPanel() const { return trainingDocks_.experiments; }
    // The Data dock: the dataset map and ranked images of the run shown (MainWindowData.cpp).
    DataMapPanel* dataPanel() const { return trainingDocks_.data; }
    // Transfer: the badges of a chosen source run and the frozen layers on the canvas.
    TransferController* transferController() const { return transfer_; }
    // The canvas' live previews, pre-flight badges and measured node times (MainWindowInsight.cpp).
    CanvasInsight* canvasInsight() const { return insight_; }
    // The augmentation preview's inputs and the learning-rate finder (TrainingAidsController.h).
    TrainingAidsController* trainingAids() const { return aids_; }
    // The View menu; addPanelDock() lists later docks (training, features) there too.
    QMenu* viewMenu() const { return viewMenu_; }
    QMenu* recentMenu() const { return recentMenu_; }
    // Docks a panel in `area` and adds its show/hide toggle to the View menu.
    QDockWidget* addPanelDock(QWidget* panel, const QString& title, const QString& objectName,
                              Qt::DockWidgetArea area);

signals:
    // A training ended (finished, stopped or failed), after every panel has shown it.
    void trainingFinished(const strata::TrainResult& result);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createFileActions();
    void createEditActions();
    void createViewActions();
    void createMenus();
    void createToolBar();
    void createDocks();
    void createTraining();
    void connectTrainingPanels();
    // The Experiments dock: what Start trains (the open design, the settings, the data) and
    // opening a variant's run (MainWindowExperiments.cpp).
    void createExperiments();
    // The Data dock follows the run the studio shows; its Open Folder and refusals
    // (MainWindowData.cpp).
    void createDataDock();
    void createStatusBar();
    // Blocks (MainWindowBlocks.cpp): Group as Block, Ungroup, Repeat ×N, Rename Block and
    // Collapse All Blocks, in the Edit and View menus and the node context menu.
    void createBlockActions();
    void updateBlockActions();
    void fillBlockMenu(const QString& nodeId, QMenu* menu);
    // The block holding the selected layers ("" when they are not all in one).
    QString selectedBlock() const;
    void groupSelection();
    void ungroupSelection();
    void repeatSelection();
    void renameSelectedBlock();
    void toggleAllBlocksCollapsed();
    // Live previews, pre-flight and Measure Speed: actions, node menu, status bar, sample and
    // run (MainWindowInsight.cpp).
    void createInsight();
    void connectInsightSources();
    void fillInsightNodeMenu(const QString& id, QMenu* menu);
    void measureSpeed();
    void connectDocument();

    // The design lock: actions, canvas and panels follow it.
    void applyLock(bool locked);
    // True, with the reason in the status bar, while the design is locked: asked first by
    // every entry point that would replace the design or move it to another file.
    bool refusedWhileLocked();
    // Closing while training: asks (unless automation), then stops and waits. False when the
    // user chose to keep training.
    bool confirmStopTraining();
    // After each scan of the dataset panel: the class count and the data label.
    void showDataScan();
    void updateUndoActions();

    void updateTitle();
    void updateStatus();
    void updateSelectionActions();
    void rebuildRecentMenu();

    // The unsaved-changes prompt: true when the caller may go on (saved or discarded).
    bool maybeSave();
    void reportError(const QString& title, const QString& text);
    void chooseAndOpen();
    void addLayerAtCentre(const QString& type);
    void selectNode(const QString& id);
    void fitSoon();

    DesignDocument* document_ = nullptr;
    DesignView* view_ = nullptr;
    Actions* actions_ = nullptr;
    PalettePanel* palette_ = nullptr;
    PropertyPanel* properties_ = nullptr;
    IssuesPanel* issues_ = nullptr;
    TrainingDocks trainingDocks_;
    TrainingFlow* flow_ = nullptr;
    FeaturesController* featuresController_ = nullptr;
    TransferController* transfer_ = nullptr;
    CanvasInsight* insight_ = nullptr;
    TrainingAidsController* aids_ = nullptr;
    QLabel* speedLabel_ = nullptr;
    std::array<QDockWidget*, kStudioPanels.size()> docks_{};
    Autosave* autosave_ = nullptr;
    QDockWidget* paletteDock_ = nullptr;
    QDockWidget* propertiesDock_ = nullptr;
    QDockWidget* issuesDock_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QMenu* templatesMenu_ = nullptr;
    QLabel* pathLabel_ = nullptr;
    QLabel* paramsLabel_ = nullptr;
    QLabel* macsLabel_ = nullptr;
    QLabel* issuesLabel_ = nullptr;
    QLabel* dataLabel_ = nullptr;
    bool automation_ = false;
};

}  // namespace strata
