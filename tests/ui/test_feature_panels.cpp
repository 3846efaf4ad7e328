// The feature panels without training: each view is given a hand-built FeatureSnapshot and
// must draw exactly what it holds (tiles, points, cells), the Features panel shows its empty
// state until a snapshot comes, and Picture -> QImage keeps every byte. Each panel is also
// rendered once to /tmp/strata-feature-*.png for review.
#include <QtTest/QtTest>

#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QMimeData>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <qcustomplot.h>

#include "insight/ActivationsView.h"
#include "insight/AttentionMapView.h"
#include "insight/ConfusionMatrixView.h"
#include "insight/FeaturesPanel.h"
#include "insight/FiltersView.h"
#include "insight/GradientHeatmap.h"
#include "insight/HierarchyView.h"
#include "widgets/Labels.h"
#include "insight/PatchesView.h"
#include "insight/PictureImage.h"
#include "insight/SaliencyMapView.h"

using namespace strata;

namespace {

// A w x h picture whose pixel (x, y, channel k) is (seed + 7x + 13y + 29k) mod 256.
Picture pattern(int w, int h, int channels, int seed = 0) {
    Picture p;
    p.width = w;
    p.height = h;
    p.channels = channels;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int k = 0; k < channels; ++k) p.pixels.push_back(uint8_t((seed + 7 * x + 13 * y + 29 * k) % 256));
    return p;
}

LayerActivations activations(const std::string& layer, int depth, const std::string& role, int channels, int size) {
    LayerActivations a;
    a.layer = layer;
    a.depth = depth;
    a.role = role;
    for (int c = 0; c < channels; ++c) {
        a.channels.push_back(c * 2);
        a.meanActivation.push_back(1.0f - 0.1f * float(c));
        a.maps.push_back(pattern(size, size, 1, c));
    }
    return a;
}

LayerPatches patches(const std::string& layer, int depth, const std::string& role, int channels, int perChannel) {
    LayerPatches p;
    p.layer = layer;
    p.depth = depth;
    p.role = role;
    for (int c = 0; c < channels; ++c) {
        p.channels.push_back(c);
        p.crops.emplace_back();
        p.activations.emplace_back();
        for (int r = 0; r < perChannel; ++r) {
            p.crops.back().push_back(pattern(5, 5, 1, c * 10 + r));
            p.activations.back().push_back(float(perChannel - r));
        }
    }
    return p;
}

// A snapshot of a 3-class CNN: conv1 (early), conv2 (middle), fc1 (deep), conv3 pinned.
FeatureSnapshot handBuilt(int epoch) {
    FeatureSnapshot s;
    s.epoch = epoch;
    s.classes = {"circle", "square", "stripes"};
    const struct { const char* id; const char* type; int depth; const char* role; } layers[] = {
        {"in", "Input", 0, ""},        {"conv1", "Conv2d", 1, "early"}, {"relu1", "ReLU", 2, ""},
        {"conv2", "Conv2d", 3, "middle"}, {"conv3", "Conv2d", 4, ""},    {"fc1", "Linear", 5, "deep"},
        {"out", "Output", 6, ""}};
    for (const auto& l : layers) s.layers.push_back({l.id, l.type, l.depth, l.role, std::string(l.type) == "Conv2d"});
    s.filtersLayer = "conv1";
    s.filters = pattern(17, 9, 1);
    s.probeImage = pattern(16, 16, 1, 3);
    s.activations = {activations("conv1", 1, "early", 8, 16), activations("conv2", 3, "middle", 8, 8),
                     activations("fc1", 5, "deep", 6, 1), activations("conv3", 4, "", 4, 4)};
    s.patches = {patches("conv1", 1, "early", 4, 6), patches("conv2", 3, "middle", 3, 5),
                 patches("fc1", 5, "deep", 2, 3)};
    s.probe = {{"conv1", 1, "early", 0.55}, {"relu1", 2, "", 0.6}, {"conv2", 3, "middle", 0.7},
               {"conv3", 4, "", 0.8},       {"fc1", 5, "deep", 0.95}};
    s.projection.layer = "fc1";
    for (int i = 0; i < 30; ++i) {
        s.projection.x.push_back(float(i % 3) + 0.01f * float(i));
        s.projection.y.push_back(float(i % 3) * 2 - 0.02f * float(i));
        s.projection.labels.push_back(i % 3);
    }
    s.projection.silhouette = epoch == 0 ? 0.1 : 0.6;
    s.gradients.layers = {"conv1", "conv2", "conv3", "fc1"};
    s.gradients.steps = {10, 20, 30, 40, 50, 60};
    for (size_t r = 0; r < 4; ++r)
        for (size_t c = 0; c < 6; ++c) s.gradients.norms.push_back(r == 3 && c == 0 ? 0.f : float((r + 1) * 0.01 * (c + 1)));
    s.confusion.counts = {{8, 1, 1}, {2, 7, 1}, {0, 3, 7}};
    s.confusion.perClassAccuracy = {0.8, 0.7, 0.7};
    s.confusion.examplePaths.assign(3, std::vector<std::vector<std::string>>(3));
    s.confusion.examplePaths[2][1] = {"/data/stripes/4.png", "/data/stripes/9.png", "/data/stripes/12.png"};
    s.saliency.method = "grad-cam";
    s.saliency.layer = "conv3";
    s.saliency.predicted = "stripes";
    s.saliency.probability = 0.93;
    s.saliency.heat = pattern(16, 16, 1, 5);
    s.saliency.overlay = pattern(16, 16, 3, 5);
    return s;
}

