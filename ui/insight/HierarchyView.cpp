#include "insight/HierarchyView.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <iterator>
#include <map>

#include "widgets/ThrottledPlot.h"

namespace strata {

namespace {
// Tableau 10: distinct at a glance and readable on white.
const QColor kClassColors[] = {{0x1f, 0x77, 0xb4}, {0xff, 0x7f, 0x0e}, {0x2c, 0xa0, 0x2c}, {0xd6, 0x27, 0x28},
                               {0x94, 0x67, 0xbd}, {0x8c, 0x56, 0x4b}, {0xe3, 0x77, 0xc2}, {0x7f, 0x7f, 0x7f},
                               {0xbc, 0xbd, 0x22}, {0x17, 0xbe, 0xcf}};
const QColor kProbeColor(0x44, 0x55, 0x66);
const QColor kRoleColors[] = {{0x1f, 0x77, 0xb4}, {0xff, 0x7f, 0x0e}, {0xd6, 0x27, 0x28}};  // early, middle, deep
const char* const kRoles[] = {"early", "middle", "deep"};
constexpr int kProjectionMarker = 5;
constexpr double kAccuracyTop = 1.08;  // room for the labels above 100 % points
const char* const kArrow = " \u2192 ";

// 0, 1, 2 for early, middle, deep; -1 for any other layer.
int roleIndex(const std::string& role) {
    for (int r = 0; r < int(std::size(kRoles)); ++r)
        if (role == kRoles[r]) return r;
    return -1;
}

QCPTextElement* addTitle(QCustomPlot* plot, const QString& text) {
    plot->plotLayout()->insertRow(0);
    auto* title = new QCPTextElement(plot, text, QFont(plot->font().family(), 9, QFont::Bold));
    plot->plotLayout()->addElement(0, 0, title);
    return title;
}

QCustomPlot* makePlot(QWidget* parent) {
    auto* plot = new QCustomPlot(parent);
    plot->setMinimumSize(240, 180);
    styleAxisRect(plot->axisRect());
    plot->legend->setFont(QFont(plot->font().family(), 8));
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setBrush(QColor(255, 255, 255, 200));
    return plot;
}
}  // namespace

QColor classColor(int index) { return kClassColors[size_t(std::max(0, index)) % std::size(kClassColors)]; }

HierarchyView::HierarchyView(QWidget* parent) : QWidget(parent) {
    setObjectName("hierarchyView");
    probe_ = makePlot(this);
    probe_->setObjectName("probePlot");
    probeTitle_ = addTitle(probe_, tr("Linear-probe accuracy by depth"));
    probe_->xAxis->setLabel(tr("depth (layers from the input)"));
    probe_->yAxis->setLabel(tr("probe accuracy"));
    probe_->xAxis->setTicker(integerTicker());
    probe_->legend->setVisible(true);
    probe_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignRight | Qt::AlignBottom);

    pca_ = makePlot(this);
    pca_->setObjectName("projectionPlot");
    pcaTitle_ = addTitle(pca_, tr("PCA of the deep layer's features"));
    pca_->xAxis->setLabel(tr("PC 1"));
    pca_->yAxis->setLabel(tr("PC 2"));
    // The class legend as a column right of the scatter, so it never hides points.
    pca_->legend->setVisible(true);
    pca_->axisRect()->insetLayout()->take(pca_->legend);
    pca_->plotLayout()->addElement(1, 1, pca_->legend);
    pca_->plotLayout()->setColumnStretchFactor(1, 0.001);
    pca_->legend->setMargins(QMargins(4, 2, 4, 2));

    silhouette_ = new QLabel(this);
    silhouette_->setObjectName("silhouette");
    silhouette_->setToolTip(tr("Silhouette score of the classes in the deep layer's feature space: -1..1, higher "
                               "means classes are better separated"));
    silhouette_->setAlignment(Qt::AlignCenter);

    auto* right = new QVBoxLayout;
    right->addWidget(pca_, 1);
    right->addWidget(silhouette_);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(probe_, 1);
    layout->addLayout(right, 1);
    clear();
}

