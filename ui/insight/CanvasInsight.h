#pragma once
// The live insight on the design canvas (docs/ARCHITECTURE.md §4): each card's output for a
// sample image (a child NodePreviewItem beside it), the stability pre-flight's findings (a
// NodeBadgeItem on the cards it names) and the measured CPU time of each node (on the
// preview item, and the cost overlay's MeasuredTime). It follows the document's changed():
// previews are recomputed on DesignInsightWorker after a short pause in the edits, then the
// pre-flight; badges and times go at once, since they describe the design before the edit.
#include <QHash>
#include <QImage>
#include <QObject>
#include <QString>

#include <string>

#include "insight/NodePreview.h"
#include "insight/NodeTiming.h"
#include "insight/Preflight.h"

class QTimer;

namespace strata {

class DesignDocument;
class DesignInsightWorker;
class DesignScene;
class NodeBadgeItem;
class NodeItem;
class NodePreviewItem;

class CanvasInsight : public QObject {
    Q_OBJECT
public:
    // Pause after the last edit before the previews are recomputed.
    static constexpr int kDebounceMs = 30;

    CanvasInsight(DesignDocument* document, DesignScene* scene, QObject* parent = nullptr);

    // --- Live previews -----------------------------------------------------------------------
    // Every card's preview on or off (clears the per-node choices).
    void setPreviewsOn(bool on);
    bool previewsOn() const { return previewsOn_; }
    // One card's preview, whatever the global toggle says.
    void setNodePreviewShown(const QString& id, bool shown);
    bool nodePreviewShown(const QString& id) const { return shownFor_.value(id, previewsOn_); }
    // The sample: an image file (dropped on the canvas) wins over the training folder's first image.
    void setSampleImage(const QString& path);
    void setDataFolder(const QString& dir);
    // The run whose weights the previews use ("" = the design's initial weights); forgotten
    // when the document's design is replaced.
    void setRunPath(const QString& path);
    QString runPath() const { return runPath_; }

    // --- Pre-flight and speed ----------------------------------------------------------------
    void runPreflight();
    // Times every node on a batch of `batch` images with `threads` threads, in bf16 or fp32
    // (the training settings').
    void measureSpeed(int batch, int threads, bool bf16);
    const NodeTimingReport& timing() const { return timing_; }

    // --- For tests ------------------------------------------------------------------------------
    DesignInsightWorker* worker() const { return worker_; }
    // An edit's previews (or a pre-flight, a measurement) are still to come.
    bool isBusy() const;
    NodePreviewItem* previewItem(const QString& id) const;  // nullptr when the card has none
    QString badgeText(const QString& id) const;             // "" when the card has no badge

signals:
    void previewsUpdated();
    void preflightUpdated(int findings);
    void timingUpdated(const strata::NodeTimingReport& report);
    // A line for the status bar (what failed, or what was measured).
    void message(const QString& text);

private:
    bool anyPreviewShown() const;
    void onDocumentChanged();
    void forgetReplacedRun();
    void requestPreviews();
    void showPreviews(const NodePreviews& previews);
    void showFindings(const PreflightReport& report);
    void showTiming(const NodeTimingReport& report);
    void onFailed(const QString& kind, const QString& error);
    // The cards' child items brought in line with what is known (after a sync made new cards).
    void applyToCards();
    // `previews`: also set the picture (a rescale), not just the badge and the time.
    void applyTo(NodeItem* card, bool previews);
    void clearFindingsAndTimes();
    PreflightInputs preflightInputs() const;

    DesignDocument* document_;
    DesignScene* scene_;
    DesignInsightWorker* worker_;
    QTimer* debounce_;
    bool previewsOn_ = false;
    QHash<QString, bool> shownFor_;
    QString sampleImage_, dataFolder_, runPath_;
    std::string runDesign_;  // the run's design as opened (designToString)
    struct Preview {
        QImage image;
        QString caption;
    };
    QHash<QString, Preview> previews_;
    QHash<QString, QString> findings_;
    NodeTimingReport timing_;
    QHash<QString, QString> timeTexts_;
};

}  // namespace strata
