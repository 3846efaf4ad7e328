// Designs made or changed by code for the experiments: the deep stack and the width multiplier.
#include "design/DesignTransforms.h"

#include "design/DesignAnalysis.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>
#include <vector>

namespace strata {

namespace {

using nlohmann::json;

constexpr double kRowStep = 100;      // the templates' vertical spacing (cards are 64 high)
constexpr double kColumnStep = 450;   // a column, its residual branch and room for the edges
constexpr double kBranchOffset = 200;  // the templates' offset of a residual body
constexpr int kRowsPerColumn = 32;

// Places groups of nodes (a block, the stem, the head) in columns of at most kRowsPerColumn
// rows, read top to bottom, left to right. A group never splits across columns, so a block's
// skip edge stays short and inside one column; a 200-block stack stays a few screens wide
// instead of one column 80,000 pixels tall.
class ColumnLayout {
public:
    void startGroup(int rows) {
        if (row_ > 0 && row_ + rows > kRowsPerColumn) {
            ++column_;
            row_ = 0;
        }
    }
    void place(Node& n, double offset) {
        n.hasPos = true;
        n.x = column_ * kColumnStep + offset;
        n.y = row_++ * kRowStep;
    }

private:
    int column_ = 0, row_ = 0;
};

struct StackBuilder {
    Design design;
    ColumnLayout layout;