void HierarchyView::clear() {
    for (QCustomPlot* plot : {probe_, pca_}) {
        plot->clearGraphs();
        plot->clearItems();
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
    silhouette_->clear();
}

void HierarchyView::setSnapshot(const FeatureSnapshot& snapshot, std::optional<double> before) {
    clear();
    // A run trained with features records its own "before training" silhouette.
    if (!before && snapshot.projection.hasInitialSilhouette) before = snapshot.projection.initialSilhouette;
    showProbe(snapshot);
    showProjection(snapshot, before);
}

void HierarchyView::showProbe(const FeatureSnapshot& snapshot) {
    QCPGraph* all = probe_->addGraph();
    all->setName(tr("all layers"));
    all->setPen(plotPen(kProbeColor));
    all->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, kProbeColor, Qt::white, 6));
    std::vector<QCPGraph*> roles;
    for (size_t r = 0; r < std::size(kRoles); ++r) {
        QCPGraph* g = probe_->addGraph();
        g->setName(QString(kRoles[r]));
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, kRoleColors[r], kRoleColors[r], 10));
        roles.push_back(g);
    }
    double maxDepth = 1;
    // A deep stack (a transformer's 37 layers) names only its representatives, the pinned layer
    // and the best probe: every name would pile into an unreadable strip.
    constexpr size_t kMaxNamed = 16;
    const auto best = std::max_element(snapshot.probe.begin(), snapshot.probe.end(),
                                       [](const ProbePoint& a, const ProbePoint& b) { return a.accuracy < b.accuracy; });
    for (const ProbePoint& p : snapshot.probe) {
        all->addData(p.depth, p.accuracy);
        maxDepth = std::max(maxDepth, double(p.depth));
        if (roleIndex(p.role) >= 0) roles[size_t(roleIndex(p.role))]->addData(p.depth, p.accuracy);
        if (snapshot.probe.size() > kMaxNamed && roleIndex(p.role) < 0 && &p != &*best && p.layer != snapshot.pinnedLayer)
            continue;
        auto* label = new QCPItemText(probe_);
        label->setObjectName("probeLabel");
        label->position->setType(QCPItemPosition::ptPlotCoords);
        label->position->setCoords(p.depth, p.accuracy);
        label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
        label->setPadding(QMargins(0, 0, 0, 6));
        label->setText(QString::fromStdString(p.layer));
        QFont f(probe_->font().family(), 7);
        f.setBold(roleIndex(p.role) >= 0);
        label->setFont(f);
        const int role = roleIndex(p.role);
        label->setColor(role < 0 ? kProbeColor : kRoleColors[role]);
    }
    // Chance level: what a probe that learned nothing would reach.
    if (!snapshot.classes.empty()) {
        const double chance = 1.0 / double(snapshot.classes.size());
        auto* line = new QCPItemStraightLine(probe_);
        line->point1->setCoords(0, chance);
        line->point2->setCoords(1, chance);
        line->setPen(QPen(QColor(0, 0, 0, 90), 1, Qt::DashLine));
        auto* text = new QCPItemText(probe_);
        text->position->setCoords(0.2, chance);
        text->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        text->setText(tr("chance"));
        text->setFont(QFont(probe_->font().family(), 7));
        text->setColor(QColor(0, 0, 0, 120));
    }
    for (QCPGraph* g : roles)
        if (g->dataCount() == 0) g->removeFromLegend();
    probe_->xAxis->setRange(0, maxDepth + 1);
    probe_->yAxis->setRange(0, kAccuracyTop);
    probeTitle_->setText(snapshot.probe.empty() ? tr("Linear-probe accuracy by depth (not computed)")
                                                : tr("Linear-probe accuracy by depth"));
    probe_->replot(QCustomPlot::rpQueuedReplot);
}

void HierarchyView::showProjection(const FeatureSnapshot& snapshot, std::optional<double> before) {
    const FeatureProjection& proj = snapshot.projection;
    std::map<int, QCPGraph*> byClass;  // in class order, so the legend reads like the dataset
    const size_t n = std::min({proj.x.size(), proj.y.size(), proj.labels.size()});
    for (size_t i = 0; i < n; ++i) byClass[proj.labels[i]] = nullptr;
    for (auto& [label, graph] : byClass) {
        graph = pca_->addGraph();
        const QString name = label >= 0 && size_t(label) < snapshot.classes.size()
                                 ? QString::fromStdString(snapshot.classes[size_t(label)])
                                 : tr("class %1").arg(label);
        graph->setName(name);
        graph->setLineStyle(QCPGraph::lsNone);
        QColor fill = classColor(label);
        fill.setAlpha(170);
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, fill, fill, kProjectionMarker));
    }
    for (size_t i = 0; i < n; ++i) byClass[proj.labels[i]]->addData(proj.x[i], proj.y[i]);
    pca_->rescaleAxes();
    for (QCPAxis* axis : {pca_->xAxis, pca_->yAxis}) axis->scaleRange(1.1, axis->range().center());
    pca_->legend->setVisible(!byClass.empty());
    pcaTitle_->setText(proj.layer.empty() ? tr("PCA of the deep layer's features")
                                          : tr("PCA of %1's features").arg(QString::fromStdString(proj.layer)));
    pca_->replot(QCustomPlot::rpQueuedReplot);

    if (n == 0) {
        silhouette_->setText(tr("No projection computed."));
        return;
    }
    const QString now = QString::number(proj.silhouette, 'f', 3);
    QString text = tr("Class separation (silhouette): ");
    if (snapshot.epoch == 0) text += tr("before training %1").arg(now);
    else if (before) text += tr("before training %1%2epoch %3: %4").arg(QString::number(*before, 'f', 3), kArrow).arg(snapshot.epoch).arg(now);
    else text += tr("epoch %1: %2").arg(snapshot.epoch).arg(now);
    silhouette_->setText(text);
}

int HierarchyView::probePointCount() const { return probe_->graphCount() ? probe_->graph(0)->dataCount() : 0; }

int HierarchyView::probeLabelCount() const {
    int n = 0;
    for (int i = 0; i < probe_->itemCount(); ++i)
        if (probe_->item(i)->objectName() == "probeLabel") ++n;
    return n;
}

int HierarchyView::projectionPointCount() const {
    int n = 0;
    for (int i = 0; i < pca_->graphCount(); ++i) n += pca_->graph(i)->dataCount();
    return n;
}

int HierarchyView::projectionClassCount() const { return pca_->graphCount(); }

QString HierarchyView::silhouetteText() const { return silhouette_->text(); }

}  // namespace strata
