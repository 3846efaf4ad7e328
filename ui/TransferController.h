#pragma once
// The studio side of transfer (docs/ARCHITECTURE.md §3): starting a training from a trained
// run and freezing layers. The transfer settings live in the training settings panel's
// TransferSettingsBox (fields of the TrainConfig, remembered per design, never part of the
// design file); this controller shows and edits them where the design is:
//  - the chosen run is read off the UI thread (readValidRun), then planInit matches it against
//    the open design (and the dataset's classes, when scanned) after every change: a badge per
//    card (copied, new, skipped with the reason) and a one-line report in the box; a run that
//    cannot be read or used shows its error there and no badges;
//  - freezing: the cards' snowflakes, the properties panel's Freeze box and the canvas context
//    menu ("Freeze", "Freeze up to here") edit the box's frozen list; the cards and the panel
//    show it, and resolveFrozen's objection, if any, is shown in the box (TrainingSession
//    refuses to start with it);
//  - "Replace head for this dataset" on the context menu of the last Linear sets its
//    out_features to "classes" through the document (one undo step).
// Nothing here changes while the design is locked (a training runs).
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>
#include <string>
#include <vector>

class QMenu;

namespace strata {

class BackgroundJob;
class DatasetPanel;
class DesignDocument;
class DesignView;
class PropertyPanel;
class TransferSettingsBox;
struct ValidRun;

class TransferController : public QObject {
    Q_OBJECT
public:
    TransferController(DesignDocument* document, TransferSettingsBox* box, DatasetPanel* dataset, DesignView* view,
                       PropertyPanel* properties, QObject* parent);
    ~TransferController() override;

    // The frozen node ids as the design sees them: the box's list and "up to" node resolved
    // against the open design, nodes without parameters and unknown ids left out; in
    // execution order.
    QStringList frozenIds() const;
    // Freezes or unfreezes one node (one with parameters); ignored while the design is locked.
    void setFrozen(const QString& id, bool frozen);
    // Freezes every node with parameters from the Input up to and including `id`.
    void freezeUpTo(const QString& id);
    // Sets the head's out_features to "classes" (one undo step); false when `id` is not the
    // last Linear or already follows the classes.
    bool replaceHead(const QString& id);
    // The id of the design's head when it is a Linear (the last node with parameters), else "".
    QString headLinear() const;

    // Whether the chosen run is still being read.
    bool isReading() const;
    // Runs up to this size (bytes) are read on the UI thread, bigger ones on a worker; for
    // tests of either way.
    void setInlineReadLimit(qint64 bytes) { inlineReadLimit_ = bytes; }

    // A read run, or why it cannot be used.
    struct SourceRead {
        std::shared_ptr<const ValidRun> run;
        QString error;
    };

signals:
    // The chosen run was read (or failed to be) and the cards show what it would do.
    void sourceRead();

private:
    void readSource(const QString& path);
    void showSource(SourceRead read);
    // Badges, frozen marks and the box's report and freeze problem, from the current state.
    void refresh();
    void fillNodeMenu(const QString& id, QMenu* menu);
    void addFreezeActions(const QString& id, QMenu* menu);
    std::vector<std::string> classes() const;
    // Node ids with parameters up to and including `id`, in execution order.
    QStringList parameterNodesUpTo(const QString& id) const;
    bool hasParameters(const QString& id) const;

    DesignDocument* document_;
    TransferSettingsBox* box_;
    DatasetPanel* dataset_;
    DesignView* view_;
    PropertyPanel* properties_;
    BackgroundJob* reader_;
    QString sourcePath_;                      // the run read (or being read)
    std::shared_ptr<const ValidRun> source_;  // null while reading or when unreadable
    QString sourceError_;
    // A few MB read and verify in milliseconds.
    qint64 inlineReadLimit_ = qint64(32) << 20;
};

}  // namespace strata