    void node(const std::string& id, const std::string& type, json params = json::object(), double offset = 0) {
        design.nodes.push_back(Node{id, type, std::move(params)});
        layout.place(design.nodes.back(), offset);
    }
    void edge(const std::string& from, const std::string& to, int port = 0) { design.edges.push_back({from, to, port}); }
};

void requireBetween(int value, int lo, int hi, const char* flag) {
    if (value < lo || value > hi)
        throw std::invalid_argument(std::string(flag) + " must be between " + std::to_string(lo) + " and " +
                                    std::to_string(hi) + ", got " + std::to_string(value));
}

std::string lowercase(std::string s) {
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// The layer type for an --activation value; any letter case is accepted on the command line.
std::string activationType(const std::string& value) {
    for (const char* type : {"ReLU", "Tanh", "Sigmoid"})
        if (lowercase(value) == lowercase(type)) return type;
    throw std::invalid_argument("--activation must be ReLU, Tanh or Sigmoid, got \"" + value + "\"");
}

json conv3x3(int width) { return {{"out_channels", width}, {"kernel_size", 3}, {"padding", 1}}; }

// One block after `input`; returns the id of its output. Its rows: conv, [bn], [add], act.
std::string addBlock(StackBuilder& b, const DeepStackSpec& s, const std::string& act, int k,
                     const std::string& input) {
    const std::string p = "b" + std::to_string(k) + "_";
    // With a skip, the body sits beside the column (as in resnet-mini), so the skip edge from
    // the block input down to the add runs straight and visibly along the column.
    const double body = s.residual ? kBranchOffset : 0;
    b.layout.startGroup(2 + int(s.batchNorm) + int(s.residual));
    b.node(p + "conv", "Conv2d", conv3x3(s.blockWidth), body);
    b.edge(input, p + "conv");
    std::string path = p + "conv";
    if (s.batchNorm) {
        b.node(p + "bn", "BatchNorm2d", json::object(), body);
        b.edge(path, p + "bn");
        path = p + "bn";
    }
    if (s.residual) {
        // Port 0 the body, port 1 the skip: the same order as resnet-mini's adds.
        b.node(p + "add", "Add");
        b.edge(path, p + "add", 0);
        b.edge(input, p + "add", 1);
        path = p + "add";
    }
    b.node(p + "act", act);
    b.edge(path, p + "act");
    return p + "act";
}

std::string defaultStackName(const DeepStackSpec& s, const std::string& act) {
    return "deep-d" + std::to_string(s.depth) + "-w" + std::to_string(s.blockWidth) + "-" + lowercase(act) +
           (s.batchNorm ? "-bn" : "") + (s.residual ? "-res" : "");
}

// "0.5", "2", "1.5": short and stable, for names.
std::string shortNumber(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// The layers that fix the class count: every Conv2d or Linear from which Output is reached
// through parameter-free (or size-following: norms) layers only. Found by walking back from
// Output and stopping at the first Conv2d or Linear on each path.
std::set<std::string> headLayers(const Design& design, const DesignAnalysis& a) {
    std::set<std::string> heads, seen;
    std::vector<std::string> todo;
    for (const Node& n : design.nodes)
        if (n.type == "Output") todo.push_back(n.id);
    while (!todo.empty()) {
        const std::string id = todo.back();
        todo.pop_back();
        if (!seen.insert(id).second) continue;
        const Node* n = design.findNode(id);
        if (n->type == "Conv2d" || n->type == "Linear") {
            heads.insert(id);
            continue;
        }
        if (auto it = a.inputsOf.find(id); it != a.inputsOf.end())
            todo.insert(todo.end(), it->second.begin(), it->second.end());
    }
    return heads;
}

int64_t scaledWidth(int64_t width, double k) {
    // Capped far above every layer's range so llround cannot overflow; the check of the
    // result then reports the width as out of range.
    const double v = std::min(double(width) * k, 1e15);
    return std::max<int64_t>(1, std::llround(v));
}

}  // namespace

Design deepStack(const DeepStackSpec& s) {
    requireBetween(s.channels, 1, 64, "--channels");
    requireBetween(s.height, 1, 4096, "--input-size height");
    requireBetween(s.width, 1, 4096, "--input-size width");
    requireBetween(s.depth, 1, kDeepStackMaxDepth, "--depth");
    requireBetween(s.blockWidth, 1, kDeepStackMaxWidth, "--width");
    const std::string act = activationType(s.activation);

    StackBuilder b;
    b.design.name = s.name.empty() ? defaultStackName(s, act) : s.name;
    b.layout.startGroup(3);
    b.node("in", "Input", {{"channels", s.channels}, {"height", s.height}, {"width", s.width}});
    b.node("stem", "Conv2d", conv3x3(s.blockWidth));
    b.node("stem_act", act);
    b.edge("in", "stem");
    b.edge("stem", "stem_act");
    std::string last = "stem_act";
    for (int k = 1; k <= s.depth; ++k) last = addBlock(b, s, act, k, last);
    b.layout.startGroup(4);
    b.node("pool", "AdaptiveAvgPool2d", {{"output_size", 1}});
    b.node("flat", "Flatten");
    b.node("head", "Linear", {{"out_features", "classes"}});
    b.node("out", "Output");
    b.edge(last, "pool");
    b.edge("pool", "flat");
    b.edge("flat", "head");
    b.edge("head", "out");

    // Every field is in range, yet together they can pass a design limit (2^31 values per
    // sample, 2e9 parameters): refuse here rather than hand out a design that cannot train.
    const DesignAnalysis a = analyzeDesign(b.design);
    if (!a.valid())
        throw std::invalid_argument("the deep stack \"" + b.design.name + "\" is not a valid design: " +
                                    a.issues.front().text());
    return b.design;
}

Design widthMultiplied(const Design& design, double k, int classes) {
    if (!(k > 0) || !std::isfinite(k))
        throw std::invalid_argument("the width multiplier must be a positive number, got " + shortNumber(k));
    const DesignAnalysis before = analyzeDesign(design, classes);
    if (!before.valid())
        throw std::invalid_argument("cannot widen the design \"" + design.name + "\": " + before.issues.front().text());

    const std::set<std::string> heads = headLayers(design, before);
    Design out = design;
    for (Node& n : out.nodes) {
        const char* key = n.type == "Conv2d"       ? "out_channels"
                          : n.type == "Linear"     ? "out_features"
                          : n.type == "PatchEmbed" ? "embed_dim"  // the token width the blocks follow
                                                   : nullptr;
        if (!key || heads.count(n.id)) continue;
        json& width = n.params.at(key);  // required: present in a valid design
        if (width.is_number_integer()) width = scaledWidth(width.get<int64_t>(), k);  // "classes" stays
    }
    out.name = (design.name.empty() ? std::string("design") : design.name) + "-w" + shortNumber(k);

    const DesignAnalysis after = analyzeDesign(out, classes);
    if (!after.valid())
        throw std::invalid_argument("the design \"" + design.name + "\" widened by " + shortNumber(k) +
                                    " is not valid: " + after.issues.front().text());
    return out;
}

}  // namespace strata
