#pragma once
// Every layer type a design may use: its params (with types, defaults and ranges), how many
// inputs it takes, its output shape and its parameter count. Adding a layer type means adding
// one spec file under design/layers/ plus a builder in compile/LayerFactory.cpp.
#include <nlohmann/json.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace strata {

// Per-sample tensor shape, batch dimension excluded: {C, H, W} (image), {F} (flat) or {T, D}
// (a sequence of T tokens of width D, as transformers use).
using Shape = std::vector<int64_t>;
std::string shapeToString(const Shape& s);  // "[N, 32, 28, 28]" (the batch shown as N)
std::string dimsToString(const Shape& s);   // "[32, 1, 3, 3]": a tensor's own dims ("[]" for a scalar)

enum class ParamKind { Int, Float, Bool, IntOrClasses, Choice };

struct ParamSpec {
    std::string name;
    ParamKind kind = ParamKind::Int;
    nlohmann::json defaultValue;  // null: required
    double min = 0, max = 0;      // inclusive valid range for Int/Float/IntOrClasses
    std::string help;
    std::vector<std::string> choices;  // Choice: the strings allowed, in menu order
    bool required() const { return defaultValue.is_null(); }
};

// Params after defaults are applied and "classes" is replaced by the class count.
class ResolvedParams {
public:
    nlohmann::json values = nlohmann::json::object();
    int64_t i(const std::string& name) const { return values.at(name).get<int64_t>(); }
    double f(const std::string& name) const { return values.at(name).get<double>(); }
    bool b(const std::string& name) const { return values.at(name).get<bool>(); }
    std::string s(const std::string& name) const { return values.at(name).get<std::string>(); }
};

// Thrown by shape functions; the message says what is wrong and how to fix it, without
// the node name (the caller prefixes `node "id": `).
struct ShapeError {
    std::string message;
    std::string field = {};  // added: the param at fault when a combination of params is invalid ("" when none)
};

// One tensor of a layer's saved state (docs/ARCHITECTURE.md §8): a parameter or a buffer, named
// as torch names it inside the layer ("weight", "running_mean").
struct StateArray {
    std::string name;
    Shape shape;            // {} for a scalar
    bool integer = false;   // int64 counter (BatchNorm's num_batches_tracked), else float32
};

struct LayerSpec {
    std::string type;         // "Conv2d"
    std::string group;        // palette group: "Input/Output", "Convolution", "Dense", ...
    std::string description;  // one line for tooltips
    std::vector<ParamSpec> params;
    int minInputs = 1;
    int maxInputs = 1;  // -1: any number (Add, Concat)
    bool hasOutput = true;  // false only for Output
    std::function<Shape(const std::vector<Shape>& inputs, const ResolvedParams& p)> inferShape;
    std::function<int64_t(const std::vector<Shape>& inputs, const ResolvedParams& p)> paramCount;
    // The parameters and buffers the compiled layer holds, in torch's order; null for layers
    // without state. Lets a run file be checked against its design without torch.
    std::function<std::vector<StateArray>(const std::vector<Shape>& inputs, const ResolvedParams& p)> state;
    // Added: optional; turns placeholder defaults into real values after defaults are applied
    // (pool stride 0 -> kernel_size), so ResolvedParams always holds what torch gets.
    std::function<void(ResolvedParams& p)> resolve;

    const ParamSpec* findParam(const std::string& name) const;
};

class LayerRegistry {
public:
    static const LayerRegistry& instance();
    const LayerSpec* find(const std::string& type) const;
    std::vector<const LayerSpec*> all() const;  // in palette order
    std::vector<std::string> groups() const;    // palette group order

private:
    LayerRegistry();
    std::vector<LayerSpec> specs_;
};

}  // namespace strata
