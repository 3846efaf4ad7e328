// Auto layout (design/DesignLayout.h) on its geometry alone: chains, a residual block with its
// skip wire, wrapping into columns for a wide view (cut between blocks, never inside one),
// cycles and dangling edges, and no two cards overlapping on any template either way.
#include "design/DesignLayout.h"

#include <QElapsedTimer>
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "support/TestData.h"

using namespace strata;

namespace {

Design chainOf(int n) {
    Design d;
    for (int i = 0; i < n; ++i) d.nodes.push_back({"n" + std::to_string(i), i ? "ReLU" : "Input"});
    for (int i = 0; i + 1 < n; ++i) d.edges.push_back({"n" + std::to_string(i), "n" + std::to_string(i + 1), 0});
    return d;
}

// in -> a -> b -> c -> add, in -> add: a branch and its skip wire.
Design diamond() {
    Design d;
    for (const char* id : {"in", "a", "b", "c", "add", "out"}) d.nodes.push_back({id, "ReLU"});
    d.edges = {{"in", "a", 0}, {"a", "b", 0}, {"b", "c", 0}, {"c", "add", 0}, {"in", "add", 1}, {"add", "out", 0}};
    return d;
}

// The first two cards that overlap ("" when none).
std::string overlap(const std::map<std::string, LayoutPoint>& at, const LayoutOptions& o) {
    for (auto a = at.begin(); a != at.end(); ++a)
        for (auto b = std::next(a); b != at.end(); ++b)
            if (std::abs(a->second.x - b->second.x) < o.cardWidth && std::abs(a->second.y - b->second.y) < o.cardHeight)
                return a->first + " / " + b->first;
    return "";
}

// The scale a view fit would use for the laid-out cards (the view leaves 40 px around).
double fitScale(const std::map<std::string, LayoutPoint>& at, const LayoutOptions& o) {
    double w = 0, h = 0;
    for (const auto& [id, p] : at) w = std::max(w, p.x + o.cardWidth), h = std::max(h, p.y + o.cardHeight);
    return std::min({1.0, o.viewWidth / (w + 80), o.viewHeight / (h + 80)});
}

}  // namespace

class TestDesignLayout : public QObject {
    Q_OBJECT

private slots:
    void chainRunsTopToBottom() {
        const auto at = layoutDesign(chainOf(5));
        QCOMPARE(at.size(), size_t(5));
        for (int i = 0; i < 5; ++i) {
            const LayoutPoint p = at.at("n" + std::to_string(i));
            QCOMPARE(p.x, 0.0);
            QCOMPARE(p.y, 100.0 * i);
        }
    }

    void directionFollowsTheView() {
        QCOMPARE(layoutDirectionFor(1078, 523), LayoutDirection::LeftToRight);
        QCOMPARE(layoutDirectionFor(500, 900), LayoutDirection::TopToBottom);
    }

    // A long chain in a wide view wraps into columns, read left to right, top to bottom each,
    // and fits far larger than as one column.
    void longChainWrapsIntoColumnsForAWideView() {
        LayoutOptions o;
        o.direction = LayoutDirection::LeftToRight;
        o.viewWidth = 1078;
        o.viewHeight = 523;
        const Design d = chainOf(40);
        const auto at = layoutDesign(d, o);
        std::set<double> columns;
        for (int i = 0; i + 1 < 40; ++i) {
            const LayoutPoint a = at.at("n" + std::to_string(i)), b = at.at("n" + std::to_string(i + 1));
            columns.insert(a.x);
            QVERIFY(b.x > a.x || (b.x == a.x && b.y > a.y));  // down a column, or on to the next
        }
        QVERIFY2(columns.size() >= 4, qPrintable(QString::number(columns.size())));
        QCOMPARE(overlap(at, o), std::string());
        LayoutOptions single = o;
        single.direction = LayoutDirection::TopToBottom;
        const double wrapped = fitScale(at, o), column = fitScale(layoutDesign(d, single), single);
        qInfo("40-node chain in 1078×523: fit scale %.2f in %zu columns, %.2f as one column", wrapped, columns.size(),
              column);
        QVERIFY(wrapped > 2.5 * column);
    }