// Image tiles (labels named kImageTileName) under `w` that hold a pixmap.
int tilesWithPixmaps(const QWidget* w) {
    int n = 0;
    for (const QLabel* label : w->findChildren<QLabel*>(kImageTileName))
        if (!label->pixmap().isNull()) ++n;
    return n;
}

// Two blocks of two heads over a 2x2 grid of 4 px patches: block b's head h attends to patch
// (b + h) % 4 only, so every map is one-hot and tells which one is drawn.
RunSight handBuiltAttention() {
    RunSight s;
    s.run = "/runs/vit.h5";
    s.hasAttention = true;
    AttentionView& a = s.attention;
    a.classToken = true;
    a.gridHeight = a.gridWidth = 2;
    a.patchSize = 4;
    a.probeImage = pattern(8, 8, 1);
    a.distanceImages = 100;
    for (int b = 0; b < 2; ++b) {
        AttentionBlock block;
        block.layer = "b" + std::to_string(b + 1) + "_attn";
        block.order = b + 1;
        block.depth = 3 * b + 5;
        block.meanMap.assign(4, 0.0f);
        for (int h = 0; h < 2; ++h) {
            std::vector<float> map(4, 0.0f);
            map[size_t((b + h) % 4)] = 1.0f;
            block.meanMap[size_t((b + h) % 4)] += 0.5f;
            block.headMaps.push_back(map);
            block.headDistance.push_back(2.0 + b + h);
        }
        block.meanDistance = 2.5 + b;
        a.blocks.push_back(block);
    }
    a.rollout = {0.1f, 0.2f, 0.3f, 0.4f};
    return s;
}

RunSight handBuiltCnn() {
    RunSight s;
    s.run = "/runs/cnn.h5";
    s.convolutions = {{"conv1", 1, 3}, {"conv2", 2, 8}, {"conv3", 3, 18}};
    return s;
}

void render(QWidget& widget, const QString& name, QSize size) {
    widget.resize(size);
    widget.show();
    QTest::qWait(50);  // layouts and queued replots
    widget.grab().save(QString("/tmp/strata-feature-%1.png").arg(name));
}

}  // namespace

