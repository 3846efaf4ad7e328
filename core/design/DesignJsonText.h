#pragma once
// The text layout of a saved design: fixed key order (format, name, nodes, edges, groups; id, type,
// params, pos; from, to, port) and one node or edge per line, so saved files read like the
// example in docs/ARCHITECTURE.md §5 and diff one line per change.
#include <nlohmann/json.hpp>
#include <string>

namespace strata {

std::string designJsonText(const nlohmann::json& design);  // ends with a newline

}  // namespace strata
