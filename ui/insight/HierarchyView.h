#pragma once
// The hierarchy, measured: linear-probe accuracy against depth (each point labelled with its
// layer id, the early/middle/deep representatives marked) and, beside it, the PCA projection
// of the deep layer's features coloured by class, with the silhouette score before training
// and now, so the user sees classes separate as training goes on.
#include <QString>
#include <QWidget>

#include <optional>

#include "insight/FeatureSnapshot.h"

class QCustomPlot;
class QCPTextElement;
class QLabel;

namespace strata {

class HierarchyView : public QWidget {
    Q_OBJECT
public:
    explicit HierarchyView(QWidget* parent = nullptr);

    // `before`: the silhouette before training when known (epoch 0 of this training); else
    // the snapshot's own initialSilhouette when it has one.
    void setSnapshot(const FeatureSnapshot& snapshot, std::optional<double> before = std::nullopt);
    void clear();

    QCustomPlot* probePlot() const { return probe_; }
    QCustomPlot* projectionPlot() const { return pca_; }
    // For tests: probe points drawn, layers labelled, PCA points and classes drawn.
    int probePointCount() const;
    int probeLabelCount() const;
    int projectionPointCount() const;
    int projectionClassCount() const;
    QString silhouetteText() const;

private:
    void showProbe(const FeatureSnapshot& snapshot);
    void showProjection(const FeatureSnapshot& snapshot, std::optional<double> before);

    QCustomPlot* probe_ = nullptr;
    QCustomPlot* pca_ = nullptr;
    QCPTextElement* probeTitle_ = nullptr;
    QCPTextElement* pcaTitle_ = nullptr;
    QLabel* silhouette_ = nullptr;
};

// Distinct colours for up to 10 classes (then they repeat), shared by the class views.
QColor classColor(int index);

}  // namespace strata