class FeaturePanelsTest : public QObject {
    Q_OBJECT

private slots:
    void pictureToImageIsPixelExact() {
        // Odd widths: QImage pads rows to 4 bytes, the picture does not.
        for (int channels : {1, 3}) {
            Picture p = pattern(5, 3, channels);
            const QImage image = toQImage(p);
            QCOMPARE(image.size(), QSize(5, 3));
            for (int y = 0; y < 3; ++y)
                for (int x = 0; x < 5; ++x) {
                    const uint8_t* expect = &p.pixels[size_t((y * 5 + x) * channels)];
                    const QRgb got = image.pixel(x, y);
                    if (channels == 1) {
                        QCOMPARE(qGray(got), int(expect[0]));
                        QCOMPARE(image.constScanLine(y)[x], expect[0]);
                    } else {
                        QCOMPARE(qRed(got), int(expect[0]));
                        QCOMPARE(qGreen(got), int(expect[1]));
                        QCOMPARE(qBlue(got), int(expect[2]));
                    }
                }
            // The image owns its bytes: changing or dropping the picture leaves it intact.
            const QImage copy = image.copy();
            std::fill(p.pixels.begin(), p.pixels.end(), uint8_t(0));
            p.pixels.clear();
            p.pixels.shrink_to_fit();
            QCOMPARE(image, copy);
        }
        QVERIFY(toQImage(Picture()).isNull());
        Picture bad = pattern(4, 4, 1);
        bad.pixels.pop_back();  // size mismatch: no image rather than a read past the end
        QVERIFY(toQImage(bad).isNull());
        Picture twoChannels = pattern(2, 2, 2);
        QVERIFY(toQImage(twoChannels).isNull());
    }

    void crispPixmapKeepsPixelsSquare() {
        const Picture kernel = pattern(3, 3, 1);
        const QImage big = crispPixmap(kernel, 32, 40).toImage();
        QCOMPARE(big.size(), QSize(30, 30));  // the largest integer factor that fits: 10
        for (int y = 0; y < 30; ++y)
            for (int x = 0; x < 30; ++x) QCOMPARE(qGray(big.pixel(x, y)), int(kernel.pixels[size_t((y / 10) * 3 + x / 10)]));
        // A picture larger than the box is shrunk to fit, keeping its aspect.
        QCOMPARE(crispPixmap(pattern(200, 100, 3), 50, 50).size(), QSize(50, 25));
    }

    void filtersViewShowsTheFirstConvolution() {
        FiltersView view;
        const FeatureSnapshot s = handBuilt(2);
        view.setSnapshot(s);
        QVERIFY2(view.title().contains("conv1"), qPrintable(view.title()));
        QCOMPARE(view.image()->image(), toQImage(s.filters));
        QVERIFY(view.image()->sizeHint().width() >= 17 * 10);  // 3x3 kernels blown up, not 1:1
        render(view, "filters", {400, 260});
        FeatureSnapshot noConv = s;
        noConv.filtersLayer.clear();
        noConv.filters = Picture();
        view.setSnapshot(noConv);
        QVERIFY(view.image()->image().isNull());
    }

    void activationsViewShowsEachLayerAsAColumn() {
        ActivationsView view;
        view.setSnapshot(handBuilt(1));
        QVERIFY(view.showsProbeImage());
        QCOMPARE(view.columnCount(), 4);
        QCOMPARE(view.headers(), QStringList({"early · conv1 · depth 1", "middle · conv2 · depth 3",
                                              "deep · fc1 · depth 5", "pinned · conv3 · depth 4"}));
        QCOMPARE(view.tileCount(0), 8);
        QCOMPARE(view.tileCount(1), 8);
        QCOMPARE(view.tileCount(2), 6);
        QCOMPARE(view.tileCount(3), 4);
        QCOMPARE(tilesWithPixmaps(&view), 1 + 8 + 8 + 6 + 4);  // the probe image too
        render(view, "activations", {1200, 300});

        // The next epoch replaces the tiles rather than adding to them.
        FeatureSnapshot s = handBuilt(2);
        s.activations.pop_back();  // unpinned
        view.setSnapshot(s);
        QCOMPARE(view.columnCount(), 3);
        QTRY_COMPARE(tilesWithPixmaps(&view), 1 + 8 + 8 + 6);
    }

