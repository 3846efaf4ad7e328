#pragma once
// Building blocks shared by the layer spec files: param constructors, shape checks with
// messages that say how to fix the design, and overflow-safe size arithmetic (sizes come from
// user files, so products must saturate instead of wrapping before the analysis guards them).
#include "design/LayerRegistry.h"

#include <string>

namespace strata::layers {

inline const std::string kImageOnTokensHint =
    "tokens [N, T, D] have no image grid: move it before the PatchEmbed";
inline const std::string kFlatOnTokensHint = "pool the tokens into one vector with a TokenPool before it";

ParamSpec requiredInt(const std::string& name, double min, double max, const std::string& help);
ParamSpec intParam(const std::string& name, int64_t def, double min, double max, const std::string& help);
ParamSpec floatParam(const std::string& name, double def, double min, double max, const std::string& help);
ParamSpec boolParam(const std::string& name, bool def, const std::string& help);
// An Int that may also be the string "classes" (the dataset's class count).
ParamSpec requiredIntOrClasses(const std::string& name, double min, double max, const std::string& help);
// A string out of a fixed list (LayerNorm's normalized_shape "all" | "last").
ParamSpec choiceParam(const std::string& name, const std::string& def, std::vector<std::string> choices,
                      const std::string& help);

// Exclusive bounds are stored as the nearest double inside the range, so the analysis can
// keep one inclusive check: below(1.0) accepts every p < 1, above(0.0) every eps > 0.
double below(double v);
double above(double v);

// Throws ShapeError unless `in` is {C, H, W}: "Conv2d expects an image input [N, C, H, W] but
// receives [N, 784]; <hint>". Tokens [T, D] get `tokenHint` instead, since the usual fix
// (move it before the Flatten) does not apply to a sequence.
const Shape& requireImage(const Shape& in, const std::string& type, const std::string& hint,
                          const std::string& tokenHint = kImageOnTokensHint);
// Throws ShapeError unless `in` is {F}: "Linear expects a flat input [N, F] but receives ...".
const Shape& requireFlat(const Shape& in, const std::string& type, const std::string& hint,
                         const std::string& tokenHint = kFlatOnTokensHint);
// Throws ShapeError unless `in` is {T, D}: "MultiheadAttention needs tokens [N, T, D] but receives
// [N, 64, 7, 7]; add PatchEmbed before it" (the fix depends on what arrives instead).
const Shape& requireTokens(const Shape& in, const std::string& type);

int64_t mulSat(int64_t a, int64_t b);  // a * b, saturating at INT64_MAX (a, b >= 0)
int64_t addSat(int64_t a, int64_t b);  // a + b, saturating at INT64_MAX (a, b >= 0)
int64_t elements(const Shape& s);      // product of the dims, saturating

// Output size of a sliding window (conv, pool) without dilation: floor((n + 2p - k) / s) + 1,
// or 0 when the window does not fit even once.
int64_t slidingOutput(int64_t n, int64_t kernel, int64_t stride, int64_t padding);

// Each layer family's specs, in palette order; LayerRegistry's constructor lists them
// explicitly (static self-registration would be dropped by the static library link).
std::vector<LayerSpec> ioLayers();
std::vector<LayerSpec> convLayers();
std::vector<LayerSpec> denseLayers();
std::vector<LayerSpec> activationLayers();
std::vector<LayerSpec> normLayers();
std::vector<LayerSpec> poolLayers();
std::vector<LayerSpec> regularizationLayers();
std::vector<LayerSpec> mergeLayers();
std::vector<LayerSpec> reshapeLayers();
std::vector<LayerSpec> tokenLayers();

}  // namespace strata::layers
