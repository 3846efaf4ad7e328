#pragma once
// The Features dock: what each layer learns, as tabs (Filters & activations, Patches,
// Hierarchy, Gradients, Evaluation, Attention) drawn from one FeatureSnapshot, under a bar with the
// snapshot's epoch, a layer to pin and the probe image (button, or drop an image file onto
// the panel). Without a snapshot it says what to do instead of showing blank views.
// It only draws: the training controller feeds it snapshots and answers its requests.
#include <QString>
#include <QWidget>

#include <optional>

#include "insight/AttentionWorker.h"
#include "insight/FeatureSnapshot.h"

class QComboBox;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QStackedWidget;
class QTabWidget;

namespace strata {

class ActivationsView;
class AttentionMapView;
class ConfusionMatrixView;
class FiltersView;
class GradientHeatmap;
class HierarchyView;
class PatchesView;
class SaliencyMapView;

class FeaturesPanel : public QWidget {
    Q_OBJECT
public:
    explicit FeaturesPanel(QWidget* parent = nullptr);

    // Shows a snapshot in every tab. A snapshot of epoch 0 is remembered as "before
    // training" for the class-separation comparison until beginTraining().
    void setSnapshot(const FeatureSnapshot& snapshot);
    // The Attention tab's run. A run with attention shows its tabs even without a stored
    // snapshot (the Attention tab in front, the other tabs empty, Compute features in the bar).
    void setSight(const RunSight& sight);
    void setComparison(const RunSight& sight);
    bool hasSnapshot() const { return hasSnapshot_; }
    const FeatureSnapshot& snapshot() const { return snapshot_; }
    // Back to the empty state, with `hint` (default: how to get features) and, when
    // `offerCompute`, a button that emits computeRequested().
    void showEmpty(const QString& hint = QString(), bool offerCompute = false);
    // A new training starts: forgets the "before training" comparison, keeps showing the
    // last snapshot until the first new one arrives.
    void beginTraining();
    // A line beside the epoch: "Computing features…", or an error in red.
    void setStatus(const QString& text, bool error = false);
    QString statusText() const;

    QString probeImage() const { return probeImage_; }
    // Sets the probe image without emitting probeImageChosen.
    void setProbeImage(const QString& path);
    QString pinnedLayer() const { return pinnedLayer_; }
    // Selects `layer` in the pin combo without emitting pinRequested ("" = none).
    void setPinnedLayer(const QString& layer);

    QString epochText() const;
    bool isShowingEmptyState() const;
    QString emptyText() const;
    QTabWidget* tabs() const { return tabs_; }
    QComboBox* pinCombo() const { return pinCombo_; }
    FiltersView* filtersView() const { return filters_; }
    ActivationsView* activationsView() const { return activations_; }
    PatchesView* patchesView() const { return patches_; }
    HierarchyView* hierarchyView() const { return hierarchy_; }
    GradientHeatmap* gradientView() const { return gradients_; }
    ConfusionMatrixView* confusionView() const { return confusion_; }
    SaliencyMapView* saliencyView() const { return saliency_; }
    AttentionMapView* attentionView() const { return attention_; }

    static QString defaultEmptyText();

signals:
    void probeImageChosen(const QString& path);
    void pinRequested(const QString& layer);  // "" = unpin
    void computeRequested();
    void compareRequested();  // the Attention tab's "Compare with run…"

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildUi();
    QHBoxLayout* buildBar();
    QWidget* buildEmptyPage();
    void chooseProbeImage();
    void fillPinCombo();
    void updateProbeLabel();
    void clearViews();

    FeatureSnapshot snapshot_;
    bool hasSnapshot_ = false;
    std::optional<double> before_;  // silhouette before training, when this training showed it
    QString probeImage_, pinnedLayer_;

    QLabel* epoch_ = nullptr;
    QLabel* status_ = nullptr;
    QComboBox* pinCombo_ = nullptr;
    QPushButton* probeButton_ = nullptr;
    QLabel* probeLabel_ = nullptr;
    QStackedWidget* stack_ = nullptr;
    QLabel* emptyHint_ = nullptr;
    QPushButton* computeButton_ = nullptr;
    QPushButton* computeInBar_ = nullptr;  // when the tabs show without a snapshot
    QTabWidget* tabs_ = nullptr;
    FiltersView* filters_ = nullptr;
    ActivationsView* activations_ = nullptr;
    PatchesView* patches_ = nullptr;
    HierarchyView* hierarchy_ = nullptr;
    GradientHeatmap* gradients_ = nullptr;
    ConfusionMatrixView* confusion_ = nullptr;
    SaliencyMapView* saliency_ = nullptr;
    AttentionMapView* attention_ = nullptr;
};

}  // namespace strata