    void patchesViewShowsOneRowPerChannel() {
        PatchesView view;
        view.setSnapshot(handBuilt(1));
        QCOMPARE(view.layerCombo()->count(), 3);
        QCOMPARE(view.layerCombo()->itemText(1), QString("middle · conv2 · depth 3"));
        QCOMPARE(view.rowCount(), 4);
        for (int r = 0; r < 4; ++r) QCOMPARE(view.tilesInRow(r), 6);
        QCOMPARE(tilesWithPixmaps(&view), 24);
        render(view, "patches", {600, 420});

        view.layerCombo()->setCurrentIndex(1);
        QCOMPARE(view.rowCount(), 3);
        QCOMPARE(view.tilesInRow(0), 5);
        QTRY_COMPARE(tilesWithPixmaps(&view), 15);
        // The chosen role survives the next epoch's snapshot.
        view.setSnapshot(handBuilt(2));
        QCOMPARE(view.layerCombo()->currentIndex(), 1);
        QCOMPARE(view.rowCount(), 3);
    }

    void hierarchyViewPlotsProbeAndProjection() {
        HierarchyView view;
        view.setSnapshot(handBuilt(0));
        QCOMPARE(view.probePointCount(), 5);
        QCOMPARE(view.probeLabelCount(), 5);
        QCOMPARE(view.projectionPointCount(), 30);
        QCOMPARE(view.projectionClassCount(), 3);
        QCPLegend* legend = view.projectionPlot()->legend;
        QCOMPARE(legend->itemCount(), 3);
        QStringList names;
        for (int i = 0; i < legend->itemCount(); ++i)
            names << qobject_cast<QCPPlottableLegendItem*>(legend->item(i))->plottable()->name();
        QCOMPARE(names, QStringList({"circle", "square", "stripes"}));
        // The representatives are marked: one graph per role, each with its one point.
        int marked = 0;
        for (int i = 1; i < view.probePlot()->graphCount(); ++i) marked += view.probePlot()->graph(i)->dataCount();
        QCOMPARE(marked, 3);
        QVERIFY2(view.silhouetteText().contains("before training 0.100"), qPrintable(view.silhouetteText()));

        view.setSnapshot(handBuilt(3), 0.1);
        QVERIFY2(view.silhouetteText().contains("0.100") && view.silhouetteText().contains("epoch 3: 0.600"),
                 qPrintable(view.silhouetteText()));
        QCOMPARE(view.probePointCount(), 5);  // replaced, not appended
        render(view, "hierarchy", {900, 320});
    }

    void hierarchyViewNamesOnlyKeyLayersOfADeepStack() {
        FeatureSnapshot s = handBuilt(1);
        s.probe.clear();
        for (int d = 1; d <= 37; ++d) {
            const std::string role = d == 10 ? "early" : d == 19 ? "middle" : d == 29 ? "deep" : "";
            s.probe.push_back({"layer" + std::to_string(d), d, role, d == 37 ? 0.9 : 0.5});
        }
        HierarchyView view;
        view.setSnapshot(s);
        QCOMPARE(view.probePointCount(), 37);
        QCOMPARE(view.probeLabelCount(), 4);  // early, middle, deep and the best
    }

    void gradientHeatmapIsLayersBySteps() {
        GradientHeatmap view;
        const FeatureSnapshot s = handBuilt(2);
        view.setHistory(s.gradients);
        QCPColorMapData* data = view.colorMap()->data();
        QCOMPARE(data->keySize(), 6);
        QCOMPARE(data->valueSize(), 4);
        QCOMPARE(view.colorScale()->dataScaleType(), QCPAxis::stLogarithmic);
        QCOMPARE(data->cell(2, 1), double(s.gradients.norms[1 * 6 + 2]));
        // The zero norm has no logarithm: it sits at the bottom of the scale.
        QCOMPARE(data->cell(0, 3), view.colorMap()->dataRange().lower);
        QVERIFY(view.colorMap()->dataRange().lower > 0);
        QCOMPARE(data->keyRange(), QCPRange(10, 60));
        render(view, "gradients", {700, 260});
        view.setHistory(GradientHistory());
        QCOMPARE(view.colorMap()->data()->keySize(), 0);
    }

