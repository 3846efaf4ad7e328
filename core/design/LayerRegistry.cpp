// The registry collects every layer family's specs in palette order. The families are listed
// here explicitly: self-registering statics in a static library are dropped by the linker.
#include "design/LayerRegistry.h"

#include "design/layers/LayerKit.h"

#include <algorithm>

namespace strata {

std::string shapeToString(const Shape& s) {
    std::string out = "[N";
    for (int64_t d : s) out += ", " + std::to_string(d);
    return out + "]";
}

std::string dimsToString(const Shape& s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "]";
}

const ParamSpec* LayerSpec::findParam(const std::string& name) const {
    for (const ParamSpec& p : params)
        if (p.name == name) return &p;
    return nullptr;
}

LayerRegistry::LayerRegistry() {
    using namespace layers;
    for (auto family : {ioLayers, convLayers, denseLayers, activationLayers, normLayers, poolLayers,
                        regularizationLayers, mergeLayers, reshapeLayers, tokenLayers}) {
        std::vector<LayerSpec> specs = family();
        specs_.insert(specs_.end(), specs.begin(), specs.end());
    }
}

const LayerRegistry& LayerRegistry::instance() {
    static const LayerRegistry registry;  // thread-safe initialization (C++11 magic statics)
    return registry;
}

const LayerSpec* LayerRegistry::find(const std::string& type) const {
    for (const LayerSpec& s : specs_)
        if (s.type == type) return &s;
    return nullptr;
}

std::vector<const LayerSpec*> LayerRegistry::all() const {
    std::vector<const LayerSpec*> out;
    for (const LayerSpec& s : specs_) out.push_back(&s);
    return out;
}

std::vector<std::string> LayerRegistry::groups() const {
    std::vector<std::string> out;
    for (const LayerSpec& s : specs_)
        if (std::find(out.begin(), out.end(), s.group) == out.end()) out.push_back(s.group);
    return out;
}

}  // namespace strata