    // The branch sits beside the straight skip wire, clear of it.
    void residualBranchSitsBesideItsSkipWire() {
        const LayoutOptions o;
        const auto at = layoutDesign(diamond(), o);
        QCOMPARE(overlap(at, o), std::string());
        const double skipX = at.at("in").x + o.cardWidth / 2;
        QCOMPARE(at.at("add").x + o.cardWidth / 2, skipX);  // the skip wire runs straight down
        for (const char* id : {"a", "b", "c"}) {
            const double left = at.at(id).x, right = left + o.cardWidth;
            QVERIFY2(skipX < left - 10 || skipX > right + 10, id);
        }
        QVERIFY(at.at("a").y > at.at("in").y && at.at("add").y > at.at("c").y);
    }

    // Columns end where one wire alone crosses: a residual block stays in one column.
    void columnsAreCutBetweenBlocks() {
        LayoutOptions o;
        o.direction = LayoutDirection::LeftToRight;
        o.viewWidth = 1078;
        o.viewHeight = 523;
        const Design d = loadDesign(test::templateFile("resnet-mini").toStdString());
        const auto at = layoutDesign(d, o);
        for (const char* block : {"b1_", "b2_"}) {
            const std::string add = std::string(block) + "add";
            for (const char* member : {"conv1", "bn1", "relu1", "conv2", "bn2"}) {
                const LayoutPoint p = at.at(std::string(block) + member);
                QVERIFY2(std::abs(p.x - at.at(add).x) < o.cardWidth + o.columnGap, member);
                QVERIFY2(p.y < at.at(add).y, member);
            }
        }
    }

    void cyclesAndDanglingEdgesStillLayOut() {
        Design d = chainOf(4);
        d.edges.push_back({"n3", "n1", 0});       // a cycle
        d.edges.push_back({"n2", "missing", 0});  // an unknown node
        d.edges.push_back({"n2", "n2", 0});       // a self loop
        d.nodes.push_back({"n1", "ReLU"});        // a duplicate id: the first one counts
        d.nodes.push_back({"alone", "ReLU"});
        const LayoutOptions o;
        const auto at = layoutDesign(d, o);
        QCOMPARE(at.size(), size_t(5));
        QCOMPARE(overlap(at, o), std::string());
    }

    // The layout stays instant for large designs: 1,000 nodes, a residual block every ten.
    void largeDesignLaysOutQuickly() {
        Design d = chainOf(1000);
        for (int i = 0; i + 10 < 1000; i += 10)
            d.edges.push_back({"n" + std::to_string(i), "n" + std::to_string(i + 6), 1});
        LayoutOptions o;
        o.direction = LayoutDirection::LeftToRight;
        QElapsedTimer timer;
        timer.start();
        const auto at = layoutDesign(d, o);
        const qint64 ms = timer.elapsed();
        qInfo("1,000 nodes with 99 skip wires: laid out in %lld ms", ms);
        QCOMPARE(at.size(), size_t(1000));
        QCOMPARE(overlap(at, o), std::string());
        QVERIFY2(ms < 2000, qPrintable(QString::number(ms)));  // tens of ms here; slack for loaded machines
    }

    void templatesNeverOverlap_data() {
        QTest::addColumn<QString>("name");
        for (const char* name : {"mlp", "lenet", "reference-cnn", "photo-cnn", "resnet-mini", "photo-resnet", "vit-tiny"})
            QTest::newRow(name) << QString(name);
    }

    void templatesNeverOverlap() {
        QFETCH(QString, name);
        const Design d = loadDesign(test::templateFile(name).toStdString());
        for (LayoutDirection direction : {LayoutDirection::TopToBottom, LayoutDirection::LeftToRight}) {
            LayoutOptions o;
            o.direction = direction;
            const auto at = layoutDesign(d, o);
            QCOMPARE(at.size(), d.nodes.size());
            QCOMPARE(overlap(at, o), std::string());
            for (const auto& [id, p] : at) QVERIFY(std::fmod(p.x, 20.0) == 0 && std::fmod(p.y, 20.0) == 0);
        }
    }
};

#include "support/TestRegistry.h"
STRATA_TEST_GUILESS_MAIN(TestDesignLayout)
#include "test_design_layout.moc"