    // A 20-block stack has over 40 layers: the axis names every k-th one, never overlapping.
    void gradientHeatmapThinsTheNamesOfDeepStacks() {
        GradientHistory h;
        for (int r = 0; r < 50; ++r) h.layers.push_back("b" + std::to_string(r) + "_conv");
        h.steps = {1, 2};
        h.norms.assign(size_t(50 * 2), 0.5f);
        GradientHeatmap view;
        view.setHistory(h);
        auto ticker = view.plot()->yAxis->ticker().dynamicCast<QCPAxisTickerText>();
        QVERIFY(ticker);
        QCOMPARE(ticker->ticks().size(), 17);  // every 3rd of 50 (at most 24 names), from the first
        QCOMPARE(ticker->ticks().value(0), QString("b0_conv"));
        QCOMPARE(ticker->ticks().value(3), QString("b3_conv"));
        QVERIFY(!ticker->ticks().contains(1));
        QCOMPARE(view.colorMap()->data()->valueSize(), 50);  // every row is still drawn
    }

    void confusionCellClickListsItsImages() {
        QTemporaryDir dir;
        ConfusionView c = handBuilt(1).confusion;
        // Real files for the thumbnails of cell (stripes, square).
        c.examplePaths[2][1].clear();
        for (int i = 0; i < 3; ++i) {
            const QString path = dir.filePath(QString("stripes-%1.png").arg(i));
            QVERIFY(toQImage(pattern(12, 12, 1, i)).save(path));
            c.examplePaths[2][1].push_back(path.toStdString());
        }
        ConfusionMatrixView view;
        view.setConfusion(c, {"circle", "square", "stripes"});
        render(view, "confusion", {520, 420});
        QTableWidget* table = view.table();
        QCOMPARE(table->rowCount(), 3);
        QCOMPARE(table->columnCount(), 4);
        QCOMPARE(table->item(0, 0)->text(), QString("8"));
        QCOMPARE(table->item(2, 1)->text(), QString("3"));
        QCOMPARE(table->item(1, 3)->text(), QString("70.0%"));
        QCOMPARE(table->horizontalHeaderItem(1)->text(), QString("square"));

        QStringList expected;
        for (const std::string& p : c.examplePaths[2][1]) expected << QString::fromStdString(p);
        // Before any click the largest confusion (stripes taken for squares) is listed.
        QCOMPARE(view.shownPaths(), expected);

        QSignalSpy chosen(&view, &ConfusionMatrixView::cellChosen);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::NoModifier,
                          table->visualItemRect(table->item(0, 0)).center());
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(view.examples()->count(), 0);  // no examples stored for that cell
        const QRect cell = table->visualItemRect(table->item(2, 1));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::NoModifier, cell.center());
        QCOMPARE(chosen.count(), 2);
        QCOMPARE(chosen.at(1).at(0).toInt(), 2);
        QCOMPARE(chosen.at(1).at(1).toInt(), 1);
        QCOMPARE(chosen.at(1).at(2).toStringList(), expected);
        QCOMPARE(view.examples()->count(), 3);
        QVERIFY(!view.examples()->item(0)->icon().isNull());  // a thumbnail, not just a name
        QCOMPARE(view.examples()->item(2)->toolTip(), expected[2]);
        // The accuracy column is not a cell of the matrix.
        QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::NoModifier,
                          table->visualItemRect(table->item(0, 3)).center());
        QCOMPARE(chosen.count(), 2);
        // The next epoch keeps the user's cell.
        QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::NoModifier,
                          table->visualItemRect(table->item(0, 0)).center());
        view.setConfusion(c, {"circle", "square", "stripes"});
        QCOMPARE(view.shownPaths(), QStringList());
        QCOMPARE(table->currentRow(), 0);
        QCOMPARE(table->currentColumn(), 0);
    }

    void saliencyViewShowsPredictionAndOverlay() {
        SaliencyMapView view;
        const FeatureSnapshot s = handBuilt(2);
        view.setSnapshot(s);
        QVERIFY2(view.caption().contains("stripes") && view.caption().contains("93.0%"), qPrintable(view.caption()));
        QCOMPARE(view.overlay()->image(), toQImage(s.saliency.overlay));
        QCOMPARE(view.probeImage()->image(), toQImage(s.probeImage));
        render(view, "saliency", {420, 300});
    }

    void featuresPanelEmptyStateThenTabs() {
        FeaturesPanel panel;
        QVERIFY(panel.isShowingEmptyState());
        QVERIFY2(panel.emptyText().contains("Train with features on to see what each layer learns"),
                 qPrintable(panel.emptyText()));
        render(panel, "panel-empty", {1200, 420});

        panel.setSnapshot(handBuilt(0));
        QVERIFY(!panel.isShowingEmptyState());
        QCOMPARE(panel.epochText(), QString("before training"));
        QStringList tabs;
        for (int i = 0; i < panel.tabs()->count(); ++i) tabs << panel.tabs()->tabText(i);
        QCOMPARE(tabs,
                 QStringList({"Filters && activations", "Patches", "Hierarchy", "Gradients", "Evaluation", "Attention"}));
        panel.setSnapshot(handBuilt(3));
        QCOMPARE(panel.epochText(), QString("epoch 3"));
        // Epoch 0 was seen: the hierarchy compares before and now.
        QVERIFY2(panel.hierarchyView()->silhouetteText().contains("0.100"),
                 qPrintable(panel.hierarchyView()->silhouetteText()));
        QCOMPARE(panel.activationsView()->columnCount(), 4);
        render(panel, "panel", {1400, 440});

        panel.showEmpty();
        QVERIFY(panel.isShowingEmptyState());
        QVERIFY(!panel.hasSnapshot());
    }

    // The Attention tab through real key presses and clicks: a run with attention but no
    // stored snapshot brings the tab forward; the selectors pick a block, a head, the rollout.
    void attentionTabFollowsItsSelectors() {
        FeaturesPanel panel;
        panel.showEmpty(QString("no snapshot"), true);
        render(panel, "attention-before", {1200, 440});
        panel.setSight(handBuiltAttention());
        QVERIFY(!panel.isShowingEmptyState());
        QCOMPARE(panel.tabs()->currentWidget(), static_cast<QWidget*>(panel.attentionView()));
        QVERIFY(panel.findChild<QPushButton*>("computeInBar")->isVisible());
        AttentionMapView* view = panel.attentionView();
        QComboBox* block = view->blockCombo();
        QComboBox* head = view->headCombo();
        QCOMPARE(block->count(), 3);  // two blocks and the rollout
        QCOMPARE(head->count(), 3);   // the mean and two heads
        QCOMPARE(view->shownMap(), std::vector<float>({0.5f, 0.5f, 0, 0}));  // block 1, mean of heads
        QVERIFY2(view->caption().contains("from the class token"), qPrintable(view->caption()));
        QVERIFY(!view->overlay()->image().isNull());

        block->setFocus();
        QTest::keyClick(block, Qt::Key_Down);  // block 2
        QCOMPARE(view->shownMap(), std::vector<float>({0, 0.5f, 0.5f, 0}));
        head->setFocus();
        QTest::keyClick(head, Qt::Key_Down);  // head 1 of block 2: patch 1
        QCOMPARE(view->shownMap(), std::vector<float>({0, 1, 0, 0}));
        QVERIFY2(view->mapCaption().contains("3.0 px"), qPrintable(view->mapCaption()));
        QTest::keyClick(head, Qt::Key_Down);  // head 2: patch 2
        QCOMPARE(view->shownMap(), std::vector<float>({0, 0, 1, 0}));
        QTest::keyClick(block, Qt::Key_End);  // the rollout: the head selector does not apply
        QCOMPARE(view->shownMap(), std::vector<float>({0.1f, 0.2f, 0.3f, 0.4f}));
        QVERIFY(!head->isEnabled());

        // The chart: each block's mean distance, then a CNN's receptive fields beside them.
        QCOMPARE(view->attentionPointCount(), 2);
        QCOMPARE(view->convolutionPointCount(), 0);
        QSignalSpy compare(&panel, &FeaturesPanel::compareRequested);
        QTest::mouseClick(view->compareButton(), Qt::LeftButton);
        QCOMPARE(compare.count(), 1);
        panel.setComparison(handBuiltCnn());
        QCOMPARE(view->convolutionPointCount(), 3);
        render(panel, "attention", {1300, 460});

        // A recomputation (another probe image) keeps the block and head chosen.
        QTest::keyClick(block, Qt::Key_Home);
        QTest::keyClick(head, Qt::Key_Down);
        const std::vector<float> chosen = view->shownMap();
        panel.setSight(handBuiltAttention());
        QCOMPARE(view->shownMap(), chosen);
    }

    void attentionTabOfACnnRunShowsItsReceptiveFields() {
        FeaturesPanel panel;
        panel.setSnapshot(handBuilt(1));
        panel.setSight(handBuiltCnn());
        AttentionMapView* view = panel.attentionView();
        QVERIFY2(view->caption().contains("has no attention layers"), qPrintable(view->caption()));
        QVERIFY(!view->blockCombo()->isEnabled());
        QVERIFY(!view->compareButton()->isEnabled());
        QVERIFY(view->shownMap().empty());
        QCOMPARE(view->convolutionPointCount(), 3);
        QCOMPARE(view->attentionPointCount(), 0);
        // An attention run shown next is compared with that CNN.
        panel.setSight(handBuiltAttention());
        QCOMPARE(view->attentionPointCount(), 2);
        QCOMPARE(view->convolutionPointCount(), 3);
    }

    void pinComboListsLayersAndRequestsAPin() {
        FeaturesPanel panel;
        panel.setSnapshot(handBuilt(1));
        QComboBox* combo = panel.pinCombo();
        QCOMPARE(combo->count(), 1 + 5);  // (none) + every layer but Input and Output
        QSignalSpy pin(&panel, &FeaturesPanel::pinRequested);
        const int conv2 = combo->findData("conv2");
        QVERIFY(conv2 > 0);
        emit combo->activated(conv2);
        QCOMPARE(pin.count(), 1);
        QCOMPARE(pin.at(0).at(0).toString(), QString("conv2"));
        QCOMPARE(panel.pinnedLayer(), QString("conv2"));
        // Set from outside (the canvas selection): shown, not re-requested; kept across epochs.
        panel.setPinnedLayer("conv3");
        panel.setSnapshot(handBuilt(2));
        QCOMPARE(combo->currentData().toString(), QString("conv3"));
        QCOMPARE(pin.count(), 1);
    }

    void droppingAnImageChoosesTheProbe() {
        QTemporaryDir dir;
        const QString image = dir.filePath("probe.png");
        QVERIFY(toQImage(pattern(8, 8, 1)).save(image));
        const QString text = dir.filePath("notes.txt");
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x");
        f.close();

        FeaturesPanel panel;
        panel.resize(600, 300);
        panel.show();
        QSignalSpy chosen(&panel, &FeaturesPanel::probeImageChosen);
        auto drop = [&](const QString& file) {
            QMimeData mime;
            mime.setUrls({QUrl::fromLocalFile(file)});
            QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
            QCoreApplication::sendEvent(&panel, &enter);
            const bool accepted = enter.isAccepted();
            QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
            QCoreApplication::sendEvent(&panel, &drop);
            return accepted;
        };
        QVERIFY(!drop(text));  // not an image: refused
        QCOMPARE(chosen.count(), 0);
        QVERIFY(drop(image));
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.at(0).at(0).toString(), QFileInfo(image).absoluteFilePath());
        QCOMPARE(panel.probeImage(), QFileInfo(image).absoluteFilePath());
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_MAIN(FeaturePanelsTest)
#include "test_feature_panels.moc"
