#include "design/DesignLayout.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <unordered_map>
#include <vector>

namespace strata {

namespace {

// The graph the layout works on: the design's nodes (first `realCount` vertices) plus one
// slot per layer that a long wire passes through, so every edge joins adjacent layers.
struct LayerGraph {
    int realCount = 0;
    std::vector<std::string> ids;  // of the real vertices
    std::vector<int> layer;
    std::vector<std::vector<int>> preds, succs;

    int add(int atLayer) {
        layer.push_back(atLayer);
        preds.emplace_back();
        succs.emplace_back();
        return int(layer.size()) - 1;
    }
    void link(int from, int to) {
        succs[size_t(from)].push_back(to);
        preds[size_t(to)].push_back(from);
    }
};

// The design's edges as index pairs: unknown ends, self loops and repeats left out.
std::vector<std::pair<int, int>> edgeIndices(const Design& design, const std::unordered_map<std::string, int>& index) {
    std::set<std::pair<int, int>> seen;
    std::vector<std::pair<int, int>> out;
    for (const Edge& e : design.edges) {
        auto from = index.find(e.from), to = index.find(e.to);
        if (from == index.end() || to == index.end() || from->second == to->second) continue;
        if (seen.insert({from->second, to->second}).second) out.emplace_back(from->second, to->second);
    }
    return out;
}

// Longest path from a source (Kahn's order). Nodes on a cycle come last, in file order, one
// layer below the deepest of their placed predecessors.
std::vector<int> longestPathLayers(int n, const std::vector<std::pair<int, int>>& edges) {
    std::vector<std::vector<int>> succs(size_t(n), std::vector<int>{}), preds(size_t(n), std::vector<int>{});
    std::vector<int> indegree(size_t(n), 0), layer(size_t(n), -1);
    for (auto [a, b] : edges) {
        succs[size_t(a)].push_back(b);
        preds[size_t(b)].push_back(a);
        ++indegree[size_t(b)];
    }
    std::vector<int> ready;
    for (int v = n - 1; v >= 0; --v)
        if (indegree[size_t(v)] == 0) ready.push_back(v), layer[size_t(v)] = 0;
    while (true) {
        while (!ready.empty()) {
            const int v = ready.back();
            ready.pop_back();
            for (int w : succs[size_t(v)]) {
                layer[size_t(w)] = std::max(layer[size_t(w)], layer[size_t(v)] + 1);
                if (--indegree[size_t(w)] == 0) ready.push_back(w);
            }
        }
        // A cycle blocks the rest: release its first node in file order.
        int blocked = -1;
        for (int v = 0; v < n && blocked < 0; ++v)
            if (indegree[size_t(v)] > 0) blocked = v;
        if (blocked < 0) break;
        int deepest = -1;
        for (int p : preds[size_t(blocked)])
            if (indegree[size_t(p)] == 0) deepest = std::max(deepest, layer[size_t(p)]);
        layer[size_t(blocked)] = std::max(layer[size_t(blocked)], deepest + 1);
        indegree[size_t(blocked)] = 0;
        ready.push_back(blocked);
    }
    return layer;
}

LayerGraph buildGraph(const Design& design) {
    std::unordered_map<std::string, int> index;
    LayerGraph g;
    for (const Node& node : design.nodes)  // a duplicate id: the first one wins
        if (index.emplace(node.id, int(index.size())).second) g.ids.push_back(node.id);
    g.realCount = int(index.size());
    const auto edges = edgeIndices(design, index);
    for (int l : longestPathLayers(g.realCount, edges)) g.add(l);
    for (auto [a, b] : edges) {
        if (g.layer[size_t(b)] <= g.layer[size_t(a)]) continue;  // closes a cycle
        int previous = a;
        for (int l = g.layer[size_t(a)] + 1; l < g.layer[size_t(b)]; ++l) {
            const int slot = g.add(l);
            g.link(previous, slot);
            previous = slot;
        }
        g.link(previous, b);
    }
    return g;
}

// Mean position of `neighbours` in `rank`; -1 when there are none.
double barycenter(const std::vector<int>& neighbours, const std::vector<double>& rank) {
    if (neighbours.empty()) return -1;
    double sum = 0;
    for (int v : neighbours) sum += rank[size_t(v)];
    return sum / double(neighbours.size());
}

// Vertices by layer, ordered by a few barycenter sweeps (down using predecessors, up using
// successors); a vertex without neighbours on that side keeps its place.
std::vector<std::vector<int>> orderLayers(const LayerGraph& g) {
    const int layers = g.layer.empty() ? 0 : *std::max_element(g.layer.begin(), g.layer.end()) + 1;
    std::vector<std::vector<int>> order(size_t(layers), std::vector<int>{});
    for (size_t v = 0; v < g.layer.size(); ++v) order[size_t(g.layer[v])].push_back(int(v));
    std::vector<double> rank(g.layer.size(), 0.0);
    auto rerank = [&](const std::vector<int>& layer) {
        for (size_t i = 0; i < layer.size(); ++i) rank[size_t(layer[i])] = double(i);
    };
    for (const auto& layer : order) rerank(layer);
    auto sweep = [&](std::vector<int>& layer, const std::vector<std::vector<int>>& side) {
        std::vector<std::pair<double, int>> keyed;
        for (int v : layer) {
            const double b = barycenter(side[size_t(v)], rank);
            keyed.emplace_back(b < 0 ? rank[size_t(v)] : b, v);
        }
        std::stable_sort(keyed.begin(), keyed.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
        for (size_t i = 0; i < layer.size(); ++i) layer[i] = keyed[i].second;
        rerank(layer);
    };
    for (int round = 0; round < 4; ++round) {
        for (int l = 1; l < layers; ++l) sweep(order[size_t(l)], g.preds);
        for (int l = layers - 2; l >= 0; --l) sweep(order[size_t(l)], g.succs);
    }
    return order;
}

// Positions as close as possible (least squares) to `desired`, in order, at least `gap[i]`
// apart between i and i + 1: isotonic regression by pool-adjacent-violators.
std::vector<double> placeInOrder(const std::vector<double>& desired, const std::vector<double>& gap) {
    std::vector<double> offset(desired.size(), 0.0);
    for (size_t i = 1; i < desired.size(); ++i) offset[i] = offset[i - 1] + gap[i - 1];
    struct Block { double sum; int count; };
    std::vector<Block> blocks;
    for (size_t i = 0; i < desired.size(); ++i) {
        blocks.push_back({desired[i] - offset[i], 1});
        while (blocks.size() > 1) {
            const Block& b = blocks.back();
            const Block& a = blocks[blocks.size() - 2];
            if (a.sum / a.count <= b.sum / b.count) break;
            const Block merged{a.sum + b.sum, a.count + b.count};
            blocks.pop_back();
            blocks.back() = merged;
        }
    }
    std::vector<double> out;
    for (const Block& b : blocks)
        for (int k = 0; k < b.count; ++k) out.push_back(b.sum / b.count + offset[out.size()]);
    return out;
}

// Card centres across the flow: every vertex pulled towards its neighbours' mean, layer by
// layer down and up, without two cards (or a card and a wire's slot) closer than the gap.
// A wire's slot is wider than a card: the straight wire, halfway between the slot and the
// branch, runs clear of the branch's cards with room for its shape tag.
std::vector<double> placeAcross(const LayerGraph& g, const std::vector<std::vector<int>>& order,
                                const LayoutOptions& o) {
    std::vector<double> x(g.layer.size(), 0.0);
    auto width = [&](int v) { return v < g.realCount ? o.cardWidth : o.wireSlotWidth; };
    const double pitch = o.cardWidth + o.siblingGap;
    auto place = [&](const std::vector<int>& layer, const std::vector<std::vector<int>>* side) {
        std::vector<double> desired, gap;
        for (size_t i = 0; i + 1 < layer.size(); ++i)
            gap.push_back((width(layer[i]) + width(layer[i + 1])) / 2 + o.siblingGap);
        for (size_t i = 0; i < layer.size(); ++i) {
            const int v = layer[i];
            double d = side ? barycenter((*side)[size_t(v)], x) : -1;
            if (!side || (*side)[size_t(v)].empty()) d = x[size_t(v)];
            desired.push_back(d);
        }
        const std::vector<double> placed = placeInOrder(desired, gap);
        for (size_t i = 0; i < layer.size(); ++i) x[size_t(layer[i])] = placed[i];
    };
    for (const auto& layer : order) {
        for (size_t i = 0; i < layer.size(); ++i) x[size_t(layer[i])] = (double(i) - (layer.size() - 1) / 2.0) * pitch;
    }
    for (int round = 0; round < 4; ++round) {
        for (size_t l = 1; l < order.size(); ++l) place(order[l], &g.preds);
        for (size_t l = order.size() - 1; l-- > 0;) place(order[l], &g.succs);
    }
    return x;
}

// Where each column starts (layer indices, ascending, first 0) for at most `perColumn`
// layers a column. A column ends at the last place where one wire alone crosses to the next
// layer, so a block is not cut in two (at `perColumn` when there is none).
// Whether a column may start at layer `end`: one wire alone crosses from the layer before.
bool cleanCut(const std::vector<std::vector<int>>& order, const LayerGraph& g, int end) {
    size_t wires = 0;
    for (int v : order[size_t(end - 1)]) wires += g.succs[size_t(v)].size();
    return wires == 1 && order[size_t(end)].size() == 1;
}

// Whether every wire into layer `end` leaves one card, the only one of the layer before: the
// residual stream between two transformer blocks (the next block's body and its skip both
// start at the previous block's Add). No block is split there either; the wires climb back
// to the next column from that one card.
bool fanOutCut(const std::vector<std::vector<int>>& order, const LayerGraph& g, int end) {
    const std::vector<int>& before = order[size_t(end - 1)];
    return before.size() == 1 && before[0] < g.realCount;
}

std::vector<int> columnStarts(const std::vector<std::vector<int>>& order, const LayerGraph& g, int perColumn) {
    const int layers = int(order.size());
    auto lastCut = [&](int start, int end, auto&& clean) {
        for (int e = end; e > start; --e)
            if (clean(order, g, e)) return e;
        return -1;
    };
    std::vector<int> starts{0};
    int start = 0;
    while (start + perColumn < layers) {
        int end = lastCut(start, start + perColumn, cleanCut);
        if (end < 0) end = lastCut(start, start + perColumn, fanOutCut);  // only where no wire stands alone
        if (end < 0) end = start + perColumn;
        starts.push_back(end);
        start = end;
    }
    return starts;
}

struct Placed {
    std::vector<LayoutPoint> topLeft;  // real vertices only
    double width = 0, height = 0;
    bool blocksWhole = true;  // every column cut is clean: no block split between columns
};

Placed placeColumns(const LayerGraph& g, const std::vector<std::vector<int>>& order, const std::vector<double>& x,
                    const std::vector<int>& starts, const LayoutOptions& o) {
    Placed p;
    p.topLeft.resize(size_t(g.realCount));
    const double pitch = o.cardHeight + o.layerGap;
    double left = 0;
    for (size_t c = 0; c < starts.size(); ++c) {
        const int first = starts[c], end = c + 1 < starts.size() ? starts[c + 1] : int(order.size());
        double lo = 1e300, hi = -1e300;
        for (int l = first; l < end; ++l)
            for (int v : order[size_t(l)]) {
                if (v >= g.realCount) continue;  // a wire's slot takes room only beside cards
                lo = std::min(lo, x[size_t(v)]);
                hi = std::max(hi, x[size_t(v)]);
            }
        if (lo > hi) continue;
        for (int l = first; l < end; ++l)
            for (int v : order[size_t(l)])
                if (v < g.realCount) p.topLeft[size_t(v)] = {left + x[size_t(v)] - lo, (l - first) * pitch};
        left += hi - lo + o.cardWidth + o.columnGap;
        p.height = std::max(p.height, (end - first) * pitch - o.layerGap);
    }
    p.width = std::max(0.0, left - o.columnGap);
    for (size_t c = 1; c < starts.size(); ++c)
        p.blocksWhole = p.blocksWhole && (cleanCut(order, g, starts[c]) || fanOutCut(order, g, starts[c]));
    return p;
}

constexpr double kFitMargin = 80;  // the view's fit leaves 40 on each side

// The scale a view fit shows `p` at, never below minScale nor above maxScale.
double fitScale(const Placed& p, const LayoutOptions& o) {
    const double fit = std::min(o.viewWidth / (p.width + kFitMargin), o.viewHeight / (p.height + kFitMargin));
    return std::clamp(fit, std::min(o.minScale, o.maxScale), o.maxScale);
}

// How much of `p` a fit shows at once (1: all of it). A column cut off at the bottom counts
// twice: reading down the columns, each of them would need its own scroll.
double shownFraction(const Placed& p, const LayoutOptions& o) {
    const double s = fitScale(p, o);
    const double across = std::min(1.0, o.viewWidth / ((p.width + kFitMargin) * s));
    const double down = std::min(1.0, o.viewHeight / ((p.height + kFitMargin) * s));
    return across * down * down;
}

// Larger on screen wins (2 % counts as equal); among equals, blocks kept whole in a column,
// then the most of the design in view at once.
bool readsBetter(const Placed& candidate, const Placed& best, const LayoutOptions& o) {
    const double c = fitScale(candidate, o), b = fitScale(best, o);
    if (c > b * 1.02) return true;
    if (c * 1.02 < b) return false;
    if (candidate.blocksWhole != best.blocksWhole) return candidate.blocksWhole;
    return shownFraction(candidate, o) > shownFraction(best, o) * 1.02;
}

double snap(double v, double grid) { return grid > 0 ? std::round(v / grid) * grid : v; }

}  // namespace

LayoutDirection layoutDirectionFor(double viewWidth, double viewHeight) {
    return viewWidth > viewHeight ? LayoutDirection::LeftToRight : LayoutDirection::TopToBottom;
}

std::map<std::string, LayoutPoint> layoutDesign(const Design& design, const LayoutOptions& options) {
    const LayerGraph g = buildGraph(design);
    const auto order = orderLayers(g);
    const std::vector<double> x = placeAcross(g, order, options);
    const int layers = int(order.size());
    // Top to bottom: one column. Left to right: the column count that reads best (the fewest
    // columns among equals, so a design that fits stays in one).
    Placed best = placeColumns(g, order, x, columnStarts(order, g, std::max(layers, 1)), options);
    if (options.direction == LayoutDirection::LeftToRight) {
        for (int perColumn = layers - 1; perColumn >= 2; --perColumn) {
            Placed candidate = placeColumns(g, order, x, columnStarts(order, g, perColumn), options);
            if (readsBetter(candidate, best, options)) best = std::move(candidate);
        }
    }
    std::map<std::string, LayoutPoint> out;
    for (size_t v = 0; v < size_t(g.realCount); ++v)
        out[g.ids[v]] = {snap(best.topLeft[v].x, options.grid), snap(best.topLeft[v].y, options.grid)};
    return out;
}

}  // namespace strata
