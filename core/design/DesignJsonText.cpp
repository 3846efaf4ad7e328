// Layout of saved designs (see DesignJsonText.h). nlohmann's dump() sorts keys and either puts
// everything on one line or every value on its own line; neither reads well for a graph.
#include "design/DesignJsonText.h"

#include <algorithm>
#include <vector>

namespace strata {
namespace {

using nlohmann::json;

// Keys in the order people expect to read them; any other key follows, sorted.
// "id" leads a group's keys ({"id", "name", "nodes", ...}); the root has none and nodes have no name.
const std::vector<std::string> kKeyOrder = {"format", "id",     "name", "nodes", "edges", "groups",
                                            "type",   "params", "pos",  "from",  "to",    "port"};

std::vector<std::string> orderedKeys(const json& obj) {
    std::vector<std::string> keys;
    for (const std::string& k : kKeyOrder)
        if (obj.contains(k)) keys.push_back(k);
    for (auto it = obj.begin(); it != obj.end(); ++it)
        if (std::find(kKeyOrder.begin(), kKeyOrder.end(), it.key()) == kKeyOrder.end()) keys.push_back(it.key());
    return keys;
}

// One line, with a space after ':' and ',' like the examples in docs/ARCHITECTURE.md §5.
std::string inlineText(const json& v) {
    if (v.is_object()) {
        std::string s = "{";
        bool first = true;
        for (const std::string& k : orderedKeys(v)) {
            s += (first ? "" : ", ") + json(k).dump() + ": " + inlineText(v[k]);
            first = false;
        }
        return s + "}";
    }
    if (v.is_array()) {
        std::string s = "[";
        for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + inlineText(v[i]);
        return s + "]";
    }
    return v.dump();
}

}  // namespace

std::string designJsonText(const json& design) {
    std::string s = "{\n";
    std::vector<std::string> keys = orderedKeys(design);
    for (std::size_t k = 0; k < keys.size(); ++k) {
        const json& v = design[keys[k]];
        s += "  " + json(keys[k]).dump() + ": ";
        if (v.is_array() && !v.empty()) {
            s += "[\n";
            for (std::size_t i = 0; i < v.size(); ++i)
                s += "    " + inlineText(v[i]) + (i + 1 < v.size() ? ",\n" : "\n");
            s += "  ]";
        } else {
            s += inlineText(v);
        }
        s += k + 1 < keys.size() ? ",\n" : "\n";
    }
    return s + "}\n";
}

}  // namespace strata
