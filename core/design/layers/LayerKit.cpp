// Shared helpers of the layer spec files (see LayerKit.h).
#include "design/layers/LayerKit.h"

#include <cmath>
#include <limits>

namespace strata::layers {
namespace {

ParamSpec make(const std::string& name, ParamKind kind, nlohmann::json def, double min, double max,
               const std::string& help) {
    ParamSpec p;
    p.name = name;
    p.kind = kind;
    p.defaultValue = std::move(def);
    p.min = min;
    p.max = max;
    p.help = help;
    return p;
}

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

}  // namespace

ParamSpec requiredInt(const std::string& name, double min, double max, const std::string& help) {
    return make(name, ParamKind::Int, nullptr, min, max, help);
}
ParamSpec intParam(const std::string& name, int64_t def, double min, double max, const std::string& help) {
    return make(name, ParamKind::Int, def, min, max, help);
}
ParamSpec floatParam(const std::string& name, double def, double min, double max, const std::string& help) {
    return make(name, ParamKind::Float, def, min, max, help);
}
ParamSpec boolParam(const std::string& name, bool def, const std::string& help) {
    return make(name, ParamKind::Bool, def, 0, 1, help);
}
ParamSpec requiredIntOrClasses(const std::string& name, double min, double max, const std::string& help) {
    return make(name, ParamKind::IntOrClasses, nullptr, min, max, help);
}

ParamSpec choiceParam(const std::string& name, const std::string& def, std::vector<std::string> choices,
                      const std::string& help) {
    ParamSpec p = make(name, ParamKind::Choice, def, 0, 0, help);
    p.choices = std::move(choices);
    return p;
}

double below(double v) { return std::nextafter(v, -std::numeric_limits<double>::infinity()); }
double above(double v) { return std::nextafter(v, std::numeric_limits<double>::infinity()); }

const Shape& requireImage(const Shape& in, const std::string& type, const std::string& hint,
                          const std::string& tokenHint) {
    if (in.size() == 2)
        throw ShapeError{type + " expects an image input [N, C, H, W] but receives tokens " + shapeToString(in) +
                         "; " + tokenHint};
    if (in.size() != 3)
        throw ShapeError{type + " expects an image input [N, C, H, W] but receives " + shapeToString(in) + "; " +
                         hint};
    return in;
}

const Shape& requireFlat(const Shape& in, const std::string& type, const std::string& hint,
                         const std::string& tokenHint) {
    if (in.size() == 2)
        throw ShapeError{type + " expects a flat input [N, F] but receives tokens " + shapeToString(in) + "; " +
                         tokenHint};
    if (in.size() != 1)
        throw ShapeError{type + " expects a flat input [N, F] but receives " + shapeToString(in) + "; " + hint};
    return in;
}

const Shape& requireTokens(const Shape& in, const std::string& type) {
    if (in.size() == 2) return in;
    const std::string fix = in.size() == 3 ? "add PatchEmbed before it to cut the image into patch tokens"
                                           : "take its input from before the TokenPool or Flatten that made it flat";
    throw ShapeError{type + " needs tokens [N, T, D] but receives " + shapeToString(in) + "; " + fix};
}

int64_t mulSat(int64_t a, int64_t b) {
    if (a == 0 || b == 0) return 0;
    return a > kMax / b ? kMax : a * b;
}

int64_t addSat(int64_t a, int64_t b) { return a > kMax - b ? kMax : a + b; }

int64_t elements(const Shape& s) {
    int64_t n = 1;
    for (int64_t d : s) n = mulSat(n, d);
    return n;
}

int64_t slidingOutput(int64_t n, int64_t kernel, int64_t stride, int64_t padding) {
    int64_t span = n + 2 * padding - kernel;
    return span < 0 ? 0 : span / stride + 1;
}

}  // namespace strata::layers
